// The probes' side of the page: results of the current run (one per evaluated step and probe
// kind: linear, attentive or k-NN), the progress of the probe in flight, the kind Evaluate runs, and
// the Evaluate / "every N steps" commands.
import { create } from 'zustand';
import type { ProbeKind } from '../../engine/probeKind';
import type { ProbePhase, ProbeReport, RunInfo, WorkerEvent } from '../../worker/protocol';
import { useLab } from '../run/state';

export interface ProbeProgress {
  step: number;
  done: number;
  phase: ProbePhase;
  /** The kind of the probe Evaluate asked for (absent for probeEvery's, in the loop: linear and k-NN together). */
  kind?: ProbeKind;
}

export interface ProbeState {
  /** Worker run id the results belong to. */
  runId: string | null;
  /** One per probed step and kind, in step order (a repeat of both replaces the earlier one). */
  results: ProbeReport[];
  progress: ProbeProgress | null;
  error: string | null;
}

export const initialProbeState = (): ProbeState => ({ runId: null, results: [], progress: null, error: null });

export const useProbe = create<ProbeState>()(() => initialProbeState());

/** The read-out Evaluate runs (a choice of this page, kept across runs). */
export const useProbeKind = create<{ kind: ProbeKind }>()(() => ({ kind: 'linear' }));

/** A report's kind (reports saved before the attentive and k-NN probes are linear). */
export const kindOf = (r: Pick<ProbeReport, 'kind'>): ProbeKind => r.kind ?? 'linear';

/** The run the page shows now; events of other runs are dropped. */
const currentRunId = () => useLab.getState().run?.runId ?? null;

// A new run (Reset, backend switch, imported weights) starts with no probe results.
/** Another run shown: its own probe results (none yet), not the last run's. */
export function probeOnRunShown(run: RunInfo | null): void {
  if (run?.runId !== useProbe.getState().runId) useProbe.setState({ ...initialProbeState(), runId: run?.runId ?? null });
}

export function handleProbeEvent(e: WorkerEvent): void {
  if (e.type !== 'probe' && e.type !== 'probe-progress' && e.type !== 'probe-error') return;
  if (e.runId !== currentRunId()) return;
  const s = useProbe.getState();
  const base = s.runId === e.runId ? s : { ...initialProbeState(), runId: e.runId };
  switch (e.type) {
    case 'probe-progress':
      useProbe.setState({ ...base, progress: { ...(base.progress?.step === e.step ? base.progress : {}), step: e.step, done: e.done, phase: e.phase }, error: null });
      break;
    case 'probe': {
      const { type: _, ...report } = e;
      const results = base.results.filter((r) => r.step !== report.step || kindOf(r) !== kindOf(report));
      results.push(report);
      results.sort((a, b) => a.step - b.step);
      useProbe.setState({ ...base, results, progress: null, error: null });
      break;
    }
    case 'probe-error':
      useProbe.setState({ ...base, progress: null, error: `Probe at step ${e.step} failed: ${e.message}` });
      break;
  }
}

/** Best top-1 over a run's probes of one kind (linear unless asked; null when none). */
export function bestTop1(results: readonly ProbeReport[], kind: ProbeKind = 'linear'): ProbeReport | null {
  return results.reduce<ProbeReport | null>((best, r) => (kindOf(r) !== kind ? best : !best || r.top1 > best.top1 ? r : best), null);
}

/** "31.2 %" */
export function percent(x: number): string {
  return `${(100 * x).toFixed(1)} %`;
}
