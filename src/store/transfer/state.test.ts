import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { defaultConfig, modelDims, type LabConfig } from '../../engine/config';
import type { DatasetSummary, RunInfo, StepScalars, TransferProbeReport } from '../../worker/protocol';
import { RunsDb } from '../runs/db';
import { startRunsRecorder, useRuns } from '../runs/state';
import { flushMetrics, handleWorkerEvent } from '../run/state';
import { showRun, workerReady, workerStarting } from '../dispatch';
import { handleTransferEvent, probeChoices, useTransfer } from './state';

const factory = new IDBFactory();
const config: LabConfig = { ...defaultConfig(), preset: 'micro', seed: 3, steps: 10, dataset: 'file:blobs' };
const info = (runId: string): RunInfo => ({ runId, config, dims: modelDims(config), paramCount: 1, trainSize: 10, testSize: 5 });
const scalars = (step: number) => ({ step, epoch: 0, loss: 1, predLoss: 1, klLoss: 0, groupPenalty: 0, gradNorm: 1, lr: 1e-3, wd: 0.04, ema: 0.996, imgPerSec: 1, lambda: 1, beta: 0.01 }) as StepScalars;
const settle = () => new Promise((r) => setTimeout(r, 20));
const summary = (id: string, name: string): DatasetSummary => ({ id, name, trainSize: 8, testSize: 2, numClasses: 2, numSuperclasses: 0, classNames: ['a', 'b'], skipped: [] });
const report = (runId: string, step: number, top1: number, id = 'counting', name = 'counting set'): TransferProbeReport => ({
  runId,
  step,
  top1,
  top5: 0.9,
  randomInitTop1: 0.125,
  randomInitTop5: 0.6,
  trainCount: 4000,
  testCount: 800,
  ms: 1,
  floorCached: false,
  pretrainDataset: { id: 'file:blobs', name: 'blobs' },
  probeDataset: { id, name },
  numClasses: 8,
});

describe('transfer probes on the page', () => {
  it('offers the counting set (unless the run trained on it) and the datasets picked for probing, never the run’s own', () => {
    const picked = [summary('file:photos', 'photos'), summary('file:blobs', 'blobs')];
    expect(probeChoices('file:blobs', picked).map((c) => c.id)).toEqual(['counting', 'file:photos']);
    expect(probeChoices('counting', picked).map((c) => c.id)).toEqual(['file:photos', 'file:blobs']);
  });

  it('keeps each result in the run’s record under the probe dataset, shows the newest, and drops results of runs no longer shown', async () => {
    await startRunsRecorder(factory);
    showRun({ run: info('run-1'), runState: 'paused', metrics: [] });
    for (let s = 1; s <= 3; s++) handleWorkerEvent({ type: 'metrics', runId: 'run-1', metrics: scalars(s), memory: { numTensors: 1, numBytes: 1 } });
    flushMetrics();
    handleTransferEvent({ type: 'transfer-progress', runId: 'run-1', step: 3, probeDataset: 'counting', done: 0.4, phase: 'trained' });
    expect(useTransfer.getState().progress?.done).toBe(0.4);
    handleTransferEvent({ type: 'transfer-probe', ...report('run-1', 3, 0.3) });
    handleTransferEvent({ type: 'transfer-probe', ...report('run-1', 3, 0.5, 'file:photos', 'photos') });
    handleTransferEvent({ type: 'transfer-probe', ...report('run-1', 3, 0.35) }); // again at the same step: replaces
    handleTransferEvent({ type: 'transfer-probe', ...report('other-run', 3, 0.9) }); // not the run shown: dropped
    expect(useTransfer.getState().progress).toBeNull();
    expect(useTransfer.getState().latest?.top1).toBe(0.35);
    await settle();
    const db = await RunsDb.open(factory);
    const rec = await db.get('run-1');
    db.close();
    expect(Object.keys(rec!.transferProbes!)).toEqual(['counting', 'file:photos']);
    expect(rec!.transferProbes!.counting.map((p) => p.top1)).toEqual([0.35]);
    expect(rec!.probes).toEqual([]); // the training data's probes are apart
    expect(useRuns.getState().runs.find((r) => r.runId === 'run-1')?.transferProbes?.['file:photos'][0].top1).toBe(0.5);
    // Another run on the page: no result shown of the last one.
    showRun({ run: info('run-2') });
    expect(useTransfer.getState().latest).toBeNull();
  });

  it('a new worker holds no picked probe datasets: the choice falls back to the training data and says so', () => {
    useTransfer.setState({ sets: [summary('file:photos', 'photos')], on: 'file:photos' });
    workerReady({});
    workerStarting({});
    expect(useTransfer.getState()).toMatchObject({ sets: [], on: '', loadError: 'The worker restarted: pick photos again to probe on it.' });
    useTransfer.setState({ on: 'counting', loadError: null });
    workerReady({});
    workerStarting({});
    expect(useTransfer.getState().on).toBe('counting'); // built in: nothing to pick again
  });
});
