// Runs kept in the browser's IndexedDB: every run's config, its loss series (downsampled when
// long) and its probe results, so runs survive a reload and can be compared. Plain IndexedDB
// (one object store, four calls): small enough not to need a wrapper library.
import { parseSavedConfig } from '../../engine/config';
import type { RunRecord, RunPoint } from '../../worker/protocol';

export const DB_NAME = 'sparsejepa-lab-runs';
const DB_VERSION = 1;
const STORE = 'runs';

/** Steps kept per run: past this, every other kept point is dropped and the stride doubles. */
export const MAX_SERIES_POINTS = 2000;

/** Append one step to a run's series, thinning it to at most MAX_SERIES_POINTS (+1 for the latest step). */
export function appendPoint(rec: RunRecord, p: RunPoint, max = MAX_SERIES_POINTS): void {
  rec.step = p.step;
  rec.lastLoss = p.loss;
  const s = rec.series;
  // The last point is kept even off the stride (it is the latest step); replace it when the next one comes.
  if (s.length > 1 && s[s.length - 1].step % rec.stride !== 0) s.pop();
  s.push(p);
  if (s.length > max) {
    rec.stride *= 2;
    rec.series = s.filter((q, i) => i === 0 || i === s.length - 1 || q.step % rec.stride === 0);
  }
}

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
}

/** A stored record as the object store keeps it: the record, keyed by `id` (its runId). */
type StoredRecord = RunRecord & { id: string };

/**
 * A stored record, checked: the config goes through the one schema (new fields get defaults).
 * Records written before the one run record (`id`, `datasetName`) read as today's.
 */
export function readRecord(raw: unknown): RunRecord {
  const r = raw as (Partial<RunRecord> & { id?: unknown; datasetName?: unknown }) | null;
  const runId = r?.runId ?? r?.id;
  if (!r || typeof runId !== 'string' || typeof r.name !== 'string') throw new Error('not a run record');
  if (!Array.isArray(r.series) || !Array.isArray(r.probes)) throw new Error(`run ${runId}: no series or probes`);
  const t = r.transferProbes;
  if (t !== undefined && (typeof t !== 'object' || t === null || Object.values(t).some((v) => !Array.isArray(v)))) throw new Error(`run ${runId}: transferProbes is not a list per dataset`);
  const config = parseSavedConfig(r.config);
  const dataset = r.dataset ?? { id: config.dataset, name: typeof r.datasetName === 'string' ? r.datasetName : config.dataset };
  const { id: _key, datasetName: _legacyName, ...rest } = r;
  return { ...(rest as RunRecord), runId, dataset, config };
}

/** The record as it is stored: keyed by its runId. */
const stored = (rec: RunRecord): StoredRecord => ({ ...rec, id: rec.runId });

export class RunsDb {
  private constructor(private readonly db: IDBDatabase) {}

  static async open(factory: IDBFactory = indexedDB, name = DB_NAME): Promise<RunsDb> {
    const req = factory.open(name, DB_VERSION);
    req.onupgradeneeded = () => {
      if (!req.result.objectStoreNames.contains(STORE)) req.result.createObjectStore(STORE, { keyPath: 'id' });
    };
    return new RunsDb(await request(req));
  }

  private store(mode: IDBTransactionMode): IDBObjectStore {
    return this.db.transaction(STORE, mode).objectStore(STORE);
  }

  async put(rec: RunRecord): Promise<void> {
    await request(this.store('readwrite').put(stored(rec)));
  }

  async get(id: string): Promise<RunRecord | null> {
    const raw = await request(this.store('readonly').get(id));
    return raw === undefined ? null : readRecord(raw);
  }

  /** Every readable run, oldest first; `unreadable` counts records that failed the check. */
  async list(): Promise<{ runs: RunRecord[]; unreadable: number }> {
    const raw = (await request(this.store('readonly').getAll())) as unknown[];
    const runs: RunRecord[] = [];
    let unreadable = 0;
    for (const r of raw) {
      try {
        runs.push(readRecord(r));
      } catch {
        unreadable++;
      }
    }
    runs.sort((a, b) => a.createdAt - b.createdAt);
    return { runs, unreadable };
  }

  async delete(id: string): Promise<void> {
    await request(this.store('readwrite').delete(id));
  }

  close(): void {
    this.db.close();
  }
}
