import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../engine/config';
import { appendPoint, readRecord, RunsDb } from './db';
import type { RunPoint, RunRecord } from '../../worker/protocol';

const point = (step: number): RunPoint => ({ step, loss: 1 / step, predLoss: 1 / step, klLoss: 0, groupPenalty: 2 });

function record(id: string, createdAt: number): RunRecord {
  return {
    runId: id,
    name: `run ${id}`,
    createdAt,
    updatedAt: createdAt,
    config: defaultConfig(),
    backend: 'wasm',
    dataset: { id: 'synthetic', name: 'built-in shapes' },
    state: 'paused',
    step: 0,
    lastLoss: null,
    series: [],
    stride: 1,
    probes: [],
  };
}

describe('runs in IndexedDB', () => {
  it('stores, lists (oldest first), reads back and deletes runs', async () => {
    const db = await RunsDb.open(new IDBFactory());
    const a = record('a', 2);
    appendPoint(a, point(1));
    a.probes.push({ runId: 'a', step: 1, top1: 0.3, top5: 0.8, randomInitTop1: 0.25, randomInitTop5: 0.7, trainCount: 10, testCount: 5, ms: 3, floorCached: false });
    await db.put(a);
    await db.put(record('b', 1));
    const { runs, unreadable } = await db.list();
    expect(runs.map((r) => r.runId)).toEqual(['b', 'a']);
    expect(unreadable).toBe(0);
    expect(await db.get('a')).toEqual(a);
    await db.delete('a');
    expect(await db.get('a')).toBeNull();
    expect((await db.list()).runs.map((r) => r.runId)).toEqual(['b']);
    db.close();
  });

  it('keeps runs across a reopen, and skips records it cannot read', async () => {
    const factory = new IDBFactory();
    const db = await RunsDb.open(factory);
    await db.put(record('kept', 1));
    await db.put({ ...record('broken', 2), config: { ...defaultConfig(), steps: -3 } });
    db.close();
    const again = await RunsDb.open(factory);
    const { runs, unreadable } = await again.list();
    expect(runs.map((r) => r.runId)).toEqual(['kept']);
    expect(unreadable).toBe(1);
    again.close();
  });

  it('reads a record saved before the one run record (id, datasetName) as today’s, and keys today’s by runId', async () => {
    const { runId, dataset, ...rest } = record('older', 1);
    const legacy = { ...rest, id: runId, datasetName: dataset.name };
    expect(readRecord(legacy)).toEqual({ ...record('older', 1), dataset: { id: defaultConfig().dataset, name: 'built-in shapes' } });
    const db = await RunsDb.open(new IDBFactory());
    await db.put(record('new', 2));
    expect((await db.get('new'))?.runId).toBe('new'); // the object store's key is the run's id
    db.close();
  });

  it('fills config fields a record was saved without from the schema defaults', () => {
    const { probeEvery: _, ...older } = defaultConfig();
    expect(readRecord({ ...record('old', 1), config: older }).config.probeEvery).toBe(0);
    expect(() => readRecord({ id: 'x' })).toThrow(/not a run record/);
  });

  it('downsamples a long series: at most max+1 points, first and latest step kept, evenly strided', () => {
    const r = record('long', 1);
    for (let s = 1; s <= 1000; s++) appendPoint(r, point(s), 100);
    expect(r.series.length).toBeLessThanOrEqual(101);
    expect(r.series.length).toBeGreaterThan(50);
    expect(r.series[0].step).toBe(1);
    expect(r.series[r.series.length - 1].step).toBe(1000);
    expect(r.step).toBe(1000);
    expect(r.lastLoss).toBe(1 / 1000);
    const inner = r.series.slice(1, -1).map((p) => p.step);
    expect(inner.every((s) => s % r.stride === 0)).toBe(true);
    expect(inner).toEqual([...inner].sort((x, y) => x - y));
    // Short series are kept whole.
    const short = record('short', 1);
    for (let s = 1; s <= 50; s++) appendPoint(short, point(s), 100);
    expect(short.series.map((p) => p.step)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });
});
