import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { defaultConfig, modelDims, type LabConfig } from '../../engine/config';
import type { ProbeReport, RunInfo, StepScalars, RunRecord } from '../../worker/protocol';
import { handleProbeEvent, useProbe } from '../probe/state';
import { RunsDb } from './db';
import { addRecord, removeRecord, startRunsRecorder, useRuns } from './state';
import { flushMetrics, handleWorkerEvent, useLab } from '../run/state';

const factory = new IDBFactory();
const config: LabConfig = { ...defaultConfig(), preset: 'micro', seed: 3, steps: 10 };
const info = (runId: string, c = config): RunInfo => ({ runId, config: c, dims: modelDims(c), paramCount: 1, trainSize: 10, testSize: 5 });
const scalars = (step: number): StepScalars => ({
  step, epoch: step / 10, loss: 2 / step, predLoss: 1 / step, klLoss: 0.1, groupPenalty: 5, gradNorm: 1, lr: 1e-3, wd: 0.04, ema: 0.996, imgPerSec: 10, lambda: config.lambda, beta: config.beta,
});
const memory = { numTensors: 1, numBytes: 1 };
const probe = (runId: string, step: number, top1: number): ProbeReport => ({
  runId, step, top1, top5: 0.9, randomInitTop1: 0.2, randomInitTop5: 0.6, trainCount: 10, testCount: 5, ms: 1, floorCached: false,
});
/** Let IndexedDB requests (fake-indexeddb: setImmediate) finish. */
const settle = () => new Promise((r) => setTimeout(r, 20));

async function stored() {
  const db = await RunsDb.open(factory);
  const { runs } = await db.list();
  db.close();
  return runs;
}

function train(runId: string, from: number, to: number) {
  for (let s = from; s <= to; s++) handleWorkerEvent({ type: 'metrics', runId, metrics: scalars(s), memory });
  flushMetrics();
}

describe('runs recorder', () => {
  it('keeps each run under its id with its series and probes; a resumed run continues its own record; delete removes it', async () => {
    await startRunsRecorder(factory);
    expect(useRuns.getState().persistent).toBe(true);

    // A fresh model is not kept until it trains.
    useLab.setState({ run: info('run-1'), runState: 'ready', metrics: [] });
    await settle();
    expect(await stored()).toHaveLength(0);

    useLab.setState({ runState: 'running' });
    train('run-1', 1, 4);
    handleWorkerEvent({ type: 'state', runId: 'run-1', state: 'paused', step: 4 });
    await settle();
    let runs = await stored();
    expect(runs).toHaveLength(1);
    const id = runs[0].runId;
    expect(id).toBe('run-1'); // the page's run id names the record
    expect(runs[0]).toMatchObject({ step: 4, lastLoss: 0.5, state: 'paused', config });
    expect(runs[0].series.map((p) => p.step)).toEqual([1, 2, 3, 4]);
    expect(runs[0].name).toMatch(/^SparseJEPA micro seed 3/);

    // A probe result is written at once.
    handleProbeEvent({ type: 'probe', ...probe('run-1', 4, 0.4) });
    await settle();
    runs = await stored();
    expect(runs[0].probes.map((p) => [p.step, p.top1])).toEqual([[4, 0.4]]);

    // Another run (Reset) replaces it on the page; the first stays as it was.
    useLab.setState({ run: info('run-2', { ...config, mode: 'jepa' }), runState: 'ready', metrics: [] });
    train('run-2', 1, 2);
    handleWorkerEvent({ type: 'state', runId: 'run-2', state: 'done', step: 2 });
    await settle();
    runs = await stored();
    expect(runs.map((r) => [r.config.mode, r.step])).toEqual([['sparse', 4], ['jepa', 2]]);
    expect(useRuns.getState().runs).toHaveLength(2);

    // The first run comes back from its checkpoint at step 3 (a reload, Resume): its own record, series rebuilt, probes kept.
    useLab.setState({ run: info('run-1', { ...config, lambda: 0.5 }), runState: 'paused', metrics: [1, 2, 3].map(scalars) });
    expect(useRuns.getState().currentId).toBe(id);
    expect(useProbe.getState().results.map((r) => r.top1)).toEqual([0.4]);
    useLab.setState({ runState: 'running' });
    train('run-1', 4, 5);
    handleProbeEvent({ type: 'probe', ...probe('run-1', 5, 0.45) });
    handleWorkerEvent({ type: 'state', runId: 'run-1', state: 'paused', step: 5 });
    await settle();
    runs = await stored();
    expect(runs).toHaveLength(2);
    const resumed = runs.find((r) => r.runId === id)!;
    expect(resumed.series.map((p) => p.step)).toEqual([1, 2, 3, 4, 5]);
    expect(resumed.probes.map((p) => p.top1)).toEqual([0.4, 0.45]);

    await removeRecord(id);
    await settle();
    expect((await stored()).map((r) => r.config.mode)).toEqual(['jepa']);
    train('run-1', 6, 6);
    handleWorkerEvent({ type: 'state', runId: 'run-1', state: 'paused', step: 6 });
    await settle();
    expect(await stored()).toHaveLength(1); // a deleted run is not written again
  });

  it('keeps an imported run’s record; opened on the page it goes on with its series, probes and origin; deleted and imported again it comes back', async () => {
    await startRunsRecorder(factory);
    const rec: RunRecord = {
      runId: 'imported-abc', name: 'x-gpu', createdAt: 1, updatedAt: 1, config, backend: null, dataset: { id: config.dataset, name: 'synthetic.tar.gz' }, state: 'done', step: 3, lastLoss: 2 / 3,
      series: [1, 2, 3].map((s) => ({ step: s, loss: 2 / s, predLoss: 1 / s, klLoss: 0.1, groupPenalty: 5 })), stride: 1, probes: [],
      imported: { source: 'pytorch', runId: 'abc', device: 'cuda', processes: 2, dataset: '/data/synthetic.tar.gz', files: ['metrics.jsonl', 'weights.safetensors'], importedAt: 1 },
    };
    await addRecord(rec);
    await settle();
    expect((await stored()).find((r) => r.runId === rec.runId)).toMatchObject({ step: 3, imported: { source: 'pytorch', processes: 2 } });

    // Opened (importActions: the run id is the record's, the metrics the file's): a probe at its step lands on it.
    useLab.setState({ run: info(rec.runId), runState: 'done', metrics: [1, 2, 3].map(scalars) });
    handleProbeEvent({ type: 'probe', ...probe(rec.runId, 3, 0.3) });
    await settle();
    const opened = (await stored()).find((r) => r.runId === rec.runId)!;
    expect(opened.series.map((p) => p.step)).toEqual([1, 2, 3]);
    expect(opened.probes.map((p) => [p.step, p.top1])).toEqual([[3, 0.3]]);
    expect(opened.imported?.device).toBe('cuda');

    await removeRecord(rec.runId);
    await addRecord({ ...rec, name: 'x-gpu again' });
    await settle();
    expect((await stored()).find((r) => r.runId === rec.runId)?.name).toBe('x-gpu again');
  });
});
