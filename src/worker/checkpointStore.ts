// Checkpoints of every run, kept in this browser's IndexedDB under the run's id, so a reload, a
// crashed tab or a lost GPU loses at most `checkpointEvery` steps of any run, and any saved run
// can be resumed. Plain IndexedDB (promise wrapping of a few calls) rather than a library.
//
// "meta" holds what the page needs to decide (run id, step, config, dataset, size); "checkpoint"
// holds the bytes (encodeCheckpoint), the metrics so far and the last batch. A save writes both
// in one transaction, so a reader never sees the meta of one save with the bytes of another, and
// a refused write (a full disk: QuotaExceededError) leaves the run's previous checkpoint as it was.
//
// A storage budget keeps the total under a size: after each save the oldest checkpoints are
// deleted first, never the one just written nor one of a run open in some tab (`protect`).
import { parseSavedConfig, type LabConfig } from '../engine/config';
import type { LastBatch } from '../engine/trainer';
import type { RunHistoryData, RunId, SavedRunInfo, SavedRuns } from './protocol';
import { errText } from '../shared/errors';

/** A database of its own (the runs table has another), so neither one's upgrades touch the other. */
export const DB_NAME = 'sparsejepa-lab-checkpoint';
/** 1: one run under the key "latest"; 2: one record per run id (the old one is moved, see upgrade()). */
const DB_VERSION = 2;
const META = 'meta';
const CHECKPOINT = 'checkpoint';
const LEGACY_KEY = 'latest';
/** Refuse a stored checkpoint larger than this (the vit-tiny preset with AdamW moments is 87 MB). */
export const MAX_CHECKPOINT_BYTES = 1 << 30;
/** Default storage budget for all checkpoints together (a checkpoint is 2.5 MB for micro, 46 MB for small, 87 MB for vit-tiny). */
export const DEFAULT_BUDGET_BYTES = 300 * 1024 * 1024;

export class CheckpointStoreError extends Error {
  override name = 'CheckpointStoreError';
}

export interface SavedRun {
  info: SavedRunInfo;
  /** encodeCheckpoint(TrainerState). */
  bytes: Uint8Array;
  history: RunHistoryData;
  /** The batch and masks of the checkpoint's step (the Masks view shows it after a resume). */
  lastBatch?: LastBatch | null;
}

/** What a budget pass did: the checkpoints it deleted, and the total left. */
export interface Eviction {
  evicted: SavedRunInfo[];
  usedBytes: number;
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

/** Check a stored meta record field by field: the database is outside this program's control. */
export function parseSavedRunInfo(raw: unknown): SavedRunInfo {
  const r = raw as Record<string, unknown> | null;
  if (!r || typeof r !== 'object') throw new CheckpointStoreError('the saved run has no description');
  const dataset = r.dataset as Record<string, unknown> | undefined;
  if (typeof r.runId !== 'string' || !r.runId) throw new CheckpointStoreError("the saved run's id is missing");
  if (!Number.isInteger(r.step) || (r.step as number) < 0) throw new CheckpointStoreError(`the saved run's step is invalid (${String(r.step)})`);
  if (typeof r.savedAt !== 'number' || !Number.isFinite(r.savedAt)) throw new CheckpointStoreError("the saved run's time is invalid");
  if (!Number.isInteger(r.bytes) || (r.bytes as number) < 0) throw new CheckpointStoreError("the saved run's size is invalid");
  if (!dataset || typeof dataset.id !== 'string' || typeof dataset.name !== 'string') throw new CheckpointStoreError("the saved run's dataset is missing");
  let config: LabConfig;
  try {
    config = parseSavedConfig(r.config);
  } catch (e) {
    throw new CheckpointStoreError(`the saved run's settings are not valid: ${errText(e)}`);
  }
  return { runId: r.runId, step: r.step as number, savedAt: r.savedAt, bytes: r.bytes as number, config, dataset: { id: dataset.id, name: dataset.name } };
}

function parseHistory(raw: unknown): RunHistoryData {
  const h = raw as Record<string, unknown> | null;
  if (!h || !Array.isArray(h.metrics) || !Array.isArray(h.norms) || !Array.isArray(h.hyper)) {
    throw new CheckpointStoreError('the saved metrics are missing or invalid');
  }
  return h as unknown as RunHistoryData;
}

function parseLastBatch(raw: unknown): LastBatch | null {
  const b = raw as Partial<LastBatch> | null | undefined;
  if (!b || !Number.isInteger(b.step) || !Array.isArray(b.indices) || !b.masks || !Array.isArray(b.masks.context) || !Array.isArray(b.masks.targets)) return null;
  return b as LastBatch;
}

/**
 * Which checkpoints a budget pass deletes: oldest first (by savedAt), skipping protected runs,
 * until the total is within the budget. The caller's newest checkpoint is among the protected.
 */
export function evictionPlan(entries: readonly Pick<SavedRunInfo, 'runId' | 'savedAt' | 'bytes'>[], budgetBytes: number, protect: ReadonlySet<RunId>): RunId[] {
  let used = entries.reduce((n, e) => n + e.bytes, 0);
  const out: RunId[] = [];
  for (const e of [...entries].sort((a, b) => a.savedAt - b.savedAt)) {
    if (used <= budgetBytes) break;
    if (protect.has(e.runId)) continue;
    out.push(e.runId);
    used -= e.bytes;
  }
  return out;
}

/** Move a version-1 database's single run ("latest") to a key of its own. */
function upgrade(tx: IDBTransaction, oldVersion: number): void {
  const db = tx.db;
  for (const name of [META, CHECKPOINT]) if (!db.objectStoreNames.contains(name)) db.createObjectStore(name);
  if (oldVersion !== 1) return;
  const meta = tx.objectStore(META);
  const body = tx.objectStore(CHECKPOINT);
  const get = meta.get(LEGACY_KEY);
  get.onsuccess = () => {
    const old = get.result as Record<string, unknown> | undefined;
    if (!old) return;
    const runId = `saved-${typeof old.savedAt === 'number' ? old.savedAt : Date.now()}`;
    const getBody = body.get(LEGACY_KEY);
    getBody.onsuccess = () => {
      const b = getBody.result as { bytes?: Uint8Array } | undefined;
      meta.put({ ...old, runId, bytes: b?.bytes?.byteLength ?? 0 }, runId);
      if (b) body.put(b, runId);
      meta.delete(LEGACY_KEY);
      body.delete(LEGACY_KEY);
    };
  };
}

export class CheckpointStore {
  private db: Promise<IDBDatabase> | null = null;
  /** Reads and writes run in the order they were asked for. */
  private queue: Promise<unknown> = Promise.resolve();

  /** @param factory IndexedDB (the worker's own by default; tests pass fake-indexeddb's). */
  constructor(private readonly factory: IDBFactory | undefined = (globalThis as { indexedDB?: IDBFactory }).indexedDB) {}

  get available(): boolean {
    return Boolean(this.factory);
  }

  private open(): Promise<IDBDatabase> {
    if (!this.factory) return Promise.reject(new CheckpointStoreError('this browser offers no IndexedDB (private mode?): checkpoints stay in memory only'));
    this.db ??= new Promise<IDBDatabase>((resolve, reject) => {
      const r = this.factory!.open(DB_NAME, DB_VERSION);
      r.onupgradeneeded = (e) => upgrade(r.transaction!, e.oldVersion);
      r.onsuccess = () => {
        // Another tab of a newer version of the lab wants to upgrade: let it.
        r.result.onversionchange = () => {
          r.result.close();
          this.db = null;
        };
        resolve(r.result);
      };
      r.onerror = () => reject(new CheckpointStoreError(`could not open IndexedDB: ${errText(r.error)}`));
      r.onblocked = () => reject(new CheckpointStoreError('IndexedDB is blocked by another tab of the lab holding an older version open'));
    }).catch((e) => {
      this.db = null;
      throw e;
    });
    return this.db;
  }

  /**
   * Replace run `info.runId`'s checkpoint (meta, bytes, metrics together, atomically). A put that
   * throws (QuotaExceededError, storage disabled) aborts the transaction, so the run's previous
   * checkpoint stays whole. Then, with a budget, deletes the oldest unprotected checkpoints.
   */
  save(run: SavedRun, budget?: { bytes: number; protect: ReadonlySet<RunId> }): Promise<Eviction> {
    return this.inOrder(async () => {
      const db = await this.open();
      const info: SavedRunInfo = { ...run.info, bytes: run.bytes.byteLength };
      const tx = db.transaction([META, CHECKPOINT], 'readwrite');
      const finished = done(tx);
      try {
        tx.objectStore(CHECKPOINT).put({ bytes: run.bytes, history: run.history, lastBatch: run.lastBatch ?? null }, info.runId);
        tx.objectStore(META).put(info, info.runId);
      } catch (e) {
        finished.catch(() => undefined);
        tx.abort();
        throw e;
      }
      await finished;
      if (!budget) return { evicted: [], usedBytes: NaN };
      return this.evictWithin(db, budget.bytes, new Set([...budget.protect, info.runId]));
    });
  }

  /** Apply a budget now (it was lowered): deletes the oldest unprotected checkpoints. */
  enforceBudget(bytes: number, protect: ReadonlySet<RunId>): Promise<Eviction> {
    return this.inOrder(async () => this.evictWithin(await this.open(), bytes, protect));
  }

  private async evictWithin(db: IDBDatabase, budgetBytes: number, protect: ReadonlySet<RunId>): Promise<Eviction> {
    const { runs } = await this.readAll(db);
    const ids = new Set(evictionPlan(runs, budgetBytes, protect));
    const evicted = runs.filter((r) => ids.has(r.runId));
    for (const r of evicted) await this.remove(db, r.runId);
    const usedBytes = runs.filter((r) => !ids.has(r.runId)).reduce((n, r) => n + r.bytes, 0);
    return { evicted, usedBytes };
  }

  /** Every saved run's description, oldest first; damaged records are listed apart, with why. */
  list(): Promise<SavedRuns> {
    return this.inOrder(async () => this.readAll(await this.open()));
  }

  private async readAll(db: IDBDatabase): Promise<SavedRuns> {
    const store = db.transaction(META, 'readonly').objectStore(META);
    const [keys, values] = await Promise.all([request(store.getAllKeys()), request(store.getAll())]);
    const out: SavedRuns = { runs: [], unreadable: [] };
    values.forEach((raw, i) => {
      try {
        const info = parseSavedRunInfo(raw);
        if (info.runId !== keys[i]) throw new CheckpointStoreError(`the description is filed under ${String(keys[i])}`);
        out.runs.push(info);
      } catch (e) {
        out.unreadable.push({ runId: String(keys[i]), reason: errText(e) });
      }
    });
    out.runs.sort((a, b) => a.savedAt - b.savedAt);
    return out;
  }

  /** Run `runId`'s description, without reading the checkpoint's bytes; null when none is saved. */
  info(runId: RunId): Promise<SavedRunInfo | null> {
    return this.inOrder(async () => {
      const db = await this.open();
      const raw = await request(db.transaction(META, 'readonly').objectStore(META).get(runId));
      return raw === undefined ? null : parseSavedRunInfo(raw);
    });
  }

  /** Run `runId`'s whole checkpoint; null when none is saved. Throws CheckpointStoreError when it is damaged. */
  load(runId: RunId): Promise<SavedRun | null> {
    return this.inOrder(async () => {
      const db = await this.open();
      const tx = db.transaction([META, CHECKPOINT], 'readonly');
      const [meta, body] = await Promise.all([request(tx.objectStore(META).get(runId)), request(tx.objectStore(CHECKPOINT).get(runId))]);
      if (meta === undefined && body === undefined) return null;
      const info = parseSavedRunInfo(meta);
      const b = body as { bytes?: unknown; history?: unknown; lastBatch?: unknown } | undefined;
      if (!b || !(b.bytes instanceof Uint8Array)) throw new CheckpointStoreError('the saved checkpoint bytes are missing');
      if (b.bytes.byteLength > MAX_CHECKPOINT_BYTES) {
        throw new CheckpointStoreError(`the saved checkpoint is ${b.bytes.byteLength} bytes, over the ${MAX_CHECKPOINT_BYTES}-byte limit`);
      }
      return { info, bytes: b.bytes, history: parseHistory(b.history), lastBatch: parseLastBatch(b.lastBatch) };
    });
  }

  /** Forget run `runId`'s checkpoint. */
  delete(runId: RunId): Promise<void> {
    return this.inOrder(async () => this.remove(await this.open(), runId));
  }

  private async remove(db: IDBDatabase, runId: RunId): Promise<void> {
    const tx = db.transaction([META, CHECKPOINT], 'readwrite');
    const finished = done(tx);
    tx.objectStore(META).delete(runId);
    tx.objectStore(CHECKPOINT).delete(runId);
    await finished;
  }

  private inOrder<T>(fn: () => Promise<T>): Promise<T> {
    const r = this.queue.then(fn);
    this.queue = r.catch(() => undefined);
    return r;
  }
}
