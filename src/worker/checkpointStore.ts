// The latest checkpoint of the current run, kept in this browser's IndexedDB so a reload, a
// crashed tab or a lost GPU loses at most `checkpointEvery` steps. Plain IndexedDB (a dozen
// lines of promise wrapping) rather than a library: one database, two stores, one key.
//
// "meta" holds what the page needs to decide (step, config, dataset); "checkpoint" holds the
// bytes (encodeCheckpoint) and the metrics so far. Both are written in one transaction, so a
// reader never sees the meta of one save with the bytes of another.
import { parseConfig, type LabConfig } from '../engine/config';
import type { RunHistoryData, SavedRunInfo } from './protocol';

/** A database of its own (the runs table has another), so neither one's upgrades touch the other. */
export const DB_NAME = 'sparsejepa-lab-checkpoint';
const DB_VERSION = 1;
const META = 'meta';
const CHECKPOINT = 'checkpoint';
const KEY = 'latest';
/** Refuse a stored checkpoint larger than this (the vit-tiny preset with AdamW moments is ~0.2 GB). */
export const MAX_CHECKPOINT_BYTES = 1 << 30;

export class CheckpointStoreError extends Error {
  override name = 'CheckpointStoreError';
}

export interface SavedRun {
  info: SavedRunInfo;
  /** encodeCheckpoint(TrainerState). */
  bytes: Uint8Array;
  history: RunHistoryData;
}

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Check a stored meta record field by field: the database is outside this program's control. */
export function parseSavedRunInfo(raw: unknown): SavedRunInfo {
  const r = raw as Record<string, unknown> | null;
  if (!r || typeof r !== 'object') throw new CheckpointStoreError('the saved run has no description');
  const dataset = r.dataset as Record<string, unknown> | undefined;
  if (!Number.isInteger(r.step) || (r.step as number) < 0) throw new CheckpointStoreError(`the saved run's step is invalid (${String(r.step)})`);
  if (typeof r.savedAt !== 'number' || !Number.isFinite(r.savedAt)) throw new CheckpointStoreError("the saved run's time is invalid");
  if (!dataset || typeof dataset.id !== 'string' || typeof dataset.name !== 'string') throw new CheckpointStoreError("the saved run's dataset is missing");
  let config: LabConfig;
  try {
    config = parseConfig(r.config);
  } catch (e) {
    throw new CheckpointStoreError(`the saved run's settings are not valid: ${errText(e)}`);
  }
  return { step: r.step as number, savedAt: r.savedAt, config, dataset: { id: dataset.id, name: dataset.name } };
}

function parseHistory(raw: unknown): RunHistoryData {
  const h = raw as Record<string, unknown> | null;
  if (!h || !Array.isArray(h.metrics) || !Array.isArray(h.norms) || !Array.isArray(h.hyper)) {
    throw new CheckpointStoreError('the saved metrics are missing or invalid');
  }
  return h as unknown as RunHistoryData;
}

export class CheckpointStore {
  private db: Promise<IDBDatabase> | null = null;
  /** Reads and writes run in the order they were asked for, whichever run asked (an old run never overwrites a newer one). */
  private writes: Promise<unknown> = Promise.resolve();

  /** @param factory IndexedDB (the worker's own by default; tests pass fake-indexeddb's). */
  constructor(private readonly factory: IDBFactory | undefined = (globalThis as { indexedDB?: IDBFactory }).indexedDB) {}

  get available(): boolean {
    return Boolean(this.factory);
  }

  private open(): Promise<IDBDatabase> {
    if (!this.factory) return Promise.reject(new CheckpointStoreError('this browser offers no IndexedDB (private mode?): checkpoints stay in memory only'));
    this.db ??= new Promise<IDBDatabase>((resolve, reject) => {
      const r = this.factory!.open(DB_NAME, DB_VERSION);
      r.onupgradeneeded = () => {
        for (const name of [META, CHECKPOINT]) if (!r.result.objectStoreNames.contains(name)) r.result.createObjectStore(name);
      };
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(new CheckpointStoreError(`could not open IndexedDB: ${errText(r.error)}`));
      r.onblocked = () => reject(new CheckpointStoreError('IndexedDB is blocked by another tab of the lab holding an older version open'));
    }).catch((e) => {
      this.db = null;
      throw e;
    });
    return this.db;
  }

  /** Replace the saved run (meta, bytes and metrics together, atomically). */
  save(run: SavedRun): Promise<void> {
    return this.inOrder(async () => {
      const db = await this.open();
      const tx = db.transaction([META, CHECKPOINT], 'readwrite');
      const finished = done(tx);
      tx.objectStore(META).put(run.info, KEY);
      tx.objectStore(CHECKPOINT).put({ bytes: run.bytes, history: run.history }, KEY);
      await finished;
    });
  }

  /** What is saved, without reading the checkpoint's bytes; null when nothing is. */
  info(): Promise<SavedRunInfo | null> {
    return this.inOrder(async () => {
      const db = await this.open();
      const raw = await request(db.transaction(META, 'readonly').objectStore(META).get(KEY));
      return raw === undefined ? null : parseSavedRunInfo(raw);
    });
  }

  /** The whole saved run; null when nothing is saved. Throws CheckpointStoreError when it is damaged. */
  load(): Promise<SavedRun | null> {
    return this.inOrder(() => this.read());
  }

  private async read(): Promise<SavedRun | null> {
    const db = await this.open();
    const tx = db.transaction([META, CHECKPOINT], 'readonly');
    const [meta, body] = await Promise.all([request(tx.objectStore(META).get(KEY)), request(tx.objectStore(CHECKPOINT).get(KEY))]);
    if (meta === undefined && body === undefined) return null;
    const info = parseSavedRunInfo(meta);
    const b = body as { bytes?: unknown; history?: unknown } | undefined;
    if (!b || !(b.bytes instanceof Uint8Array)) throw new CheckpointStoreError('the saved checkpoint bytes are missing');
    if (b.bytes.byteLength > MAX_CHECKPOINT_BYTES) {
      throw new CheckpointStoreError(`the saved checkpoint is ${b.bytes.byteLength} bytes, over the ${MAX_CHECKPOINT_BYTES}-byte limit`);
    }
    return { info, bytes: b.bytes, history: parseHistory(b.history) };
  }

  clear(): Promise<void> {
    return this.inOrder(async () => {
      const db = await this.open();
      const tx = db.transaction([META, CHECKPOINT], 'readwrite');
      const finished = done(tx);
      tx.objectStore(META).delete(KEY);
      tx.objectStore(CHECKPOINT).delete(KEY);
      await finished;
    });
  }

  private inOrder<T>(fn: () => Promise<T>): Promise<T> {
    const r = this.writes.then(fn);
    this.writes = r.catch(() => undefined);
    return r;
  }
}
