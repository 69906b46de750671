// The runs table's store, and the recorder that keeps every run in IndexedDB as it trains: the
// record of a run is keyed by the run's id (the page's UUID, which also keys its checkpoint and
// names it to the worker); a new one when the page gets a new run (Reset, loaded weights), saved
// once it has trained a step, then at most every SAVE_EVERY_MS while it runs, and at once on
// pause, done, error, a probe result, or when the next run replaces it. A run that comes back
// from its checkpoint (a reload, Resume, a backend switch) continues its own record.
import { create } from 'zustand';
import { useProbe } from './probeStore';
import { useLab, type LabState } from './runStore';
import { modeLabel } from './rules';
import { appendPoint, RunsDb, type RunRecord } from './runsDb';
import { mergeTransferProbes, transferProbesOf, withProbe } from './transferTable';
import type { RunInfo, StepScalars, TransferProbeReport } from '../worker/protocol';

export const SAVE_EVERY_MS = 3000;

export interface RunsState {
  /** Every run, oldest first (the one training now included). */
  runs: RunRecord[];
  /** Ids picked for the overlay. */
  selected: string[];
  /** The record of the run the page shows now. */
  currentId: string | null;
  /** Whether runs are kept across reloads (IndexedDB opened). */
  persistent: boolean;
  error: string | null;
}

export const useRuns = create<RunsState>()(() => ({ runs: [], selected: [], currentId: null, persistent: false, error: null }));

let db: RunsDb | null = null;
let started = false;
/** The record being written, the metrics array it reads from, and how far it has read. */
let current: { info: RunInfo; record: RunRecord; metrics: StepScalars[]; read: number } | null = null;
let nextMeta: { name?: string; twinOf?: string } = {};
let saveTimer: ReturnType<typeof setTimeout> | null = null;
/** Ids deleted while their run still trains: never written again. */
const deleted = new Set<string>();

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

function defaultName(info: RunInfo, now: Date): string {
  const c = info.config;
  return `${modeLabel(c.mode)} ${c.preset} seed ${c.seed} · ${now.toLocaleTimeString([], { hour12: false })}`;
}

function newRecord(info: RunInfo, s: LabState): RunRecord {
  const now = new Date();
  const meta = nextMeta;
  nextMeta = {};
  return {
    id: info.runId,
    name: meta.name ?? defaultName(info, now),
    createdAt: now.getTime(),
    updatedAt: now.getTime(),
    config: info.config,
    backend: s.backend?.backend ?? null,
    datasetName: s.dataset?.name ?? info.config.dataset,
    ...(meta.twinOf ? { twinOf: meta.twinOf } : {}),
    state: s.runState,
    step: 0,
    lastLoss: null,
    series: [],
    stride: 1,
    probes: [],
  };
}

/** The next run the page builds gets this name (and twin link). */
export function nameNextRun(meta: { name?: string; twinOf?: string }): void {
  nextMeta = meta;
}

/** The probe interval changed while the run trains: the record (and a twin made from it) keeps the new one. */
export function recordProbeEvery(n: number): void {
  if (!current) return;
  current.record.config = { ...current.record.config, probeEvery: n };
  scheduleSave();
}

/** A run is worth keeping once it has trained a step or been probed. */
const worthKeeping = (r: RunRecord) => r.step > 0 || r.probes.length > 0 || Object.keys(transferProbesOf(r)).length > 0;

function upsert(rec: RunRecord): void {
  const copy: RunRecord = { ...rec, series: rec.series.slice(), probes: rec.probes.slice() };
  const runs = useRuns.getState().runs.filter((r) => r.id !== rec.id);
  runs.push(copy);
  runs.sort((a, b) => a.createdAt - b.createdAt);
  useRuns.setState({ runs });
}

/** Write the record now (and show it in the table). */
async function save(rec: RunRecord): Promise<void> {
  if (saveTimer && current?.record === rec) {
    clearTimeout(saveTimer);
    saveTimer = null;
  }
  if (!worthKeeping(rec) || deleted.has(rec.id)) return;
  rec.updatedAt = Date.now();
  upsert(rec);
  if (!db) return;
  try {
    await db.put(structuredClone(rec));
  } catch (e) {
    useRuns.setState({ error: `Could not save run "${rec.name}": ${errText(e)}` });
  }
}

function scheduleSave(): void {
  if (saveTimer || !current) return;
  const rec = current.record;
  saveTimer = setTimeout(() => {
    saveTimer = null;
    void save(rec);
  }, SAVE_EVERY_MS);
}

/** Copy the steps published since the last look into the record. */
function readMetrics(s: LabState): boolean {
  if (!current) return false;
  if (s.metrics !== current.metrics) {
    // A new array: cleared (a new run is coming: keep what we have), or a history put back
    // (a resumed or rolled-back run: the record's series is rebuilt from it).
    current.metrics = s.metrics;
    current.read = 0;
    if (s.metrics.length) {
      current.record.series = [];
      current.record.stride = 1;
    }
  }
  const fresh = s.metrics.length > current.read;
  for (; current.read < s.metrics.length; current.read++) {
    const m = s.metrics[current.read];
    appendPoint(current.record, { step: m.step, loss: m.loss, predLoss: m.predLoss, klLoss: m.klLoss, groupPenalty: m.groupPenalty });
  }
  return fresh;
}

/** The record a run belongs to: its own (a resumed run continues it), else a new one. */
function recordFor(info: RunInfo, s: LabState): RunRecord {
  const own = useRuns.getState().runs.find((r) => r.id === info.runId);
  if (!own) return newRecord(info, s);
  const rec = { ...own, config: info.config, series: [], stride: 1, probes: own.probes.slice() };
  useProbe.setState({ runId: info.runId, results: rec.probes.slice(), progress: null, error: null });
  return rec;
}

function onLab(s: LabState, prev: LabState): void {
  if (s.run !== (current?.info ?? null)) {
    if (current) void save(current.record);
    current = s.run ? { info: s.run, record: recordFor(s.run, s), metrics: [], read: 0 } : null;
    useRuns.setState({ currentId: current?.record.id ?? null });
  }
  if (!current) return;
  const grew = readMetrics(s);
  if (s.runState !== prev.runState && s.runState !== 'none') {
    current.record.state = s.runState;
    if (s.runState !== 'running' && s.runState !== 'ready') {
      void save(current.record);
      return;
    }
  }
  // A run not in the table yet is written at once: it appears as it starts, and a reload right after keeps its name.
  const rec = current.record;
  if (grew) (useRuns.getState().runs.some((r) => r.id === rec.id) ? scheduleSave() : void save(rec));
}

function onProbe(): void {
  const p = useProbe.getState();
  if (!current || p.runId !== current.info.runId || p.results === current.record.probes) return;
  if (p.results.length === current.record.probes.length && p.results.every((r, i) => r === current!.record.probes[i])) return;
  current.record.probes = p.results.slice(); // includes the record's earlier probes when the run was resumed
  void save(current.record);
}

/** A transfer probe of the run shown: kept in its record under the probe dataset's id (one per step), and saved. */
export function recordTransferProbe(report: TransferProbeReport): void {
  if (!current || current.info.runId !== report.runId) return;
  const rec = current.record;
  const all = transferProbesOf(rec);
  rec.transferProbes = { ...all, [report.probeDataset.id]: withProbe(all[report.probeDataset.id] ?? [], report) };
  void save(rec);
}

/** Open the database, list the saved runs, and record every run from now on (once). */
export async function startRunsRecorder(factory?: IDBFactory): Promise<void> {
  if (started) return;
  started = true;
  useLab.subscribe(onLab);
  useProbe.subscribe(onProbe);
  onLab(useLab.getState(), useLab.getState());
  try {
    db = await RunsDb.open(factory ?? indexedDB);
    const { runs, unreadable } = await db.list();
    // The run shown may have come back from its checkpoint before its record was read: it continues that record.
    const own = current && runs.find((r) => r.id === current!.info.runId);
    if (current && own) {
      const probes = [...own.probes.filter((p) => !current!.record.probes.some((q) => q.step === p.step)), ...current.record.probes].sort((a, b) => a.step - b.step);
      current.record = { ...own, config: current.info.config, series: current.record.series, stride: current.record.stride, step: current.record.step, lastLoss: current.record.lastLoss, state: current.record.state, probes, transferProbes: mergeTransferProbes(transferProbesOf(own), transferProbesOf(current.record)) };
      useProbe.setState({ runId: current.info.runId, results: probes.slice() });
    }
    const live = useRuns.getState().runs.filter((r) => !runs.some((q) => q.id === r.id));
    useRuns.setState({
      runs: [...runs, ...live].sort((a, b) => a.createdAt - b.createdAt),
      persistent: true,
      error: unreadable ? `${unreadable} saved run(s) could not be read and are not shown.` : null,
    });
    for (const r of live) await db.put(structuredClone(r));
  } catch (e) {
    db = null;
    useRuns.setState({ persistent: false, error: `Runs are kept in this tab only (IndexedDB: ${errText(e)}).` });
  }
}

export function toggleSelected(id: string): void {
  const sel = useRuns.getState().selected;
  useRuns.setState({ selected: sel.includes(id) ? sel.filter((x) => x !== id) : [...sel, id] });
}

/** Read run `id`'s record again (another tab wrote it); the run shown here keeps its own. */
export async function refreshRecord(id: string): Promise<void> {
  if (!db || current?.record.id === id || deleted.has(id)) return;
  try {
    const rec = await db.get(id);
    if (rec && !deleted.has(id)) upsert(rec);
  } catch {
    // unreadable: the table keeps what it had
  }
}

/** Keep a record made elsewhere (an imported run: importActions.ts), in place of one of the same id. */
export async function addRecord(rec: RunRecord): Promise<void> {
  deleted.delete(rec.id);
  if (current?.record.id === rec.id) current.record = rec; // re-imported while open: the recorder keeps this one
  await save(rec);
}

/** Forget run `id`'s record (its checkpoint is the worker's: runActions.deleteRun does both). */
export async function removeRecord(id: string): Promise<void> {
  deleted.add(id);
  const s = useRuns.getState();
  useRuns.setState({ runs: s.runs.filter((r) => r.id !== id), selected: s.selected.filter((x) => x !== id) });
  try {
    await db?.delete(id);
  } catch (e) {
    useRuns.setState({ error: `Could not delete the run: ${errText(e)}` });
  }
}
