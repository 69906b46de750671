// The linear probe's side of the page: results of the current run (one per evaluated step),
// the progress of the probe in flight, and the Evaluate / "every N steps" commands.
import { create } from 'zustand';
import type { ProbePhase, ProbeReport, WorkerEvent } from '../worker/protocol';
import { useLab } from './runStore';

export interface ProbeProgress {
  step: number;
  done: number;
  phase: ProbePhase;
}

export interface ProbeState {
  /** Worker run id the results belong to. */
  runId: string | null;
  /** One per probed step, in step order (a repeat at the same step replaces the earlier one). */
  results: ProbeReport[];
  progress: ProbeProgress | null;
  error: string | null;
}

export const initialProbeState = (): ProbeState => ({ runId: null, results: [], progress: null, error: null });

export const useProbe = create<ProbeState>()(() => initialProbeState());

/** The run the page shows now; events of other runs are dropped. */
const currentRunId = () => useLab.getState().run?.runId ?? null;

// A new run (Reset, backend switch, imported weights) starts with no probe results.
useLab.subscribe((s, prev) => {
  if (s.run !== prev.run && s.run?.runId !== useProbe.getState().runId) useProbe.setState({ ...initialProbeState(), runId: s.run?.runId ?? null });
});

export function handleProbeEvent(e: WorkerEvent): void {
  if (e.type !== 'probe' && e.type !== 'probe-progress' && e.type !== 'probe-error') return;
  if (e.runId !== currentRunId()) return;
  const s = useProbe.getState();
  const base = s.runId === e.runId ? s : { ...initialProbeState(), runId: e.runId };
  switch (e.type) {
    case 'probe-progress':
      useProbe.setState({ ...base, progress: { step: e.step, done: e.done, phase: e.phase }, error: null });
      break;
    case 'probe': {
      const { type: _, ...report } = e;
      const results = base.results.filter((r) => r.step !== report.step);
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

/** Best top-1 over a run's probes (null when none). */
export function bestTop1(results: readonly ProbeReport[]): ProbeReport | null {
  return results.reduce<ProbeReport | null>((best, r) => (!best || r.top1 > best.top1 ? r : best), null);
}

/** "31.2 %" */
export function percent(x: number): string {
  return `${(100 * x).toFixed(1)} %`;
}
