// The sweep kept in this browser's IndexedDB (its own database, beside the runs'): the latest
// sweep's spec, its rows and its run in progress, so a reload finds it and goes on. One record:
// a new sweep takes the place of the last one (keeping its rows for the runs they share).
import { readSweepRecord, type SweepRecord } from './rules';

export const SWEEP_DB_NAME = 'sparsejepa-lab-sweep';
const DB_VERSION = 1;
const STORE = 'sweep';
const KEY = 'latest';

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
}

export class SweepDb {
  private constructor(private readonly db: IDBDatabase) {}

  static async open(factory: IDBFactory = indexedDB, name = SWEEP_DB_NAME): Promise<SweepDb> {
    const req = factory.open(name, DB_VERSION);
    req.onupgradeneeded = () => {
      if (!req.result.objectStoreNames.contains(STORE)) req.result.createObjectStore(STORE);
    };
    return new SweepDb(await request(req));
  }

  /** The kept sweep, or null; a record that fails the check throws (the panel says why). */
  async load(): Promise<SweepRecord | null> {
    const raw = await request(this.db.transaction(STORE, 'readonly').objectStore(STORE).get(KEY));
    return raw === undefined ? null : readSweepRecord(raw);
  }

  async save(rec: SweepRecord): Promise<void> {
    await request(this.db.transaction(STORE, 'readwrite').objectStore(STORE).put(structuredClone(rec), KEY));
  }

  close(): void {
    this.db.close();
  }
}
