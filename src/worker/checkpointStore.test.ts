import { IDBFactory, IDBObjectStore as FakeObjectStore } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../engine/config';
import { CheckpointStore, CheckpointStoreError, DB_NAME, evictionPlan, type SavedRun } from './checkpointStore';

function run(step: number, runId = 'run-a', fill = step, size = 4): SavedRun {
  const bytes = new Uint8Array(size).fill(1);
  bytes[0] = fill;
  return {
    info: { runId, step, savedAt: 1_700_000_000_000 + step, bytes: size, config: defaultConfig(), dataset: { id: 'synthetic', name: 'built-in shapes' } },
    bytes,
    history: {
      metrics: [],
      norms: [{ step, G: 1, K: 2, data: new Float32Array([0.5, fill]) }],
      hyper: [{ atStep: 1, hyper: { lambda: 0.1, beta: 0.2, lr: 0.003 } }],
    },
    lastBatch: { step, indices: [3, 1], masks: { context: [[0, 1], [0, 2]], targets: [[[5], [6]]], numContext: 2, numTarget: 1 } },
  };
}

function openRaw(factory: IDBFactory, version?: number, upgrade?: (db: IDBDatabase) => void): Promise<IDBDatabase> {
  return new Promise<IDBDatabase>((resolve, reject) => {
    const r = version ? factory.open(DB_NAME, version) : factory.open(DB_NAME);
    r.onupgradeneeded = () => upgrade?.(r.result);
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

/** Write a raw record, as a damaged or hostile database would hold it. */
async function putRaw(factory: IDBFactory, store: 'meta' | 'checkpoint', key: string, value: unknown): Promise<void> {
  await new CheckpointStore(factory).list(); // creates the stores
  const db = await openRaw(factory);
  await new Promise<void>((resolve, reject) => {
    const tx = db.transaction(store, 'readwrite');
    tx.objectStore(store).put(value, key);
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
  db.close();
}

describe('CheckpointStore (IndexedDB, one checkpoint per run id)', () => {
  it('saves, describes, loads and deletes each run under its own id', async () => {
    const factory = new IDBFactory();
    const store = new CheckpointStore(factory);
    expect(await store.info('run-a')).toBeNull();
    expect(await store.load('run-a')).toBeNull();
    await store.save(run(5, 'run-a'));
    await store.save(run(9, 'run-b'));
    // A second store on the same database (a reloaded page, another tab) sees both.
    const again = new CheckpointStore(factory);
    expect(await again.info('run-a')).toEqual(run(5, 'run-a').info);
    expect((await again.list()).runs.map((r) => [r.runId, r.step])).toEqual([['run-a', 5], ['run-b', 9]]);
    const loaded = await again.load('run-b');
    expect(loaded!.bytes[0]).toBe(9);
    expect(loaded!.history.norms[0].data).toEqual(new Float32Array([0.5, 9]));
    expect(loaded!.lastBatch).toEqual(run(9).lastBatch);
    await again.delete('run-a');
    expect(await store.info('run-a')).toBeNull();
    expect((await store.info('run-b'))!.step).toBe(9);
  });

  it('keeps the last of several saves of one run asked for in a row (writes land in order)', async () => {
    const store = new CheckpointStore(new IDBFactory());
    await Promise.all([store.save(run(10)), store.save(run(20)), store.save(run(30))]);
    expect((await store.info('run-a'))!.step).toBe(30);
    expect((await store.load('run-a'))!.bytes[0]).toBe(30);
  });

  it('a refused write (QuotaExceededError) leaves the previous checkpoint whole', async () => {
    const factory = new IDBFactory();
    const store = new CheckpointStore(factory);
    await store.save(run(4));
    const proto = FakeObjectStore.prototype as IDBObjectStore;
    const put = proto.put;
    let calls = 0;
    // The second put of the transaction (the meta) is refused, after the bytes were queued.
    proto.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      if (++calls === 2) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return put.apply(this, args);
    };
    try {
      await expect(store.save(run(8, 'run-a', 8))).rejects.toThrow(/quota/);
    } finally {
      proto.put = put;
    }
    const kept = await new CheckpointStore(factory).load('run-a');
    expect(kept!.info.step).toBe(4);
    expect(kept!.bytes[0]).toBe(4);
  });

  it('the storage budget deletes the oldest checkpoints first, never a protected one', async () => {
    expect(
      evictionPlan(
        [
          { runId: 'a', savedAt: 1, bytes: 10 },
          { runId: 'b', savedAt: 2, bytes: 10 },
          { runId: 'c', savedAt: 3, bytes: 10 },
          { runId: 'd', savedAt: 4, bytes: 10 },
        ],
        25,
        new Set(['a', 'd']),
      ),
    ).toEqual(['b', 'c']);
    expect(evictionPlan([{ runId: 'a', savedAt: 1, bytes: 50 }], 10, new Set(['a']))).toEqual([]); // the newest is kept even over budget

    const store = new CheckpointStore(new IDBFactory());
    await store.save(run(1, 'old', 1, 100));
    await store.save(run(2, 'other-tab', 2, 100));
    await store.save(run(3, 'mid', 3, 100));
    const out = await store.save(run(4, 'new', 4, 100), { bytes: 250, protect: new Set(['other-tab']) });
    expect(out.evicted.map((r) => r.runId)).toEqual(['old', 'mid']);
    expect(out.usedBytes).toBe(200);
    expect((await store.list()).runs.map((r) => r.runId)).toEqual(['other-tab', 'new']);
    const lowered = await store.enforceBudget(150, new Set(['new']));
    expect(lowered.evicted.map((r) => r.runId)).toEqual(['other-tab']);
  });

  it('moves a version-1 database’s single run to a key of its own', async () => {
    const factory = new IDBFactory();
    const v1 = await openRaw(factory, 1, (db) => {
      db.createObjectStore('meta');
      db.createObjectStore('checkpoint');
    });
    await new Promise<void>((resolve, reject) => {
      const tx = v1.transaction(['meta', 'checkpoint'], 'readwrite');
      const { runId: _, bytes: __, ...oldInfo } = run(7).info;
      tx.objectStore('meta').put(oldInfo, 'latest');
      tx.objectStore('checkpoint').put({ bytes: run(7).bytes, history: run(7).history }, 'latest');
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    v1.close();
    const { runs, unreadable } = await new CheckpointStore(factory).list();
    expect(unreadable).toEqual([]);
    expect(runs.map((r) => [r.runId, r.step, r.bytes])).toEqual([[`saved-${run(7).info.savedAt}`, 7, 4]]);
    expect((await new CheckpointStore(factory).load(runs[0].runId))!.bytes[0]).toBe(7);
  });

  it('refuses damaged records with a message naming what is wrong', async () => {
    const factory = new IDBFactory();
    await putRaw(factory, 'meta', 'run-a', { ...run(3).info, step: -1 });
    await expect(new CheckpointStore(factory).info('run-a')).rejects.toThrow(/step is invalid \(-1\)/);
    expect((await new CheckpointStore(factory).list()).unreadable).toEqual([{ runId: 'run-a', reason: "the saved run's step is invalid (-1)" }]);

    const f2 = new IDBFactory();
    await putRaw(f2, 'meta', 'run-a', { ...run(3).info, config: { lr: 'fast' } });
    await expect(new CheckpointStore(f2).info('run-a')).rejects.toThrow(CheckpointStoreError);
    await expect(new CheckpointStore(f2).info('run-a')).rejects.toThrow(/settings are not valid: .*lr/);

    const f3 = new IDBFactory();
    await putRaw(f3, 'meta', 'run-a', run(3).info);
    await expect(new CheckpointStore(f3).load('run-a')).rejects.toThrow(/checkpoint bytes are missing/);
    await putRaw(f3, 'checkpoint', 'run-a', { bytes: new Uint8Array(4), history: { metrics: 'nope' } });
    await expect(new CheckpointStore(f3).load('run-a')).rejects.toThrow(/saved metrics are missing or invalid/);
  });

  it('says so when there is no IndexedDB', async () => {
    const store = new CheckpointStore(undefined);
    expect(store.available).toBe(false);
    await expect(store.save(run(1))).rejects.toThrow(/no IndexedDB/);
  });
});
