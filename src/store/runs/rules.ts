// The Runs panel's comparisons, as pure functions of plain data: one colour per run (the same in
// every view), the metrics the ticked runs can be overlaid on and each run's curve of one, the
// config fields in which runs differ, and runs grouped by setting (config minus the seed) with
// the mean ± spread of their final loss and probe top-1 over seeds.
import type { LabConfig } from '../../engine/config';
import { meanAndSd } from '../../shared/stats';
import type { ProbeReport, RunRecord } from '../../worker/protocol';

// ---- colours ------------------------------------------------------------------------------------

/**
 * Line colours for runs, each with at least 3:1 contrast (WCAG's for graphics) against the
 * page's light surfaces (#fff, #fafafa) and its dark ones (#1c1f24, #121417): rules.test.ts checks.
 */
export const RUN_PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#c77700', '#1098ad', '#d6336c', '#6a8f00', '#7f7f7f', '#a0722a'] as const;

/** FNV-1a, 32 bits: a stable hash of the run's id. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** A run's colour: a function of its id alone, so the same in every chart and table, in every tab, after a reload. */
export function runColour(runId: string): string {
  return RUN_PALETTE[hash(runId) % RUN_PALETTE.length];
}

// ---- metrics ------------------------------------------------------------------------------------

/** What a run's curves can be drawn of: its kept series' scalars, and its (linear) probes. */
export const COMPARE_METRICS = {
  loss: { label: 'Loss', source: 'series' },
  predLoss: { label: 'Prediction loss', source: 'series' },
  klLoss: { label: 'KL loss', source: 'series' },
  groupPenalty: { label: 'Group penalty', source: 'series' },
  gradNorm: { label: 'Gradient norm', source: 'series' },
  top1: { label: 'Probe top-1', source: 'probe' },
  top5: { label: 'Probe top-5', source: 'probe' },
} as const;
export type CompareMetric = keyof typeof COMPARE_METRICS;
export const COMPARE_METRIC_NAMES = Object.keys(COMPARE_METRICS) as CompareMetric[];

const isLinear = (p: Pick<ProbeReport, 'kind'>) => (p.kind ?? 'linear') === 'linear';

/** Run `r`'s curve of `metric`: (step, value) in step order, finite values only (records saved before gradNorm was kept have none). */
export function metricSeries(r: Pick<RunRecord, 'series' | 'probes'>, metric: CompareMetric): { step: number; v: number }[] {
  if (COMPARE_METRICS[metric].source === 'probe') {
    const key = metric as 'top1' | 'top5';
    return r.probes.filter(isLinear).map((p) => ({ step: p.step, v: p[key] })).filter((p) => Number.isFinite(p.v)).sort((a, b) => a.step - b.step);
  }
  const key = metric as 'loss' | 'predLoss' | 'klLoss' | 'groupPenalty' | 'gradNorm';
  const out: { step: number; v: number }[] = [];
  for (const p of r.series) {
    const v = p[key];
    if (typeof v === 'number' && Number.isFinite(v)) out.push({ step: p.step, v });
  }
  return out;
}

/** The metrics at least one of `runs` has a value of, in COMPARE_METRICS' order. */
export function availableMetrics(runs: Pick<RunRecord, 'series' | 'probes'>[]): CompareMetric[] {
  return COMPARE_METRIC_NAMES.filter((m) => runs.some((r) => metricSeries(r, m).length > 0));
}

// ---- the config diff ------------------------------------------------------------------------------

/** One config field in which the runs differ: its name (a nested one as "subset.classes") and each run's value. */
export interface ConfigDifference {
  field: string;
  values: unknown[];
}

/** A config as flat fields: nested objects one level down as "parent.child"; arrays stay whole. */
function flatten(c: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) for (const [k2, v2] of Object.entries(v)) out[`${k}.${k2}`] = v2;
    else out[k] = v;
  }
  return out;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The fields in which `configs` differ (a field one of them lacks counts as undefined there), in
 * the schema's order; none when fewer than two configs are given.
 */
export function configDiff(configs: readonly object[]): ConfigDifference[] {
  if (configs.length < 2) return [];
  const flat = configs.map(flatten);
  const fields: string[] = [];
  for (const f of flat) for (const k of Object.keys(f)) if (!fields.includes(k)) fields.push(k);
  return fields.filter((k) => flat.some((f) => !same(f[k], flat[0][k]))).map((k) => ({ field: k, values: flat.map((f) => f[k]) }));
}

/** A config value as the tables show it: numbers as typed, lists comma-separated, an absent field as "–". */
export function configValueText(v: unknown): string {
  if (v === undefined || v === null) return '–';
  if (Array.isArray(v)) return v.length ? v.map(configValueText).join(', ') : 'none';
  return String(v);
}

// ---- runs grouped by setting ---------------------------------------------------------------------

/** n values' mean and spread (the sample standard deviation, n − 1; 0 for one value). */
export interface Spread {
  mean: number;
  std: number;
  n: number;
}

export function spread(values: readonly number[]): Spread | null {
  const xs = values.filter(Number.isFinite);
  if (!xs.length) return null;
  const { mean, sd } = meanAndSd(xs);
  return { mean, std: sd, n: xs.length };
}

/** The run's last linear probe (the probe of its final step where it has one), or null. */
export function finalProbe(r: Pick<RunRecord, 'probes'>): ProbeReport | null {
  const linear = r.probes.filter(isLinear);
  return linear.length ? linear.reduce((a, b) => (b.step >= a.step ? b : a)) : null;
}

export interface SettingGroup {
  /** The setting: the config without the ignored fields, as a stable string (keys sorted). */
  key: string;
  /** The setting itself (the first run's config without the ignored fields). */
  setting: Partial<LabConfig>;
  runIds: string[];
  seeds: number[];
  /** Over the group's runs: the final loss (lastLoss) and the final linear probe's top-1, where present. */
  loss: Spread | null;
  top1: Spread | null;
  /** How many of its runs were probed (top1.n), kept apart so a table can say "2 of 3 probed". */
  probed: number;
}

/** A config without `ignore` (in its own field order), and as a string (keys sorted) that two equal settings share. */
function settingKey(c: object, ignore: readonly string[]): { key: string; setting: Record<string, unknown> } {
  const setting: Record<string, unknown> = {};
  for (const k of Object.keys(c)) if (!ignore.includes(k)) setting[k] = (c as Record<string, unknown>)[k];
  const sorted = (v: unknown): unknown => (v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v);
  return { key: JSON.stringify(setting, (_k, v: unknown) => sorted(v)), setting };
}

/**
 * `runs` grouped by their config minus `ignore` (the seed): runs that differ only in their seed
 * are one group. Groups come in the order of their first run; each with the mean ± spread of its
 * runs' final loss and final linear-probe top-1 (over the runs that have one).
 */
export function groupBySetting(runs: readonly Pick<RunRecord, 'runId' | 'config' | 'lastLoss' | 'probes'>[], ignore: readonly string[] = ['seed']): SettingGroup[] {
  const groups = new Map<string, { setting: Record<string, unknown>; runs: (typeof runs)[number][] }>();
  for (const r of runs) {
    const { key, setting } = settingKey(r.config, ignore);
    const g = groups.get(key) ?? { setting, runs: [] };
    g.runs.push(r);
    groups.set(key, g);
  }
  return [...groups].map(([key, g]) => {
    const top1 = spread(g.runs.map((r) => finalProbe(r)?.top1 ?? NaN));
    return {
      key,
      setting: g.setting as Partial<LabConfig>,
      runIds: g.runs.map((r) => r.runId),
      seeds: g.runs.map((r) => r.config.seed),
      loss: spread(g.runs.map((r) => r.lastLoss ?? NaN)),
      top1,
      probed: top1?.n ?? 0,
    };
  });
}

/** Each group's name: the fields in which the groups' settings differ ("mode jepa · lambda 0"), or "one setting" when there is one group. */
export function groupLabels(groups: readonly Pick<SettingGroup, 'setting'>[]): string[] {
  if (groups.length < 2) return groups.map(() => 'one setting');
  const diff = configDiff(groups.map((g) => g.setting));
  return groups.map((_, i) => diff.map((d) => `${d.field} ${configValueText(d.values[i])}`).join(' · '));
}

/** Groups holding a run of `first` (the sweep's) come before the others; otherwise the order stays. */
export function sweepGroupsFirst<G extends Pick<SettingGroup, 'runIds'>>(groups: readonly G[], first: readonly string[]): G[] {
  const has = (g: G) => g.runIds.some((id) => first.includes(id));
  return [...groups.filter(has), ...groups.filter((g) => !has(g))];
}

export type GroupSource = 'ticked' | 'sweep' | 'all';

/**
 * Which runs the grouped table shows: the person's choice, else (automatic) the ticked runs when
 * any are ticked, else the sweep's when it has runs in the table, else all of them.
 */
export function groupSource(choice: GroupSource | null, ticked: number, sweepRuns: number): GroupSource {
  if (choice) return choice;
  if (ticked > 0) return 'ticked';
  return sweepRuns > 0 ? 'sweep' : 'all';
}
