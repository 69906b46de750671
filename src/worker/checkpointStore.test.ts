import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../engine/config';
import { CheckpointStore, CheckpointStoreError, DB_NAME, type SavedRun } from './checkpointStore';

function run(step: number, fill = step): SavedRun {
  return {
    info: { step, savedAt: 1_700_000_000_000 + step, config: defaultConfig(), dataset: { id: 'synthetic', name: 'built-in shapes' } },
    bytes: new Uint8Array([fill, 1, 2, 3]),
    history: {
      metrics: [],
      norms: [{ step, G: 1, K: 2, data: new Float32Array([0.5, fill]) }],
      hyper: [{ atStep: 1, hyper: { lambda: 0.1, beta: 0.2, lr: 0.003 } }],
    },
  };
}

/** Write a raw record, as a damaged or hostile database would hold it. */
async function putRaw(factory: IDBFactory, store: 'meta' | 'checkpoint', value: unknown): Promise<void> {
  await new CheckpointStore(factory).info(); // creates the stores
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const r = factory.open(DB_NAME);
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  await new Promise<void>((resolve, reject) => {
    const tx = db.transaction(store, 'readwrite');
    tx.objectStore(store).put(value, 'latest');
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
  db.close();
}

describe('CheckpointStore (IndexedDB)', () => {
  it('saves, describes, loads and clears the latest run', async () => {
    const factory = new IDBFactory();
    const store = new CheckpointStore(factory);
    expect(await store.info()).toBeNull();
    expect(await store.load()).toBeNull();
    await store.save(run(5));
    // A second store on the same database (a reloaded page) sees it.
    const again = new CheckpointStore(factory);
    expect(await again.info()).toEqual(run(5).info);
    const loaded = await again.load();
    expect(loaded!.bytes).toEqual(new Uint8Array([5, 1, 2, 3]));
    expect(loaded!.history.norms[0].data).toEqual(new Float32Array([0.5, 5]));
    expect(loaded!.history.hyper).toEqual(run(5).history.hyper);
    await again.clear();
    expect(await store.info()).toBeNull();
  });

  it('keeps the last of several saves asked for in a row (writes land in order)', async () => {
    const store = new CheckpointStore(new IDBFactory());
    await Promise.all([store.save(run(10)), store.save(run(20)), store.save(run(30))]);
    expect((await store.info())!.step).toBe(30);
    expect((await store.load())!.bytes[0]).toBe(30);
  });

  it('refuses damaged records with a message naming what is wrong', async () => {
    const factory = new IDBFactory();
    await putRaw(factory, 'meta', { ...run(3).info, step: -1 });
    await expect(new CheckpointStore(factory).info()).rejects.toThrow(/step is invalid \(-1\)/);

    const f2 = new IDBFactory();
    await putRaw(f2, 'meta', { ...run(3).info, config: { lr: 'fast' } });
    await expect(new CheckpointStore(f2).info()).rejects.toThrow(CheckpointStoreError);
    await expect(new CheckpointStore(f2).info()).rejects.toThrow(/settings are not valid: .*lr/);

    const f3 = new IDBFactory();
    await putRaw(f3, 'meta', run(3).info);
    await expect(new CheckpointStore(f3).load()).rejects.toThrow(/checkpoint bytes are missing/);
    await putRaw(f3, 'checkpoint', { bytes: new Uint8Array(4), history: { metrics: 'nope' } });
    await expect(new CheckpointStore(f3).load()).rejects.toThrow(/saved metrics are missing or invalid/);
  });

  it('says so when there is no IndexedDB', async () => {
    const store = new CheckpointStore(undefined);
    expect(store.available).toBe(false);
    await expect(store.save(run(1))).rejects.toThrow(/no IndexedDB/);
  });
});
