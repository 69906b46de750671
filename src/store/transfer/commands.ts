// Transfer probes' commands: what to probe on, loading a dataset for probing only (files or a
// folder), and the probe of the run shown on the chosen dataset.
import type { DatasetSource } from '../../worker/protocol';
import { datasetLabel, transferables } from '../run/commands';
import { command, transfer, workerApi } from '../workerLine';
import { readFolderReporting, type PickedFolder } from '../dataset/folderSource';
import { useLab } from '../run/state';
import { currentRunId, probeChoices, useTransfer } from './state';
import { errText } from '../../shared/errors';

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
