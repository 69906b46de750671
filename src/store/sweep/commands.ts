// The Sweep panel's driver: the planned runs one after another in the worker, each a normal run
// (its own run id, its record in the Runs table, its checkpoints), through the page's commands
// (workerLine.ts: queued behind whatever was asked before, never beside it). For each run: build it
// (or continue it from its checkpoint after a reload), Start, wait until it is done, probe it at
// its end beside its random-init floor, linear and k-NN (the worker's Evaluate path; probeEvery
// probes it on the way), read its last losses, zero share and multi-information from the worker,
// and keep its row. The sweep, its rows
// and its run in progress are kept in IndexedDB (sweep/db.ts) at each change, so a reload goes on
// where it was; a Web Lock keeps a sweep driven by one tab at a time.
import { configHash, planSweep, type SweepRun } from '../../engine/sweep';
import { sweepCsv } from '../../io/sweepCsv';
import { sweepSvg, sweepTitle } from '../../io/sweepSvg';
import type { ProbeReport, RunId } from '../../worker/protocol';
import { lockManager } from '../../worker/runLocks';
import { buildRunNow, newRunId, pause, start, syncUrl } from '../run/commands';
import { command, workerApi } from '../workerLine';
import { download } from '../download';
import { useKeeping } from '../keeping/state';
import { kindOf, useProbe } from '../probe/state';
import { resumeRun } from '../keeping/commands';
import { nameNextRun } from '../runs/state';
import { flushMetrics, useLab } from '../run/state';
import { SweepDb } from './db';
import { hyperChange, newSweep, nextRun, planFromForm, rowOf, sweepJsonl, type SweepRecord } from './rules';
import { useSweep, type SweepPhase } from './state';
import { errText } from '../../shared/errors';

const LOCK = 'sparsejepa-lab-sweep';
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** What this page's driver holds beside the Sweep panel's state (one driver per page). */
interface Driver {
  db: SweepDb | null;
  /** The kept sweep was read (once per page). */
  loaded: boolean;
  /** A sweep is being driven here now. */
  driving: boolean;
  cancelRequested: boolean;
  /** Wakes the driver's wait for the end of a run (a cancel). */
  wake: (() => void) | null;
  releaseLock: (() => void) | null;
}

const driver: Driver = { db: null, loaded: false, driving: false, cancelRequested: false, wake: null, releaseLock: null };

// ---- keeping the record ---------------------------------------------------------------------

/** Change the kept sweep (always the newest one in the store) and write it to IndexedDB. */
async function update(patch: Partial<SweepRecord>): Promise<SweepRecord | null> {
  const cur = useSweep.getState().sweep;
  if (!cur) return null;
  const rec = { ...cur, ...patch, updatedAt: Date.now() };
  useSweep.setState({ sweep: rec });
  await write(rec);
  return rec;
}

async function write(rec: SweepRecord): Promise<void> {
  if (!driver.db) return;
  try {
    await driver.db.save(rec);
  } catch (e) {
    useSweep.setState({ error: `The sweep could not be saved in this browser (${errText(e)}): it goes on, but a reload would not find it.` });
  }
}

/** This tab drives the sweep (Web Lock "sparsejepa-lab-sweep"); false when another tab does. */
function holdLock(): Promise<boolean> {
  if (driver.releaseLock) return Promise.resolve(true);
  const locks = lockManager();
  if (!locks) {
    driver.releaseLock = () => undefined;
    return Promise.resolve(true);
  }
  return new Promise((resolve) => {
    void locks.request(LOCK, { ifAvailable: true }, (lock) => {
      if (!lock) return resolve(false);
      resolve(true);
      return new Promise<void>((release) => (driver.releaseLock = release));
    });
  });
}

function letGoOfLock(): void {
  driver.releaseLock?.();
  driver.releaseLock = null;
}

/** Open the database and show the kept sweep; a running one goes on here, unless another tab drives it. Once per page. */
export async function loadSweep(factory?: IDBFactory): Promise<void> {
  if (driver.loaded) return;
  driver.loaded = true;
  let rec: SweepRecord | null = null;
  try {
    driver.db = await SweepDb.open(factory ?? indexedDB);
    rec = await driver.db.load();
    useSweep.setState({ persistent: true });
  } catch (e) {
    useSweep.setState({ persistent: false, error: `The kept sweep could not be read (${errText(e)}); a sweep started now is kept in this tab only.` });
  }
  if (!rec) return;
  useSweep.setState({ sweep: rec, form: rec.form });
  if (rec.status !== 'running') return;
  if (!(await holdLock())) return void useSweep.setState({ elsewhere: true });
  void drive();
}

// ---- the person's commands --------------------------------------------------------------------

/** Plan the form's lists over the form's settings and start the sweep (finished runs of the last sweep are not trained again). */
export async function startSweep(): Promise<void> {
  const s = useSweep.getState();
  if (s.sweep?.status === 'running') return void useSweep.setState({ error: 'A sweep is running: cancel it first.' });
  if (driver.driving) return void useSweep.setState({ error: 'The cancelled sweep is still stopping its run: try again in a moment.' });
  const p = planFromForm(s.form, useLab.getState().config);
  if (!p.ok) return void useSweep.setState({ error: Object.values(p.errors)[0] ?? 'the lists are not valid' });
  if (!(await holdLock())) return void useSweep.setState({ elsewhere: true, error: 'A sweep is running in another tab of this browser: cancel it there first.' });
  const rec = newSweep(newRunId(), s.form, p.spec, p.plan, s.sweep, Date.now());
  useSweep.setState({ sweep: rec, error: null, elsewhere: false });
  await write(rec);
  void drive();
}

/** Stop the run in progress (it is paused and kept as a saved run) and drop the runs still queued. */
export async function cancelSweep(): Promise<void> {
  const rec = useSweep.getState().sweep;
  if (!rec || rec.status !== 'running' || useSweep.getState().elsewhere) return;
  driver.cancelRequested = true;
  driver.wake?.();
  const cur = rec.current;
  let stopped = '';
  if (cur && useLab.getState().run?.runId === cur.runId) {
    if (useLab.getState().runState === 'running') await pause(); // saves a checkpoint where it stands
    const step = useLab.getState().metrics.at(-1)?.step ?? 0;
    const steps = useLab.getState().run?.config.steps ?? 0;
    stopped = `run ${cur.key} stopped at step ${step} of ${steps} and is kept as a saved run (Runs table); `;
  }
  const latest = useSweep.getState().sweep ?? rec;
  const queued = planSweep(latest.spec).length - latest.rows.length - (cur ? 1 : 0);
  const message =
    `Sweep cancelled: ${stopped}${plural(queued, 'queued run')} dropped; ${plural(latest.rows.length, 'finished run')} and the plot are kept. ` +
    'Run sweep again with the same lists to go on: finished runs are not trained again.';
  await update({ status: 'cancelled', message });
  if (!driver.driving) letGoOfLock();
}

export function downloadSweepJsonl(): void {
  const rec = useSweep.getState().sweep;
  if (rec) download('sweep.jsonl', [sweepJsonl(rec.rows)], 'application/x-ndjson');
}

/** sweep.csv as `npm run sweep` writes it: the rows as a table, without the per-step probes. */
export function downloadSweepCsv(): void {
  const rec = useSweep.getState().sweep;
  if (rec) download('sweep.csv', [sweepCsv(rec.rows)], 'text/csv');
}

/** The plot as the panel draws it and `npm run sweep` writes it. */
export function sweepPlot(rec: SweepRecord): string {
  return sweepSvg(rec.rows, { title: sweepTitle(rec.spec.base) });
}

export function downloadSweepSvg(): void {
  const rec = useSweep.getState().sweep;
  if (rec) download('sweep.svg', [sweepPlot(rec)], 'image/svg+xml');
}

// ---- the driver ---------------------------------------------------------------------------------

class Stop extends Error {}

async function stopWith(message: string): Promise<void> {
  await update({ status: 'stopped', message });
}

function setPhase(phase: SweepPhase | null): void {
  useSweep.setState({ phase });
}

/** Train the sweep's runs one after another until none is left, it is cancelled, or a run cannot go on. */
async function drive(): Promise<void> {
  if (driver.driving) return;
  driver.driving = true;
  driver.cancelRequested = false;
  try {
    for (;;) {
      const rec = useSweep.getState().sweep;
      if (!rec || rec.status !== 'running' || driver.cancelRequested) return;
      const plan = planSweep(rec.spec);
      const run = nextRun(plan, rec.rows);
      if (!run) {
        const reused = rec.reused ? ` (${rec.reused} of them from an earlier sweep, not trained again)` : '';
        await update({ status: 'finished', current: null, message: `Sweep finished: ${plural(rec.rows.length, 'run')}${reused}.` });
        return;
      }
      await runOne(plan.indexOf(run), plan.length, run);
    }
  } catch (e) {
    if (!driver.cancelRequested) await stopWith(e instanceof Stop ? e.message : `The sweep stopped: ${errText(e)}`);
  } finally {
    driver.driving = false;
    setPhase(null);
    if (useSweep.getState().sweep?.status !== 'running') letGoOfLock();
  }
}

const shownRun = () => useLab.getState().run;
const lastStep = () => useLab.getState().metrics.at(-1)?.step ?? 0;

/** One run of the plan, from building (or resuming) it to its row. */
async function runOne(index: number, total: number, run: SweepRun): Promise<void> {
  const phase = (what: SweepPhase['what']) => setPhase({ index, total, key: run.key, what });
  const name = `run ${index + 1} of ${total} (${run.key})`;
  phase('opening');
  const runId = await openRun(run);
  if (driver.cancelRequested) return;
  flushMetrics();
  if (lastStep() < run.config.steps) {
    phase('training');
    await start();
    const end = await endOf(runId);
    if (end === 'cancelled') return;
    if (end === 'replaced') {
      throw new Stop(
        `The sweep stopped at ${name}: another run took its place on the page (Reset, Resume, a dataset or weights loaded). ` +
          'That run is kept as a saved run; Run sweep again with the same lists to go on from its checkpoint.',
      );
    }
    if (end === 'error') throw new Stop(`The sweep stopped: ${name} failed: ${useLab.getState().runMessage ?? 'the training loop stopped with an error'}.`);
  }
  flushMetrics();
  phase('probing');
  const report = await endProbe(runId, run.config.steps);
  const knn = await endProbe(runId, run.config.steps, 'knn');
  phase('reading');
  const numbers = await command('Sweep: read the run', () => workerApi().sweepNumbers(runId));
  if (numbers.step !== run.config.steps) throw new Stop(`The sweep stopped: ${name} stands at step ${numbers.step}, not at its end (${run.config.steps}).`);
  const changed = hyperChange(run.config, numbers.hyper);
  if (changed) {
    await update({ current: null }); // run again, the sweep trains it afresh rather than continuing it
    throw new Stop(`The sweep stopped: during ${name}, ${changed}, so its probe is not of the sweep's setting. Run sweep again to train it afresh.`);
  }
  if (driver.cancelRequested) return;
  const reports = useProbe.getState().runId === runId ? useProbe.getState().results : [];
  const row = rowOf(run, numbers, reports, report, knn);
  const rec = useSweep.getState().sweep!;
  await update({ rows: [...rec.rows.filter((r) => r.key !== row.key), row], current: null });
}

/**
 * The run of `plan` to train: the one in progress when it is the page's run already (a reload
 * resumed it) or has a checkpoint here (Resume), else a fresh one built from its config.
 */
async function openRun(run: SweepRun): Promise<RunId> {
  // After the commands asked before (the page's start-up, a Reset…): the page's run is settled then.
  await command('Sweep', async () => undefined);
  const hash = configHash(run.config);
  const cur = useSweep.getState().sweep?.current;
  if (cur && cur.key === run.key && cur.configHash === hash) {
    if (shownRun()?.runId === cur.runId) return cur.runId;
    if (useKeeping.getState().savedRuns[cur.runId]) {
      await resumeRun(cur.runId);
      if (shownRun()?.runId === cur.runId) return cur.runId;
      // Not resumed (the page says why): the run is trained afresh.
    }
  }
  const dataset = useLab.getState().dataset;
  if (dataset?.id !== run.config.dataset) {
    throw new Stop(`The sweep stopped: its runs train on ${run.config.dataset}, and the page has ${dataset?.name ?? 'no dataset'} loaded. Load it (Data) and Run sweep again.`);
  }
  const id = await command(`Sweep: build ${run.key}`, async (setLabel) => {
    // The run's settings are the form's (and the address's) while it trains, as for any run.
    useLab.setState({ config: run.config });
    syncUrl();
    nameNextRun({ name: `Sweep · ${run.key}` });
    setLabel('Building the model…');
    return (await buildRunNow()) ? (shownRun()?.runId ?? null) : null;
  });
  if (!id) throw new Stop(`The sweep stopped: ${run.key} could not be built: ${useLab.getState().runMessage ?? 'no model'}.`);
  const rec = useSweep.getState().sweep!;
  await update({ current: { key: run.key, runId: id, configHash: hash }, runIds: { ...rec.runIds, [run.key]: id } });
  return id;
}

/** Resolves when run `runId` is done, failed, was replaced on the page, or the sweep was cancelled. A Pause waits (Start goes on). */
function endOf(runId: RunId): Promise<'done' | 'error' | 'replaced' | 'cancelled'> {
  return new Promise((resolve) => {
    let unsubscribe = () => undefined as void;
    const finish = (r: 'done' | 'error' | 'replaced' | 'cancelled') => {
      unsubscribe();
      driver.wake = null;
      resolve(r);
    };
    const check = () => {
      const s = useLab.getState();
      if (driver.cancelRequested) return finish('cancelled');
      // A null run is a worker starting again (a backend switch): it comes back with the same run.
      if (s.run && s.run.runId !== runId) return finish('replaced');
      if (s.run?.runId === runId && s.runState === 'done') return finish('done');
      if (s.run?.runId === runId && s.runState === 'error') return finish('error');
    };
    unsubscribe = useLab.subscribe(check);
    driver.wake = check;
    check();
  });
}

/** The probe of `kind` at the run's last step: the one probeEvery took there, else Evaluate now (queued like any command). */
async function endProbe(runId: RunId, steps: number, kind: 'linear' | 'knn' = 'linear'): Promise<ProbeReport> {
  const p = useProbe.getState();
  const have = p.runId === runId ? p.results.find((r) => r.step === steps && kindOf(r) === kind) : undefined;
  if (have) return have;
  return command(kind === 'knn' ? 'Sweep: k-NN probe at the end' : 'Sweep: probe at the end', async (setLabel) => {
    setLabel(kind === 'knn' ? 'k-NN probe of the encoder…' : 'Probing the encoder…');
    useProbe.setState({ progress: { step: steps, done: 0, phase: 'trained', ...(kind === 'knn' ? { kind } : {}) }, error: null });
    return workerApi().evaluate(runId, kind);
  });
}
