// A sweep answers "does sparsity help?": the JEPA baseline and every SparseJEPA setting (λ × β)
// trained from the same seeds — so the same images, augmentations and masks — each probed at its
// end (linear and k-NN) beside its own random-init floor, with its groups' multi-information.
// Pure: planning, one row per finished run, and the summary the plot draws. The command line
// (src/cli/sweepCommand.ts) and the page's Sweep panel both run the plan.
import { ConfigError, parseConfig, withMode, type LabConfig, type LabConfigInput } from './config';
import { meanAndSd } from '../shared/stats';

/** At most this many runs in one sweep (a typo in a list should not queue a week of training). */
export const MAX_SWEEP_RUNS = 100;

export type SweepMode = LabConfig['mode'];

export interface SweepSpec {
  /** Every other setting (dataset, preset, steps, proximal, …); mode, λ, β and seed are the sweep's. */
  base: LabConfigInput;
  /** Baseline modes get one run per seed (λ = β = 0); 'sparse' gets one per λ × β per seed. */
  modes: SweepMode[];
  lambdas: number[];
  betas: number[];
  seeds: number[];
}

export interface SweepRun {
  /** Stable name of the run within the sweep (its folder on disk, its row's key). */
  key: string;
  config: LabConfig;
}

export interface ProbeAtStep {
  step: number;
  top1: number;
  top5: number;
}

/** One finished run of a sweep: a line of sweep.jsonl. */
export interface SweepRow {
  key: string;
  mode: SweepMode;
  lambda: number;
  beta: number;
  proximal: boolean;
  seed: number;
  steps: number;
  /** Prediction loss, mean over the last min(10, steps) steps (one step's value is noisy). */
  predLoss: number;
  /** Share of the G×K columns of W under the zero threshold at the end (sparse mode), else null. */
  zeroShare: number | null;
  /** Linear probe at the end of the run. */
  top1: number;
  top5: number;
  /** The same probe on this run's untrained model (same config and seed). */
  floorTop1: number;
  floorTop5: number;
  /** DINO's weighted k-NN probe at the end (rows written before it have none). */
  knnTop1?: number;
  /** The same k-NN probe on this run's untrained model. */
  floorKnnTop1?: number;
  /**
   * The groups' multi-information I(G_1; …; G_G) at the end, nats (Trainer.totalCorrelation's
   * `groups`); null for MAE, which has no groups' predictions (rows written before it have none).
   */
  totalCorrelation?: number | null;
  /** Every probe taken during the run (probeEvery), the end included; a run's probe can climb and fall back. */
  probes: ProbeAtStep[];
  bestTop1: number;
  bestStep: number;
  /** FNV-1a of the run's config: a row is reused only for the very same config. */
  configHash: string;
}

/**
 * "0,1e-4,1e-3" → numbers ≥ 0 (whole numbers with `integers`). The error names the field
 * (`label`: the command line's "--lambda", the page's "λ list") and the item. The command line's
 * list flags and the page's Sweep panel both parse their lists here.
 */
export function parseNumberList(label: string, raw: string, integers = false): number[] {
  const items = raw.split(',').map((x) => x.trim());
  if (items.every((x) => x === '')) throw new ConfigError(`${label}: the list is empty`);
  return items.map((x) => {
    const n = Number(x);
    if (x === '' || !Number.isFinite(n)) throw new ConfigError(`${label}: expected a comma-separated list of numbers, got '${x}' in '${raw}'`);
    if (integers && (!Number.isInteger(n) || n < 0)) throw new ConfigError(`${label}: expected whole numbers ≥ 0, got '${x}'`);
    if (n < 0) throw new ConfigError(`${label}: expected numbers ≥ 0, got '${x}'`);
    return n;
  });
}

/** A compact, readable number for keys and labels: 0, 1e-4, 0.003, 2.5. */
export function formatValue(x: number): string {
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a < 1e-2 || a >= 1e4 ? x.toExponential().replace(/\.?0+e/, 'e').replace('e+', 'e') : String(Number(x.toPrecision(6)));
}

/** 32-bit FNV-1a of a string, as 8 hex digits. */
export function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

export const configHash = (c: LabConfig): string => fnv1a(JSON.stringify(c));

export function runKey(c: LabConfig): string {
  const hyper = c.mode === 'sparse' ? `-lambda${formatValue(c.lambda)}-beta${formatValue(c.beta)}` : '';
  return `${c.mode}${hyper}-seed${c.seed}`;
}

/** The runs of a sweep, seed-major (every setting of seed 0 first), baselines before sparse runs. */
export function planSweep(spec: SweepSpec): SweepRun[] {
  const need = (name: string, xs: unknown[]) => {
    if (xs.length === 0) throw new ConfigError(`sweep: ${name} is an empty list`);
  };
  need('--modes', spec.modes);
  need('--seeds', spec.seeds);
  if (spec.modes.includes('sparse')) {
    need('--lambda', spec.lambdas);
    need('--beta', spec.betas);
  }
  const baselines = spec.modes.filter((m) => m !== 'sparse');
  const sparseCount = spec.modes.includes('sparse') ? spec.lambdas.length * spec.betas.length : 0;
  const total = spec.seeds.length * (baselines.length + sparseCount);
  if (total > MAX_SWEEP_RUNS) {
    throw new ConfigError(`sweep: ${total} runs planned (${spec.seeds.length} seeds × ${baselines.length + sparseCount} settings), at most ${MAX_SWEEP_RUNS}`);
  }
  const runs: SweepRun[] = [];
  // Each run takes its mode's mask strategy unless the base is of that mode (withMode): the MAE runs of a sweep are He et al.'s.
  const add = (over: LabConfigInput & { mode: SweepMode }) => {
    const config = parseConfig({ ...withMode(spec.base, over.mode), ...over });
    runs.push({ key: runKey(config), config });
  };
  for (const seed of spec.seeds) {
    for (const mode of baselines) add({ mode, seed, lambda: 0, beta: 0 });
    if (sparseCount) for (const lambda of spec.lambdas) for (const beta of spec.betas) add({ mode: 'sparse', seed, lambda, beta });
  }
  const keys = new Set(runs.map((r) => r.key));
  if (keys.size !== runs.length) throw new ConfigError('sweep: a value is listed twice (two runs would have the same settings)');
  return runs;
}

export interface SweepPoint {
  mode: SweepMode;
  lambda: number;
  beta: number;
  n: number;
  mean: number;
  min: number;
  max: number;
  /** Sample standard deviation over seeds (0 for one seed). */
  sd: number;
}

/** Mean and spread of a per-run number over seeds, per setting. */
export function summarise(rows: SweepRow[], value: (r: SweepRow) => number = (r) => r.top1): SweepPoint[] {
  const by = new Map<string, { mode: SweepMode; lambda: number; beta: number; xs: number[] }>();
  for (const r of rows) {
    const lambda = r.mode === 'sparse' ? r.lambda : 0;
    const beta = r.mode === 'sparse' ? r.beta : 0;
    const k = `${r.mode}|${lambda}|${beta}`;
    const e = by.get(k) ?? { mode: r.mode, lambda, beta, xs: [] };
    e.xs.push(value(r));
    by.set(k, e);
  }
  return [...by.values()].map(({ mode, lambda, beta, xs }) => {
    const { mean, sd } = meanAndSd(xs);
    return { mode, lambda, beta, n: xs.length, mean, min: Math.min(...xs), max: Math.max(...xs), sd };
  });
}

/** A row from a finished run's numbers. */
export function sweepRow(
  run: SweepRun,
  r: {
    predLosses: number[];
    zeroShare: number | null;
    probes: ProbeAtStep[];
    floor: { top1: number; top5: number };
    /** The k-NN probe at the end and on the untrained model. */
    knn: { top1: number; floorTop1: number };
    totalCorrelation: number | null;
  },
): SweepRow {
  const c = run.config;
  const tail = r.predLosses.slice(-10);
  const last = r.probes.at(-1);
  if (!last) throw new Error(`sweep: run ${run.key} has no probe`);
  const best = r.probes.reduce((a, b) => (b.top1 > a.top1 ? b : a));
  return {
    key: run.key,
    mode: c.mode,
    lambda: c.lambda,
    beta: c.beta,
    proximal: c.proximal,
    seed: c.seed,
    steps: c.steps,
    predLoss: tail.reduce((a, b) => a + b, 0) / Math.max(1, tail.length),
    zeroShare: r.zeroShare,
    top1: last.top1,
    top5: last.top5,
    floorTop1: r.floor.top1,
    floorTop5: r.floor.top5,
    knnTop1: r.knn.top1,
    floorKnnTop1: r.knn.floorTop1,
    totalCorrelation: r.totalCorrelation,
    probes: r.probes,
    bestTop1: best.top1,
    bestStep: best.step,
    configHash: configHash(c),
  };
}

/** The rows of `rows` that are finished runs of this plan (same key, same config). */
export function finishedRuns(plan: SweepRun[], rows: SweepRow[]): Map<string, SweepRow> {
  const byKey = new Map(rows.map((r) => [r.key, r]));
  const out = new Map<string, SweepRow>();
  for (const run of plan) {
    const row = byKey.get(run.key);
    if (row && row.configHash === configHash(run.config)) out.set(run.key, row);
  }
  return out;
}
