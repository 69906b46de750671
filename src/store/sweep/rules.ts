// The Sweep panel's rules, as pure functions of plain data: the form's lists read into a plan
// (engine/sweep.ts's parseNumberList and planSweep, as `npm run sweep` reads its flags), the
// record a sweep keeps in this browser (rows kept before the k-NN and multi-information columns
// load without them), which run comes next, and a finished run's row from the worker's numbers
// and the probes it took. The driver (sweep/commands.ts) and the panel use them.
import { ConfigError, parseConfig, type LabConfig } from '../../engine/config';
import { configHash, finishedRuns, parseNumberList, planSweep, sweepRow, type ProbeAtStep, type SweepMode, type SweepRow, type SweepRun, type SweepSpec } from '../../engine/sweep';
import type { HyperChange, ProbeReport, RunId, SweepNumbers } from '../../worker/protocol';

export type SweepField = 'modes' | 'lambda' | 'beta' | 'seeds';

/** The fields' names as the panel shows them (and its errors name them). */
export const SWEEP_FIELD_LABELS: Record<SweepField, string> = { modes: 'Modes', lambda: 'λ list', beta: 'β list', seeds: 'Seeds' };

/** The modes the panel offers, in the order their runs are planned (baselines first, as the command line plans them). */
export const SWEEP_MODES: readonly SweepMode[] = ['jepa', 'mae', 'sparse'];

/** What the person typed: the three lists as text, the modes ticked. */
export interface SweepForm {
  modes: SweepMode[];
  lambda: string;
  beta: string;
  seeds: string;
}

export const defaultSweepForm = (c: Pick<LabConfig, 'beta' | 'seed'>): SweepForm => ({ modes: ['jepa', 'sparse'], lambda: '0,0.1,1', beta: String(c.beta), seeds: String(c.seed) });

export type SweepErrors = Partial<Record<SweepField | 'plan', string>>;

export type SweepPlan = { ok: true; spec: SweepSpec & { base: LabConfig }; plan: SweepRun[] } | { ok: false; errors: SweepErrors };

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * The form's lists over `base` (every other setting: the form's config) → the plan, or one error
 * per field that is wrong, each naming its field. λ and β are read only when SparseJEPA is ticked.
 */
export function planFromForm(form: SweepForm, base: LabConfig): SweepPlan {
  const errors: SweepErrors = {};
  const read = (field: 'lambda' | 'beta' | 'seeds', integers = false): number[] => {
    try {
      return parseNumberList(SWEEP_FIELD_LABELS[field], form[field], integers);
    } catch (e) {
      errors[field] = message(e);
      return [];
    }
  };
  const modes = SWEEP_MODES.filter((m) => form.modes.includes(m));
  if (!modes.length) errors.modes = `${SWEEP_FIELD_LABELS.modes}: tick at least one`;
  const sparse = modes.includes('sparse');
  const lambdas = sparse ? read('lambda') : [];
  const betas = sparse ? read('beta') : [];
  const seeds = read('seeds', true);
  if (Object.keys(errors).length) return { ok: false, errors };
  const spec = { base, modes, lambdas, betas, seeds };
  try {
    return { ok: true, spec, plan: planSweep(spec) };
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    // planSweep's words are the command line's: the page names its fields instead.
    const text = e.message.replace(/^sweep: /, '').replace(/^invalid config: /, 'a planned run is not valid: ');
    return { ok: false, errors: { plan: text } };
  }
}

export type SweepStatus = 'running' | 'finished' | 'cancelled' | 'stopped';

/** A sweep as this browser keeps it (IndexedDB), so it goes on after a reload. */
export interface SweepRecord {
  id: string;
  form: SweepForm;
  spec: SweepSpec & { base: LabConfig };
  /** Rows of the finished runs, in the order they finished (the same objects `npm run sweep` writes). */
  rows: SweepRow[];
  /** How many of `rows` came from an earlier sweep (not trained again). */
  reused: number;
  /** Each planned run's id in the Runs table (and its checkpoint's), by key. */
  runIds: Record<string, RunId>;
  /** The run in progress: a checkpoint of it continues it only for the same config. */
  current: { key: string; runId: RunId; configHash: string } | null;
  status: SweepStatus;
  /** What happened, in words (finished, cancelled, why it stopped). */
  message: string | null;
  startedAt: number;
  updatedAt: number;
}

/** A new sweep of `plan`: rows of the previous sweep for the very same runs are kept (those runs are not trained again), and so is its run in progress. */
export function newSweep(id: string, form: SweepForm, spec: SweepSpec & { base: LabConfig }, plan: SweepRun[], previous: SweepRecord | null, now: number): SweepRecord {
  const done = finishedRuns(plan, previous?.rows ?? []);
  const rows = plan.flatMap((r) => done.get(r.key) ?? []);
  const runIds: Record<string, RunId> = {};
  for (const r of rows) if (previous?.runIds[r.key]) runIds[r.key] = previous.runIds[r.key];
  const cur = previous?.current;
  const keep = cur && plan.some((r) => r.key === cur.key && configHash(r.config) === cur.configHash) && !done.has(cur.key);
  if (keep) runIds[cur.key] = cur.runId;
  return { id, form, spec, rows, reused: rows.length, runIds, current: keep ? cur : null, status: 'running', message: null, startedAt: now, updatedAt: now };
}

/** The next run of the plan that has no row yet (null: the sweep is done). */
export function nextRun(plan: readonly SweepRun[], rows: readonly SweepRow[]): SweepRun | null {
  const done = finishedRuns(plan as SweepRun[], rows as SweepRow[]);
  return plan.find((r) => !done.has(r.key)) ?? null;
}

const HYPER_NAMES = { lambda: 'λ', beta: 'β', lr: 'the learning rate' } as const;

/**
 * Null when every λ/β/lr the run logged is the planned one; else what changed (someone moved a
 * slider during the run, so its row would not be the sweep's setting).
 */
export function hyperChange(config: LabConfig, log: readonly HyperChange[]): string | null {
  for (const h of log) {
    for (const k of ['lambda', 'beta', 'lr'] as const) {
      if (h.hyper[k] !== config[k]) return `${HYPER_NAMES[k]} was changed to ${h.hyper[k]} from step ${h.atStep} (the sweep's setting is ${config[k]})`;
    }
  }
  return null;
}

/**
 * The probes of a run's row, as `npm run sweep` lists them: step 0 is the random-init floor (the
 * CLI probes the untrained model there), then every linear probe taken during the run up to its end.
 */
export function rowProbes(reports: readonly ProbeReport[], end: ProbeReport): ProbeAtStep[] {
  const byStep = new Map<number, ProbeAtStep>([[0, { step: 0, top1: end.randomInitTop1, top5: end.randomInitTop5 }]]);
  for (const r of [...reports.filter((p) => (p.kind ?? 'linear') === 'linear'), end]) if (r.step > 0 && r.step <= end.step) byStep.set(r.step, { step: r.step, top1: r.top1, top5: r.top5 });
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

/** A finished run's row from the worker's numbers and the run's probes (the end probes, linear and k-NN, carry their floors). */
export function rowOf(run: SweepRun, numbers: SweepNumbers, reports: readonly ProbeReport[], end: ProbeReport, endKnn: ProbeReport): SweepRow {
  return sweepRow(run, {
    predLosses: numbers.predLosses,
    zeroShare: numbers.zeroShare,
    probes: rowProbes(reports, end),
    floor: { top1: end.randomInitTop1, top5: end.randomInitTop5 },
    knn: { top1: endKnn.top1, floorTop1: endKnn.randomInitTop1 },
    totalCorrelation: numbers.totalCorrelation,
  });
}

/** sweep.jsonl: one row per line, as the command line writes it. */
export const sweepJsonl = (rows: readonly SweepRow[]) => rows.map((r) => JSON.stringify(r) + '\n').join('');

/** A stored record, checked: the base config goes through the one schema again (new fields get defaults). */
export function readSweepRecord(raw: unknown): SweepRecord {
  const r = raw as Partial<SweepRecord> | null;
  if (!r || typeof r.id !== 'string' || !r.spec || !Array.isArray(r.rows) || !r.form) throw new Error('not a sweep record');
  if (!['running', 'finished', 'cancelled', 'stopped'].includes(r.status as string)) throw new Error(`sweep ${r.id}: unknown status ${String(r.status)}`);
  return { ...(r as SweepRecord), spec: { ...r.spec, base: parseConfig(r.spec.base) }, runIds: r.runIds ?? {}, reused: r.reused ?? 0 };
}
