// Transfer probes on the page: what the Linear probe panel probes on (the training data, the
// counting set, or a dataset picked for probing only), the datasets loaded for probing in the
// worker, the probe in flight and the newest result of the run shown. Results are kept in the
// run's record under the probe dataset's id (runsStore.recordTransferProbe) for the Transfer table.
import { create } from 'zustand';
import type {  DatasetSummary, ProbePhase, RunId, RunInfo, TransferProbeReport, WorkerEvent } from '../../worker/protocol';
import { recordTransferProbe } from '../runs/state';
import { useLab } from '../run/state';

/** The counting set, built in: offered under "Probe on" without loading anything. */
export const COUNTING_ID = 'counting';

export interface TransferState {
  /** What Evaluate probes on: '' = the run's own training data, else a probe dataset id. */
  on: string;
  /** Datasets picked for probing only and loaded in the worker (newest last). */
  sets: DatasetSummary[];
  loading: string | null;
  loadError: string | null;
  progress: { runId: RunId; step: number; probeDataset: string; done: number; phase: ProbePhase } | null;
  /** The newest transfer probe of the run shown. */
  latest: TransferProbeReport | null;
  error: string | null;
}

export const initialTransferState = (): TransferState => ({ on: '', sets: [], loading: null, loadError: null, progress: null, latest: null, error: null });

export const useTransfer = create<TransferState>()(() => initialTransferState());

export const currentRunId = () => useLab.getState().run?.runId ?? null;

/** Another run on the page: its own results, not the last run's. */
export function transferOnRunShown(prev: RunInfo | null, run: RunInfo | null): void {
  if (run?.runId !== prev?.runId && useTransfer.getState().latest?.runId !== run?.runId) useTransfer.setState({ latest: null, progress: null, error: null });
}

/** A new worker is starting (backend switch, restart): it holds no probe datasets, so the picked ones must be picked again. */
export function transferOnWorkerStarting(): void {
  const t = useTransfer.getState();
  const lost = t.sets.find((d) => d.id === t.on);
  useTransfer.setState({ sets: [], on: lost ? '' : t.on, loading: null, ...(lost ? { loadError: `The worker restarted: pick ${lost.name} again to probe on it.` } : {}) });
}

/** What "Probe on" offers besides the training data: the counting set (unless the run trained on it) and the datasets picked for probing. */
export function probeChoices(runDataset: string | undefined, sets: readonly DatasetSummary[]): { id: string; name: string }[] {
  const out = runDataset === COUNTING_ID ? [] : [{ id: COUNTING_ID, name: 'Counting set (built in: how many objects, 1–8)' }];
  for (const d of sets) if (d.id !== runDataset && d.id !== COUNTING_ID) out.push({ id: d.id, name: `${d.name} (${d.numClasses} classes, picked for probing)` });
  return out;
}

export function handleTransferEvent(e: WorkerEvent): void {
  if (e.type === 'dataset-progress') {
    // A probe dataset decoding (loads are one at a time in the worker, so this is ours while we wait for one).
    if (useTransfer.getState().loading) useTransfer.setState({ loading: `Decoding images: ${e.done} of ${e.total}${e.skipped ? ` (${e.skipped} skipped)` : ''}…` });
    return;
  }
  if (e.type !== 'transfer-progress' && e.type !== 'transfer-probe') return;
  if (e.runId !== currentRunId()) return;
  if (e.type === 'transfer-progress') {
    useTransfer.setState({ progress: { runId: e.runId, step: e.step, probeDataset: e.probeDataset, done: e.done, phase: e.phase }, error: null });
    return;
  }
  const { type: _, ...report } = e;
  useTransfer.setState({ latest: report, progress: null, error: null });
  recordTransferProbe(report);
}

