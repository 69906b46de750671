// The page's rules, as pure functions of plain data (no state, no commands): the stores and the
// actions both use them, and nothing here imports either, so no import cycle can form.
import { HYPER_FIELDS, runFieldsChanged, sameRun, type LabConfig, type Subset } from '../../engine/config';
import { formatClassList } from '../../engine/classList';
import { isBuiltIn, readDatasetId, SERVED_ARCHIVE } from '../../data/datasetId';
import type { LiveHyper } from '../../engine/types';
import type { DatasetSource, HyperChange, RunId, SavedRunInfo } from '../../worker/protocol';

/** A λ/β/lr change as the charts mark it. */
export interface HyperMark extends LiveHyper {
  /** First step the new values apply to. */
  step: number;
  changed: (keyof LiveHyper)[];
}

/** The chart marks after a λ/β/lr change at `atStep`: a later change for the same step supersedes the earlier one; no change, no mark. */
export function withHyperMark(marks: HyperMark[], atStep: number, hyper: LiveHyper, runConfig: LiveHyper): HyperMark[] {
  const kept = marks.filter((m) => m.step < atStep);
  const prev: LiveHyper = kept[kept.length - 1] ?? runConfig;
  const changed = HYPER_FIELDS.filter((k) => prev[k] !== hyper[k]);
  return changed.length ? [...kept, { step: atStep, ...hyper, changed }] : kept;
}

/** The marks of a saved run's λ/β/lr log. */
export function marksFromLog(log: HyperChange[], runConfig: LiveHyper): HyperMark[] {
  return log.reduce<HyperMark[]>((marks, h) => withHyperMark(marks, h.atStep, h.hyper, runConfig), []);
}

/** Settings of the form that need a Reset to reach the run (everything but the live ones). */
export function pendingChanges(config: LabConfig, runConfig: LabConfig | null | undefined): string[] {
  return runConfig ? runFieldsChanged(config, runConfig) : [];
}

/** Where the page can load a dataset from without the person (built-in, the served archive); null for a picked file. */
export function sourceFor(datasetId: string, baseUrl: string): DatasetSource | null {
  if (datasetId === 'synthetic') return { kind: 'synthetic' };
  const d = readDatasetId(datasetId);
  // The other built-ins (the counting set, synthetic:N) are made in the worker from their id, like the default one.
  if (isBuiltIn(d)) return { kind: 'synthetic', id: datasetId };
  if (d?.kind === 'cifar-100') return { kind: 'served', url: `${baseUrl}data/${SERVED_ARCHIVE}`, name: SERVED_ARCHIVE };
  return null;
}

/** A saved run's data can be had now: it is loaded, or the page can load it by itself. */
export function dataAvailable(datasetId: string, loadedId: string | undefined, servedArchive: boolean): boolean {
  const d = readDatasetId(datasetId);
  return datasetId === loadedId || isBuiltIn(d) || (d?.kind === 'cifar-100' && servedArchive);
}

/**
 * After a (re)start, which saved run the page continues by itself: the newest one with these
 * settings on the loaded dataset that no other tab has open. `prefer` (the run a backend switch
 * saved) wins when it is saved.
 */
export function runToResume(saved: readonly SavedRunInfo[], config: LabConfig, loadedId: string | undefined, lockedElsewhere: ReadonlySet<RunId>, prefer?: RunId): SavedRunInfo | null {
  if (prefer) return saved.find((r) => r.runId === prefer) ?? null;
  const fits = saved.filter((r) => r.dataset.id === loadedId && r.dataset.id === config.dataset && sameRun(r.config, config) && !lockedElsewhere.has(r.runId));
  return newest(fits);
}

/** The saved run to offer when none was continued: the newest with the address's settings, else the newest of all (none open elsewhere). */
export function runToOffer(saved: readonly SavedRunInfo[], urlConfig: LabConfig, lockedElsewhere: ReadonlySet<RunId>): SavedRunInfo | null {
  const free = saved.filter((r) => !lockedElsewhere.has(r.runId));
  return newest(free.filter((r) => sameRun(r.config, urlConfig))) ?? newest(free);
}

const newest = (xs: readonly SavedRunInfo[]) => xs.reduce<SavedRunInfo | null>((a, b) => (!a || b.savedAt > a.savedAt ? b : a), null);

/** A mode as the page names it: "SparseJEPA", "JEPA", "MAE". */
export function modeLabel(mode: LabConfig['mode']): string {
  return { sparse: 'SparseJEPA', jepa: 'JEPA', mae: 'MAE' }[mode];
}

/** "SparseJEPA, micro, 100 steps" */
export function describeConfig(c: Pick<LabConfig, 'mode' | 'preset' | 'steps'>): string {
  return `${modeLabel(c.mode)}, ${c.preset}, ${c.steps} steps`;
}

/** "classes 0-4, apple; superclasses fish" (empty: the whole dataset). */
export function describeSubset(s: Subset): string {
  const parts = [s.classes.length ? `classes ${formatClassList(s.classes)}` : '', s.superclasses.length ? `superclasses ${formatClassList(s.superclasses)}` : '', s.perClass ? `${s.perClass} per class` : ''];
  return parts.filter(Boolean).join('; ');
}

export const isDefaultSubset = (s: Subset) => !s.classes.length && !s.superclasses.length && !s.perClass;

/** "12.3 MB" */
export function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}
