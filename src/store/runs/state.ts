// The runs table's store, and the recorder that keeps every run in IndexedDB as it trains: the
// record of a run is keyed by the run's id (the page's UUID, which also keys its checkpoint and
// names it to the worker); a new one when the page gets a new run (Reset, loaded weights), saved
// once it has trained a step, then at most every SAVE_EVERY_MS while it runs, and at once on
// pause, done, error, a probe result, or when the next run replaces it. A run that comes back
// from its checkpoint (a reload, Resume, a backend switch) continues its own record.
import { create } from 'zustand';
import { useProbe } from '../probe/state';
import { useLab, type LabState } from '../run/state';
import { modeLabel } from '../run/rules';
import { appendPoint, RunsDb } from './db';
import { mergeTransferProbes, transferProbesOf, withProbe } from '../transfer/rules';
import type { RunInfo, StepScalars, TransferProbeReport, RunRecord } from '../../worker/protocol';
import { errText } from '../../shared/errors';

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

/** What the recorder holds beside the Runs table's state (one recorder per page). */
interface Recorder {
  db: RunsDb | null;
  started: boolean;
  /** The record being written, the metrics array it reads from, and how far it has read. */
  current: { info: RunInfo; record: RunRecord; metrics: StepScalars[]; read: number } | null;
  /** The name (and twin link) the next run gets. */
  nextMeta: { name?: string; twinOf?: string };
  saveTimer: ReturnType<typeof setTimeout> | null;
  /** Ids deleted while their run still trains: never written again. */
  deleted: Set<string>;
}

const recorder: Recorder = { db: null, started: false, current: null, nextMeta: {}, saveTimer: null, deleted: new Set() };

function defaultName(info: RunInfo, now: Date): string {
  const c = info.config;
  return `${modeLabel(c.mode)} ${c.preset} seed ${c.seed} · ${now.toLocaleTimeString([], { hour12: false })}`;
}

function newRecord(info: RunInfo, s: LabState): RunRecord {
  const now = new Date();
  const meta = recorder.nextMeta;
  recorder.nextMeta = {};
  return {
    runId: info.runId,
    name: meta.name ?? defaultName(info, now),
    createdAt: now.getTime(),
    updatedAt: now.getTime(),
    config: info.config,
    backend: s.backend?.backend ?? null,
    dataset: { id: info.config.dataset, name: s.dataset?.name ?? info.config.dataset },
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
  recorder.nextMeta = meta;
}

/** The probe interval changed while the run trains: the record (and a twin made from it) keeps the new one. */
export function recordProbeEvery(n: number): void {
  if (!recorder.current) return;
  recorder.current.record.config = { ...recorder.current.record.config, probeEvery: n };
  scheduleSave();
}

/** A run is worth keeping once it has trained a step or been probed. */
const worthKeeping = (r: RunRecord) => r.step > 0 || r.probes.length > 0 || Object.keys(transferProbesOf(r)).length > 0;

function upsert(rec: RunRecord): void {
  const copy: RunRecord = { ...rec, series: rec.series.slice(), probes: rec.probes.slice() };
  const runs = useRuns.getState().runs.filter((r) => r.runId !== rec.runId);
  runs.push(copy);
  runs.sort((a, b) => a.createdAt - b.createdAt);
  useRuns.setState({ runs });
}

/** Write the record now (and show it in the table). */
async function save(rec: RunRecord): Promise<void> {
  if (recorder.saveTimer && recorder.current?.record === rec) {
    clearTimeout(recorder.saveTimer);
    recorder.saveTimer = null;
  }
  if (!worthKeeping(rec) || recorder.deleted.has(rec.runId)) return;
  rec.updatedAt = Date.now();
  upsert(rec);
  if (!recorder.db) return;
  try {
    await recorder.db.put(structuredClone(rec));
  } catch (e) {
    useRuns.setState({ error: `Could not save run "${rec.name}": ${errText(e)}` });
  }
}

function scheduleSave(): void {
  if (recorder.saveTimer || !recorder.current) return;
  const rec = recorder.current.record;
  recorder.saveTimer = setTimeout(() => {
    recorder.saveTimer = null;
    void save(rec);
  }, SAVE_EVERY_MS);
}

/** Copy the steps published since the last look into the record. */
function readMetrics(s: LabState): boolean {
  if (!recorder.current) return false;
  if (s.metrics !== recorder.current.metrics) {
    // A new array: cleared (a new run is coming: keep what we have), or a history put back
    // (a resumed or rolled-back run: the record's series is rebuilt from it).
    recorder.current.metrics = s.metrics;
    recorder.current.read = 0;
    if (s.metrics.length) {
      recorder.current.record.series = [];
      recorder.current.record.stride = 1;
    }
  }
  const fresh = s.metrics.length > recorder.current.read;
  for (; recorder.current.read < s.metrics.length; recorder.current.read++) {
    const m = s.metrics[recorder.current.read];
    appendPoint(recorder.current.record, { step: m.step, loss: m.loss, predLoss: m.predLoss, klLoss: m.klLoss, groupPenalty: m.groupPenalty, gradNorm: m.gradNorm });
  }
  return fresh;
}

/** The record a run belongs to: its own (a resumed run continues it), else a new one. */
function recordFor(info: RunInfo, s: LabState): RunRecord {
  const own = useRuns.getState().runs.find((r) => r.runId === info.runId);
  if (!own) return newRecord(info, s);
  const rec = { ...own, config: info.config, series: [], stride: 1, probes: own.probes.slice() };
  useProbe.setState({ runId: info.runId, results: rec.probes.slice(), progress: null, error: null });
  return rec;
}

function onLab(s: LabState, prev: LabState): void {
  if (s.run !== (recorder.current?.info ?? null)) {
    if (recorder.current) void save(recorder.current.record);
    recorder.current = s.run ? { info: s.run, record: recordFor(s.run, s), metrics: [], read: 0 } : null;
    useRuns.setState({ currentId: recorder.current?.record.runId ?? null });
  }
  if (!recorder.current) return;
  const grew = readMetrics(s);
  if (s.runState !== prev.runState && s.runState !== 'none') {
    recorder.current.record.state = s.runState;
    if (s.runState !== 'running' && s.runState !== 'ready') {
      void save(recorder.current.record);
      return;
    }
  }
  // A run not in the table yet is written at once: it appears as it starts, and a reload right after keeps its name.
  const rec = recorder.current.record;
  if (grew) (useRuns.getState().runs.some((r) => r.runId === rec.runId) ? scheduleSave() : void save(rec));
}

function onProbe(): void {
  const p = useProbe.getState();
  if (!recorder.current || p.runId !== recorder.current.info.runId || p.results === recorder.current.record.probes) return;
  if (p.results.length === recorder.current.record.probes.length && p.results.every((r, i) => r === recorder.current!.record.probes[i])) return;
  recorder.current.record.probes = p.results.slice(); // includes the record's earlier probes when the run was resumed
  void save(recorder.current.record);
}

/** A transfer probe of the run shown: kept in its record under the probe dataset's id (one per step), and saved. */
export function recordTransferProbe(report: TransferProbeReport): void {
  if (!recorder.current || recorder.current.info.runId !== report.runId) return;
  const rec = recorder.current.record;
  const all = transferProbesOf(rec);
  rec.transferProbes = { ...all, [report.probeDataset.id]: withProbe(all[report.probeDataset.id] ?? [], report) };
  void save(rec);
}

/** Open the database, list the saved runs, and record every run from now on (once). */
export async function startRunsRecorder(factory?: IDBFactory): Promise<void> {
  if (recorder.started) return;
  recorder.started = true;
  useLab.subscribe(onLab);
  useProbe.subscribe(onProbe);
  onLab(useLab.getState(), useLab.getState());
  try {
    recorder.db = await RunsDb.open(factory ?? indexedDB);
    const { runs, unreadable } = await recorder.db.list();
    // The run shown may have come back from its checkpoint before its record was read: it continues that record.
    const own = recorder.current && runs.find((r) => r.runId === recorder.current!.info.runId);
    if (recorder.current && own) {
      const probes = [...own.probes.filter((p) => !recorder.current!.record.probes.some((q) => q.step === p.step)), ...recorder.current.record.probes].sort((a, b) => a.step - b.step);
      recorder.current.record = { ...own, config: recorder.current.info.config, series: recorder.current.record.series, stride: recorder.current.record.stride, step: recorder.current.record.step, lastLoss: recorder.current.record.lastLoss, state: recorder.current.record.state, probes, transferProbes: mergeTransferProbes(transferProbesOf(own), transferProbesOf(recorder.current.record)) };
      useProbe.setState({ runId: recorder.current.info.runId, results: probes.slice() });
    }
    const live = useRuns.getState().runs.filter((r) => !runs.some((q) => q.runId === r.runId));
    useRuns.setState({
      runs: [...runs, ...live].sort((a, b) => a.createdAt - b.createdAt),
      persistent: true,
      error: unreadable ? `${unreadable} saved run(s) could not be read and are not shown.` : null,
    });
    for (const r of live) await recorder.db.put(structuredClone(r));
  } catch (e) {
    recorder.db = null;
    useRuns.setState({ persistent: false, error: `Runs are kept in this tab only (IndexedDB: ${errText(e)}).` });
  }
}

export function toggleSelected(id: string): void {
  const sel = useRuns.getState().selected;
  useRuns.setState({ selected: sel.includes(id) ? sel.filter((x) => x !== id) : [...sel, id] });
}

/** Read run `id`'s record again (another tab wrote it); the run shown here keeps its own. */
export async function refreshRecord(id: string): Promise<void> {
  if (!recorder.db || recorder.current?.record.runId === id || recorder.deleted.has(id)) return;
  try {
    const rec = await recorder.db.get(id);
    if (rec && !recorder.deleted.has(id)) upsert(rec);
  } catch {
    // unreadable: the table keeps what it had
  }
}

/** Keep a record made elsewhere (an imported run: import/commands.ts), in place of one of the same id. */
export async function addRecord(rec: RunRecord): Promise<void> {
  recorder.deleted.delete(rec.runId);
  if (recorder.current?.record.runId === rec.runId) recorder.current.record = rec; // re-imported while open: the recorder keeps this one
  await save(rec);
}

/** Forget run `id`'s record (its checkpoint is the worker's: runActions.deleteRun does both). */
export async function removeRecord(id: string): Promise<void> {
  recorder.deleted.add(id);
  const s = useRuns.getState();
  useRuns.setState({ runs: s.runs.filter((r) => r.runId !== id), selected: s.selected.filter((x) => x !== id) });
  try {
    await recorder.db?.delete(id);
  } catch (e) {
    useRuns.setState({ error: `Could not delete the run: ${errText(e)}` });
  }
}
