// Keeping work, as commands: start-up (the worker, the dataset the address names, then the saved
// run that fits, or a fresh model), a backend switch (pause, save, a new worker, resume), picking
// a dataset (which may resume the run saved on it), Resume and Delete in the Runs table, the
// storage budget. Each goes through workerLine.ts like the run's own commands.
import { fileDatasetName, formatDatasetId, SERVED_ARCHIVE } from '../../data/datasetId';
import { defaultConfig, type LabConfig } from '../../engine/config';
import type { DatasetSource, ResumedRun, RunId, SavedRuns } from '../../worker/protocol';
import { syncUrl } from '../address';
import { buildRunNow, loadDatasetNow } from '../run/commands';
import { command, isCurrentWorker, replaceWorker, transfer, workerApi } from '../workerLine';
import { dispatchWorkerEvent, showRun, workerReady, workerStarting } from '../dispatch';
import { noteDeleted, rememberBudget, setSavedRuns, useKeeping } from './state';
import { resumedHealth, withPageHealthDefault } from '../health/state';
import { describeSubset, isDefaultSubset, marksFromLog, runToOffer, runToResume, sourceFor, withHyperMark } from '../run/rules';
import { removeRecord, useRuns } from '../runs/state';
import { clearSeries, groupTotals, useLab } from '../run/state';
import { tabLocks } from '../tabs';
import { decodeUrlState, type BackendRequest } from '../urlState';
import { forgetImportedFiles } from '../import/state';

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));
const baseUrl = () => import.meta.env.BASE_URL;
const servedSource = (): DatasetSource => sourceFor(formatDatasetId({ kind: 'cifar-100' }), baseUrl())!;


// ---- start-up and backend -------------------------------------------------------------------

/** Read the URL, start the worker, load the dataset the settings name, continue the saved run or build a model. */
export async function boot(): Promise<void> {
  const { config, backend, errors } = decodeUrlState(location.search);
  useLab.setState({ config: withPageHealthDefault(config, location.search), backendRequest: backend, urlErrors: errors });
  void probeServedArchive();
  await command('Start the worker', (setLabel) => initWorkerNow(backend, setLabel));
}

async function probeServedArchive(): Promise<void> {
  try {
    const res = await fetch(`${baseUrl()}data/${SERVED_ARCHIVE}`, { method: 'HEAD' });
    const type = res.headers.get('content-type') ?? '';
    useLab.setState({ servedArchive: res.ok && !type.includes('text/html') });
  } catch {
    useLab.setState({ servedArchive: false });
  }
}

/** (Re)start the worker on a backend, reload the dataset, then resume (`prefer`, or the saved run that fits) or build. */
async function initWorkerNow(request: BackendRequest, setLabel: (l: string) => void, prefer?: RunId): Promise<void> {
  setLabel('Starting the backend…');
  workerStarting({ workerError: null, backend: null, runState: 'none', dataset: null });
  clearSeries();
  const h = replaceWorker(dispatchWorkerEvent, (message) => useLab.setState({ workerStatus: 'error', workerError: message }));
  try {
    const info = await h.api.init(request, transfer(h.workerPort, [h.workerPort]));
    if (!isCurrentWorker(h)) return;
    workerReady({ backend: info });
  } catch (e) {
    useLab.setState({ workerStatus: 'error', workerError: errText(e) });
    return;
  }
  await workerApi()
    .setStorageBudget(useKeeping.getState().budgetBytes)
    .catch(() => undefined);
  setLabel('Loading the dataset…');
  const config = useLab.getState().config;
  const { datasetFiles } = useLab.getState();
  let source = datasetFiles ?? sourceFor(config.dataset, baseUrl()) ?? { kind: 'synthetic' };
  let note: string | null = null;
  const fileName = fileDatasetName(config.dataset);
  if (fileName !== undefined && !datasetFiles) {
    // A file the address names but this page does not have (a reload): keep its subset for it, train on the built-in data meanwhile.
    const subset = isDefaultSubset(config.subset) ? '' : `, without the subset (${describeSubset(config.subset)}): it is kept for ${fileName} and comes back when you pick it`;
    note = `The dataset file ${fileName} named in the link is not here: pick it again. Using the built-in data for now${subset}.`;
    // Parked: the address keeps naming the file (and its subset) until another dataset is chosen.
    useLab.setState({ parked: { datasetId: config.dataset, datasetName: fileName, subset: config.subset }, config: { ...config, subset: defaultConfig().subset } });
    source = { kind: 'synthetic' };
  }
  if (!(await loadDatasetNow(source))) {
    note = useLab.getState().datasetError;
    if (source.kind !== 'synthetic') await loadDatasetNow({ kind: 'synthetic' });
  }
  if (note) useLab.setState({ datasetError: note });
  await resumeOrBuildNow(setLabel, prefer);
}

/** Switch backend: a new worker (tfjs state is per worker). The run shown is paused, saved and resumed there. */
export function changeBackend(request: BackendRequest): Promise<void> {
  useLab.setState({ backendRequest: request });
  syncUrl();
  return command('Switch backend', async (setLabel) => {
    const run = useLab.getState().run;
    setLabel('Saving the run…');
    // Pause saves a checkpoint, which the new worker resumes from (unless the old one hangs).
    if (run) await Promise.race([workerApi().pause(run.runId).catch(() => undefined), new Promise((r) => setTimeout(r, 5000))]);
    await initWorkerNow(request, setLabel, run?.runId);
  });
}

// ---- saved runs --------------------------------------------------------------------------

async function listSaved(): Promise<SavedRuns> {
  try {
    const saved = await workerApi().savedRuns();
    setSavedRuns(saved.runs, saved.unreadable);
    return saved;
  } catch (e) {
    useKeeping.setState({ offerError: `The runs saved in this browser could not be read: ${errText(e)}` });
    return { runs: [], unreadable: [] };
  }
}

/** The address's settings: the config, with the subset parked for a missing file put back. */
function addressConfig(): LabConfig {
  const { config, parked } = useLab.getState();
  return parked ? { ...config, dataset: parked.datasetId, subset: parked.subset } : config;
}

/**
 * After the worker (re)starts with a dataset loaded: continue the saved run that fits (`prefer`,
 * or the newest with these settings on this dataset that no other tab has open: a reload, a
 * crashed tab, a backend switch), else build a fresh model and offer the saved run that fits best.
 */
async function resumeOrBuildNow(setLabel: (l: string) => void, prefer?: RunId): Promise<void> {
  const { runs } = await listSaved();
  const { config, dataset } = useLab.getState();
  const elsewhere = await tabLocks().heldElsewhere();
  const pick = runToResume(runs, config, dataset?.id, elsewhere, prefer);
  const offer = runToOffer(
    runs.filter((r) => r.runId !== pick?.runId),
    addressConfig(),
    elsewhere,
  );
  useKeeping.setState({ offer, offerError: null });
  if (pick && (await resumeNow(pick.runId, setLabel))) return;
  const open = runs.filter((r) => elsewhere.has(r.runId) && r.dataset.id === dataset?.id);
  if (!prefer && open.length) {
    useKeeping.setState({ offerError: `${open.length === 1 ? 'A run saved with these data is' : `${open.length} runs saved with these data are`} open in another tab, so not here: this tab starts its own run.` });
  }
  setLabel('Building the model…');
  await buildRunNow();
}

/** Put a resumed run on the page: its settings, metrics so far, marks; paused at its step. */
function showResumed(r: ResumedRun): void {
  clearSeries();
  const s = useLab.getState();
  const runConfig = r.run.config;
  const marks = withHyperMark(marksFromLog(r.history.hyper, runConfig), r.step + 1, r.hyper, runConfig);
  showRun({
    run: r.run,
    runState: 'paused',
    runMessage: null,
    config: { ...runConfig, ...r.hyper },
    parked: s.parked?.datasetId === runConfig.dataset ? null : s.parked,
    metrics: r.history.metrics.slice(),
    norms: r.history.norms.map((n) => ({ ...n, groupTotals: groupTotals(n) })),
    marks,
    version: s.version + 1,
    weights: null,
  });
  syncUrl();
  resumedHealth(r.run.runId, r.history.health);
  const k = useKeeping.getState();
  useKeeping.setState({
    saved: { step: r.step, savedAt: r.savedAt },
    off: null,
    saveError: null,
    notice: { kind: 'resumed', text: `Resumed from step ${r.step} (saved at ${new Date(r.savedAt).toLocaleTimeString()}). Press Start to continue.` },
    ...(k.offer?.runId === r.run.runId ? { offer: null } : {}),
    offerError: null,
  });
}

/** Continue saved run `runId` on the dataset loaded now, if no other tab has it. Returns whether it did. */
async function resumeNow(runId: RunId, setLabel: (l: string) => void): Promise<boolean> {
  const hold = await tabLocks().hold(runId);
  if (!hold.ok) {
    useKeeping.setState({ offerError: `This run is open in ${hold.holder}: a run trains in one tab at a time. Pause and close it there to resume it here.` });
    return false;
  }
  setLabel('Resuming the saved run…');
  try {
    showResumed(await workerApi().resume(runId));
    tabLocks().releaseAllBut(runId);
    return true;
  } catch (e) {
    if (useLab.getState().run?.runId !== runId) tabLocks().release(runId);
    useKeeping.setState({ offerError: `The saved run could not be resumed: ${errText(e)}` });
    return false;
  }
}

/** Resume a saved run (Runs table, the offer): its dataset is loaded first when the page can; a picked file is asked for. */
export function resumeRun(runId: RunId): Promise<void> {
  return command('Resume', async (setLabel) => {
    const info = useKeeping.getState().savedRuns[runId] ?? (useKeeping.getState().offer?.runId === runId ? useKeeping.getState().offer : null);
    if (!info) return void useKeeping.setState({ offerError: 'That run has no checkpoint saved in this browser any more.' });
    if (useLab.getState().run?.runId === runId) return; // it is the run shown
    if (useLab.getState().dataset?.id !== info.dataset.id) {
      const source = sourceFor(info.dataset.id, baseUrl());
      if (!source) {
        useKeeping.setState({ offer: info, offerError: `Pick ${info.dataset.name} again (Data: its file or folder) to resume this run.` });
        return;
      }
      setLabel(`Loading ${info.dataset.name}…`);
      if (!(await loadDatasetNow(source))) return;
      useLab.setState({ datasetFiles: null });
    }
    // The person chose this run: the address names it now, not a file the page was waiting for.
    if (await resumeNow(runId, setLabel)) {
      useLab.setState({ parked: null });
      syncUrl();
    }
  });
}

/** Resume the run the page offers. */
export function resumeOffered(): Promise<void> {
  const offer = useKeeping.getState().offer;
  return offer ? resumeRun(offer.runId) : Promise.resolve();
}

/** Forget a saved run's checkpoint (the offer's, or the run shown's); its record stays in the Runs table. */
export function discardSaved(runId: RunId | undefined = useKeeping.getState().offer?.runId ?? useLab.getState().run?.runId): Promise<void> {
  return command('Discard saved run', async () => {
    if (!runId) return;
    try {
      await workerApi().deleteSaved(runId);
      noteDeleted(runId);
      tabLocks().announce({ type: 'deleted', runId });
      if (useLab.getState().run?.runId === runId) useKeeping.setState({ saved: null, saveError: null });
    } catch (e) {
      useKeeping.setState({ saveError: `Could not discard the saved run: ${errText(e)}` });
    }
  });
}

/** Delete a run: its record in the Runs table and its checkpoint (a run open here saves no more). */
export function deleteRun(runId: RunId): Promise<void> {
  return command('Delete run', async () => {
    await removeRecord(runId);
    forgetImportedFiles(runId);
    try {
      await workerApi().deleteSaved(runId);
    } catch (e) {
      useRuns.setState({ error: `The run's checkpoint could not be deleted: ${errText(e)}` });
    }
    noteDeleted(runId);
    tabLocks().announce({ type: 'deleted', runId });
  });
}

/** The checkpoint storage budget in MB (a setting of this browser); lowering it evicts at once. Returns an error or null. */
export async function setStorageBudget(megabytes: number): Promise<string | null> {
  if (!Number.isFinite(megabytes) || megabytes < 1) return `the budget must be at least 1 MB, got ${megabytes}`;
  const bytes = Math.round(megabytes * 1024 * 1024);
  rememberBudget(bytes);
  useKeeping.setState({ budgetBytes: bytes });
  try {
    await workerApi().setStorageBudget(bytes); // evictions arrive as an event
    return null;
  } catch (e) {
    return errText(e);
  }
}

/** Checkpoints were off (storage refused one): try again now. */
export async function retryCheckpoints(): Promise<void> {
  const run = useLab.getState().run;
  if (!run) return;
  try {
    await workerApi().retryCheckpoints(run.runId);
  } catch (e) {
    useKeeping.setState({ saveError: `Trying again failed: ${errText(e)}` });
  }
}

// ---- datasets ---------------------------------------------------------------------------

/** Dataset from files the user dropped or picked; the saved run trained on them resumes, with its subset. */
export async function loadDatasetFiles(files: File[]): Promise<void> {
  if (!files.length) return;
  const bins = files.filter((f) => /\.bin$/i.test(f.name));
  let source: DatasetSource;
  if (files.length > 1 || bins.length === files.length) {
    source = { kind: 'files', files: await Promise.all(files.map(async (f) => ({ name: f.name, bytes: await f.arrayBuffer() }))) };
  } else {
    source = { kind: 'archive', name: files[0].name, bytes: await files[0].arrayBuffer() };
  }
  await loadDatasetSource(source);
}

/** Dataset from a source the person gave (files, an archive, a folder); the saved run trained on it resumes, with its subset. */
export async function loadDatasetSource(source: DatasetSource): Promise<void> {
  const keep = copyBytes(source);
  await command('Load dataset', async (setLabel) => {
    setLabel(`Reading ${source.kind === 'archive' || (source.kind === 'files' && source.name) ? source.name : 'the files'}…`);
    if (!(await loadDatasetNow(source))) return;
    useLab.setState({ datasetFiles: keep });
    const id = useLab.getState().dataset!.id;
    const parked = useLab.getState().parked;
    if (parked?.datasetId === id) {
      useLab.setState({ config: { ...useLab.getState().config, subset: parked.subset }, parked: null });
      syncUrl();
    }
    const { config } = useLab.getState();
    const { offer, savedRuns } = useKeeping.getState();
    const pick = (offer?.dataset.id === id ? offer : null) ?? runToResume(Object.values(savedRuns), config, id, await tabLocks().heldElsewhere());
    if (pick && (await resumeNow(pick.runId, setLabel))) return;
    // While training, the run goes on; the new dataset waits for Reset (the form says so).
    if (useLab.getState().runState !== 'running') {
      setLabel('Building the model…');
      await buildRunNow();
    }
  });
}

function copyBytes(source: DatasetSource): DatasetSource {
  // Keep our own copy: the buffers we send are transferred (and so emptied).
  if (source.kind === 'archive') return { ...source, bytes: source.bytes.slice(0) };
  if (source.kind === 'files') return { ...source, files: source.files.map((f) => ({ ...f, bytes: f.bytes.slice(0) })) };
  return source;
}

function loadAndBuild(label: string, source: DatasetSource): Promise<void> {
  return command(label, async (setLabel) => {
    useLab.setState({ parked: null });
    if (!(await loadDatasetNow(source))) return;
    useLab.setState({ datasetFiles: null });
    setLabel('Building the model…');
    await buildRunNow();
  });
}

/** Inside a command: load data the page gets by itself (built in, served), as the one a backend switch reloads. */
export async function loadOwnDatasetNow(source: Extract<DatasetSource, { kind: 'synthetic' | 'served' }>): Promise<boolean> {
  if (!(await loadDatasetNow(source))) return false;
  useLab.setState({ datasetFiles: source });
  return true;
}

export const useBuiltInData = () => loadAndBuild('Use the built-in data', { kind: 'synthetic' });
export const useServedArchive = () => loadAndBuild('Use the served archive', servedSource());
export const useCountingSet = () => loadAndBuild('Use the counting set', { kind: 'synthetic', id: 'counting' });
