// What the lab is waiting for, as the status line says it: the long work in progress, each with
// its fraction done where the store knows one from the worker's reports (a dataset's decoding,
// a probe over both encoders, a transfer probe, a sweep's run i of N and its step) and null
// (indeterminate) where only "busy" is known (a model building, an export, a backend starting).
import type { ProbePhase } from '../../worker/protocol';
import type { LabState } from '../run/state';

export interface Activity {
  /** Which work: 'sweep', 'dataset', 'probe', 'transfer' or 'command' (the command in flight). */
  kind: 'sweep' | 'dataset' | 'probe' | 'transfer' | 'command';
  /** What it is doing, in words. */
  what: string;
  /** Done so far in [0, 1], or null when not known. */
  fraction: number | null;
}

export interface ActivityFacts {
  /** The command in flight's label (LabState.busy). */
  busy: string | null;
  /** The dataset load's line and the worker's last decoding report with the line it gave (LabState.datasetLoading, datasetProgress). */
  datasetLoading: string | null;
  datasetProgress: LabState['datasetProgress'];
  probe: { done: number; phase: ProbePhase; kind?: string } | null;
  transfer: { done: number; phase: ProbePhase; probeDataset: string } | null;
  /** The sweep this tab drives: run `index` (0-based) of `total`, its phase, and the step of its run where the page shows it. */
  sweep: { index: number; total: number; key: string; what: 'opening' | 'training' | 'probing' | 'reading'; step: number | null; steps: number } | null;
}

const clamp = (x: number) => Math.min(1, Math.max(0, x));
const encoder = (phase: ProbePhase) => (phase === 'trained' ? 'the trained encoder' : 'the random-init encoder (the floor)');

/** The activities to show, the overall one (a sweep) first; the command in flight only when nothing more precise stands for it. */
export function activities(f: ActivityFacts): Activity[] {
  const out: Activity[] = [];
  if (f.sweep) {
    const s = f.sweep;
    const within = s.what === 'opening' ? 0 : s.what === 'training' ? (s.step !== null && s.steps > 0 ? clamp(s.step / s.steps) : 0) : 1;
    const doing = s.what === 'training' ? `training${s.step !== null ? ` (step ${s.step} of ${s.steps})` : ''}` : s.what === 'opening' ? 'building it' : s.what === 'probing' ? 'probing it' : 'reading its numbers';
    out.push({ kind: 'sweep', what: `Sweep: run ${s.index + 1} of ${s.total} (${s.key}), ${doing}`, fraction: clamp((s.index + within) / s.total) });
  }
  const precise: Activity[] = [];
  if (f.datasetLoading) {
    const p = f.datasetProgress;
    precise.push({ kind: 'dataset', what: f.datasetLoading, fraction: p && p.line === f.datasetLoading && p.total > 0 ? clamp(p.done / p.total) : null });
  }
  if (f.probe) precise.push({ kind: 'probe', what: `${f.probe.kind && f.probe.kind !== 'linear' ? `${f.probe.kind} probe` : 'Probe'}: ${encoder(f.probe.phase)}`, fraction: clamp(f.probe.done) });
  if (f.transfer) precise.push({ kind: 'transfer', what: `Transfer probe on ${f.transfer.probeDataset}: ${encoder(f.transfer.phase)}`, fraction: clamp(f.transfer.done) });
  out.push(...precise);
  if (f.busy && !precise.length) out.push({ kind: 'command', what: f.busy, fraction: null });
  return out;
}
