// Representation health of the run the page shows: one point per measured step, as the worker
// sends them ('health' events, every healthEvery steps between steps), cut back on a rollback,
// put back from the run's history on a resume. The interval is a live setting.
import { create } from 'zustand';
import { parseConfig, type LabConfig } from '../../engine/config';
import type { HealthPoint, RunInfo, WorkerEvent } from '../../worker/protocol';
import { useLab } from '../run/state';

/** The page measures every run's health this often unless the address says otherwise (the schema's default, 0, is the command line's: off). */
export const PAGE_HEALTH_EVERY = 20;

export interface HealthState {
  runId: string | null;
  /** In step order, one per step. */
  points: HealthPoint[];
  error: string | null;
}

const initial = (runId: string | null = null): HealthState => ({ runId, points: [], error: null });

export const useHealth = create<HealthState>()(() => initial());

/** The address's config, with the page's health interval when the address does not name one. */
export function withPageHealthDefault(config: LabConfig, search: string): LabConfig {
  return new URLSearchParams(search).has('healthEvery') ? config : parseConfig({ ...config, healthEvery: PAGE_HEALTH_EVERY });
}

/** `points` with `p` in its place (a repeat of a step replaces it). */
export function withPoint(points: readonly HealthPoint[], p: HealthPoint): HealthPoint[] {
  const out = points.filter((q) => q.step !== p.step);
  out.push(p);
  return out.sort((a, b) => a.step - b.step);
}

/** Another run shown: it starts with no points (a resumed one gets its history back through resumedHealth). */
export function healthOnRunShown(run: RunInfo | null): void {
  if (run?.runId !== useHealth.getState().runId) useHealth.setState(initial(run?.runId ?? null));
}

/** A resumed run's measurements so far. */
export function resumedHealth(runId: string, points: readonly HealthPoint[] | undefined): void {
  useHealth.setState({ runId, points: [...(points ?? [])].sort((a, b) => a.step - b.step), error: null });
}

export function handleHealthEvent(e: WorkerEvent): void {
  if (e.type !== 'health' && e.type !== 'health-error' && e.type !== 'rollback') return;
  const runId = useLab.getState().run?.runId ?? null;
  if (e.runId !== runId) return;
  const s = useHealth.getState();
  const base = s.runId === runId ? s : initial(runId);
  if (e.type === 'health') useHealth.setState({ ...base, points: withPoint(base.points, e.point), error: null });
  else if (e.type === 'health-error') useHealth.setState({ ...base, error: `Health at step ${e.step} could not be measured: ${e.message}` });
  else useHealth.setState({ ...base, points: base.points.filter((p) => p.step <= e.step) }); // back to a checkpoint
}
