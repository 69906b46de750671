// Runs kept in the browser's IndexedDB: every run's config, its loss series (downsampled when
// long) and its probe results, so runs survive a reload and can be compared. Plain IndexedDB
// (one object store, four calls): small enough not to need a wrapper library.
import { parseSavedConfig, type LabConfig } from '../../engine/config';
import type { ProbeReport, RunState, TransferProbeReport } from '../../worker/protocol';

export const DB_NAME = 'sparsejepa-lab-runs';
const DB_VERSION = 1;
const STORE = 'runs';

/** Steps kept per run: past this, every other kept point is dropped and the stride doubles. */
export const MAX_SERIES_POINTS = 2000;

/** One step of a run's loss series. */
export interface RunPoint {
  step: number;
  loss: number;
  predLoss: number;
  klLoss: number;
  groupPenalty: number;
}

/** Where a run trained outside the page came from (src/store/import/rules.ts). */
export interface ImportedFrom {
  /** "pytorch" (interop/pytorch/train.py's `run` metadata) or "command line" (npm run train, which writes none). */
  source: string;
  /** The trainer's own id of the run (train.py's). */
  runId?: string;
  torch?: string;
  device?: string;
  processes?: number;
  /** The dataset it trained on, as its config names it (train.py: the archive's path). */
  dataset: string;
  /** The files it was imported from. */
  files: string[];
  importedAt: number;
}

export interface RunRecord {
  id: string;
  name: string;
  createdAt: number;
  updatedAt: number;
  config: LabConfig;
  backend: string | null;
  datasetName: string;
  /** The SparseJEPA run this is the JEPA twin of. */
  twinOf?: string;
  state: RunState | 'none';
  /** Last step trained. */
  step: number;
  lastLoss: number | null;
  /** Loss series: every step while short, then every `stride`-th step (the first and last kept). */
  series: RunPoint[];
  stride: number;
  probes: ProbeReport[];
  /** A run trained outside the page and imported: its weights open to look at, never to train. */
  imported?: ImportedFrom;
  /** Probes on other datasets than the run's (transfer probes), by probe dataset id, in step order. */
  transferProbes?: Record<string, TransferProbeReport[]>;
}

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

/** A stored record, checked: the config goes through the one schema (new fields get defaults). */
export function readRecord(raw: unknown): RunRecord {
  const r = raw as Partial<RunRecord> | null;
  if (!r || typeof r.id !== 'string' || typeof r.name !== 'string') throw new Error('not a run record');
  if (!Array.isArray(r.series) || !Array.isArray(r.probes)) throw new Error(`run ${r.id}: no series or probes`);
  const t = r.transferProbes;
  if (t !== undefined && (typeof t !== 'object' || t === null || Object.values(t).some((v) => !Array.isArray(v)))) throw new Error(`run ${r.id}: transferProbes is not a list per dataset`);
  return { ...(r as RunRecord), config: parseSavedConfig(r.config) };
}

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
    await request(this.store('readwrite').put(rec));
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
