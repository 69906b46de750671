// Transfer probes on the page: what the Linear probe panel probes on (the training data, the
// counting set, or a dataset picked for probing only), the datasets loaded for probing in the
// worker, the probe in flight and the newest result of the run shown. Results are kept in the
// run's record under the probe dataset's id (runsStore.recordTransferProbe) for the Transfer table.
import { create } from 'zustand';
import type { DatasetSource, DatasetSummary, ProbePhase, RunId, RunInfo, TransferProbeReport, WorkerEvent } from '../worker/protocol';
import { datasetLabel, transferables } from './actions';
import { command, transfer, workerApi } from './commands';
import { readFolderReporting, type PickedFolder } from './folderSource';
import { recordTransferProbe } from './runsStore';
import { useLab } from './runStore';

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

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));
const currentRunId = () => useLab.getState().run?.runId ?? null;

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

export function setProbeOn(id: string): void {
  useTransfer.setState({ on: id, error: null });
}

/** Load a dataset for probing only (the training data and the run stay as they are); it becomes the one probed on. */
function loadProbeSource(source: DatasetSource): Promise<void> {
  const label = datasetLabel(source);
  return command('Load probe dataset', async (setLabel) => {
    setLabel(`Loading ${label} for probing…`);
    useTransfer.setState({ loading: `Loading ${label}…`, loadError: null });
    try {
      const summary = await workerApi().loadProbeDataset(transfer(source, transferables(source)));
      const sets = [...useTransfer.getState().sets.filter((d) => d.id !== summary.id), summary];
      useTransfer.setState({ sets, on: summary.id, loading: null });
    } catch (e) {
      useTransfer.setState({ loading: null, loadError: `Could not load ${label} for probing: ${errText(e)}` });
    }
  });
}

/** An archive (.zip, .tar(.gz) of image folders, a CIFAR archive) or CIFAR's .bin files, for probing. */
export async function loadProbeFiles(files: File[]): Promise<void> {
  if (!files.length) return;
  const source: DatasetSource =
    files.length > 1 || /\.bin$/i.test(files[0].name)
      ? { kind: 'files', files: await Promise.all(files.map(async (f) => ({ name: f.name, bytes: await f.arrayBuffer() }))) }
      : { kind: 'archive', name: files[0].name, bytes: await files[0].arrayBuffer() };
  await loadProbeSource(source);
}

/** A folder of images, for probing. */
export async function loadProbeFolder(folder: PickedFolder): Promise<void> {
  let source: DatasetSource;
  try {
    source = await readFolderReporting(folder, (text) => useTransfer.setState({ loading: text, loadError: null }));
  } catch (e) {
    useTransfer.setState({ loading: null, loadError: `Could not load ${folder.name} for probing: ${errText(e)}` });
    return;
  }
  await loadProbeSource(source);
}

export function refuseProbeFolder(message: string): void {
  useTransfer.setState({ loadError: `Could not load the folder: ${message}` });
}

/** Evaluate on the dataset chosen under "Probe on" (a command, like Evaluate on the training data). */
export function probeOnChosen(): Promise<void> {
  return command('Evaluate', async (setLabel) => {
    const s = useLab.getState();
    const runId = s.run?.runId;
    const on = useTransfer.getState().on;
    if (!runId) return void useTransfer.setState({ error: 'Probe: no model yet' });
    const name = probeChoices(s.run?.config.dataset, useTransfer.getState().sets).find((c) => c.id === on)?.name ?? on;
    setLabel(`Probing the encoder on ${name}…`);
    const step = s.metrics[s.metrics.length - 1]?.step ?? 0;
    useTransfer.setState({ progress: { runId, step, probeDataset: on, done: 0, phase: 'trained' }, error: null });
    try {
      await workerApi().probeOn(runId, on); // the result arrives as a 'transfer-probe' event
    } catch (e) {
      if (currentRunId() === runId) useTransfer.setState({ progress: null, error: `Probe on ${name} failed: ${errText(e)}` });
    }
  });
}
