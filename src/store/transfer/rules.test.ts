import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { defaultConfig, parseConfig } from '../../engine/config';
import type { ProbeReport, TransferProbeReport, RunRecord } from '../../worker/protocol';
import { readRecord, RunsDb } from '../runs/db';
import { latestProbe, mergeTransferProbes, transferTable, withProbe } from './rules';

const probe = (step: number, top1: number, floor = 0.2): ProbeReport => ({
  runId: 'r',
  step,
  top1,
  top5: Math.min(1, top1 + 0.3),
  randomInitTop1: floor,
  randomInitTop5: floor + 0.3,
  trainCount: 100,
  testCount: 20,
  ms: 5,
  floorCached: false,
});

const onB = (step: number, top1: number, id = 'counting', name = 'counting set', floor = 0.125): TransferProbeReport => ({
  ...probe(step, top1, floor),
  pretrainDataset: { id: 'synthetic', name: 'built-in shapes' },
  probeDataset: { id, name },
  numClasses: 8,
});

function run(id: string, over: Partial<RunRecord> = {}, config = {}): RunRecord {
  return {
    runId: id,
    name: `run ${id}`,
    createdAt: 1,
    updatedAt: 1,
    config: parseConfig({ ...defaultConfig(), ...config }),
    backend: 'wasm',
    dataset: { id: 'synthetic', name: 'built-in shapes' },
    state: 'paused',
    step: 10,
    lastLoss: 1,
    series: [],
    stride: 1,
    probes: [],
    ...over,
  };
}

describe('the Transfer table (rows = runs, columns = probe datasets)', () => {
  it('puts each run’s latest probe per dataset beside its floor; own data and transfer datasets are columns alike', () => {
    const a = run('a', { probes: [probe(3, 0.4), probe(6, 0.35)], transferProbes: { counting: [onB(6, 0.3), onB(3, 0.5)] } });
    const b = run('b', { probes: [probe(6, 0.5)], transferProbes: { 'file:photos': [onB(6, 0.6, 'file:photos', 'photos', 0.5)] } }, { mode: 'jepa' });
    const c = run('c'); // never probed: no row
    const d = run('d', { dataset: { id: 'counting', name: 'counting set' }, probes: [probe(4, 0.7, 0.4)] }, { dataset: 'counting' }); // trained on the counting set
    const e = run('e', { probes: [probe(2, 0.9)] }, { subset: { classes: ['0-3'], superclasses: [], perClass: 0 } });
    const { columns, rows } = transferTable([a, b, c, d, e]);
    expect(columns).toEqual([
      { key: 'synthetic', name: 'built-in shapes', numClasses: null },
      { key: 'counting', name: 'counting set', numClasses: 8 },
      { key: 'file:photos', name: 'photos', numClasses: 8 },
      { key: 'synthetic | classes 0-3', name: 'built-in shapes (classes 0-3)', numClasses: null },
    ]);
    expect(rows.map((r) => r.run.runId)).toEqual(['a', 'b', 'd', 'e']);
    // The latest step's probe, not the best: the most trained encoder, as the paper's table reports it.
    expect(rows[0].cells.synthetic).toMatchObject({ top1: 0.35, floorTop1: 0.2, step: 6, own: true });
    expect(rows[0].cells.counting).toMatchObject({ top1: 0.3, floorTop1: 0.125, step: 6, own: false });
    expect(rows[0].cells['file:photos']).toBeUndefined();
    expect(rows[1].cells['file:photos']).toMatchObject({ top1: 0.6, floorTop1: 0.5 });
    // A run trained on the counting set sits in the counting column with the transfer probes onto it.
    expect(rows[2].cells.counting).toMatchObject({ top1: 0.7, floorTop1: 0.4, own: true });
    expect(Object.keys(rows[3].cells)).toEqual(['synthetic | classes 0-3']);
  });

  it('the k-NN column: the latest k-NN probe on the training data (not the linear one), and every transfer probe’s k-NN read-out', () => {
    const knnAt = (step: number, top1: number): ProbeReport => ({ ...probe(step, top1, 0.15), kind: 'knn' });
    const withKnn = (p: TransferProbeReport, top1: number): TransferProbeReport => ({ ...p, knn: { ...probe(p.step, top1, 0.1), trainCount: 100, testCount: 20 } });
    // probeEvery's probes: linear and k-NN at each step; the k-NN at 6 is the latest, yet the linear cell stays the linear probe's.
    const a = run('a', { probes: [probe(3, 0.4), knnAt(3, 0.45), probe(6, 0.35), knnAt(6, 0.55)], transferProbes: { counting: [withKnn(onB(6, 0.3), 0.25)] } });
    const old = run('old', { transferProbes: { counting: [onB(2, 0.3)] } }); // a transfer probe saved before the k-NN read-out
    const onlyKnn = run('k', { probes: [knnAt(4, 0.6)] }); // Evaluate with the k-NN read-out only
    const { columns, rows } = transferTable([a, old, onlyKnn]);
    expect(columns.map((c) => c.key)).toEqual(['synthetic', 'counting']);
    expect(rows[0].cells.synthetic).toMatchObject({ top1: 0.35, floorTop1: 0.2, step: 6, own: true });
    expect(rows[0].knn.synthetic).toMatchObject({ top1: 0.55, floorTop1: 0.15, step: 6, own: true });
    expect(rows[0].cells.counting).toMatchObject({ top1: 0.3, floorTop1: 0.125 });
    expect(rows[0].knn.counting).toMatchObject({ top1: 0.25, floorTop1: 0.1, step: 6, own: false });
    expect(rows[1].knn).toEqual({});
    expect(rows[2].cells).toEqual({});
    expect(rows[2].knn.synthetic).toMatchObject({ top1: 0.6, step: 4 });
  });

  it('keeps one probe per step, in step order, and merges two copies of a record’s transfer probes', () => {
    const list = withProbe(withProbe(withProbe([], onB(6, 0.3)), onB(3, 0.2)), onB(6, 0.4));
    expect(list.map((p) => [p.step, p.top1])).toEqual([
      [3, 0.2],
      [6, 0.4],
    ]);
    expect(latestProbe(list)?.top1).toBe(0.4);
    expect(latestProbe([])).toBeNull();
    const merged = mergeTransferProbes({ counting: [onB(3, 0.2)] }, { counting: [onB(6, 0.5)], 'file:x': [onB(1, 0.1, 'file:x', 'x')] });
    expect(Object.keys(merged)).toEqual(['counting', 'file:x']);
    expect(merged.counting.map((p) => p.step)).toEqual([3, 6]);
  });

  it('stores transfer probes keyed by dataset in IndexedDB; an old record has none; a malformed one is refused', async () => {
    const db = await RunsDb.open(new IDBFactory());
    const a = run('a', { transferProbes: { counting: [onB(2, 0.3)] } });
    await db.put(a);
    await db.put(run('old'));
    expect((await db.get('a'))?.transferProbes).toEqual({ counting: [onB(2, 0.3)] });
    expect((await db.get('old'))?.transferProbes).toBeUndefined();
    expect(() => readRecord({ ...run('bad'), transferProbes: { counting: 'x' } })).toThrow('run bad: transferProbes is not a list per dataset');
    expect(() => readRecord({ ...run('bad'), transferProbes: 3 })).toThrow(/transferProbes/);
  });
});
