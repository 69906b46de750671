// The run's commands: settings, Reset, Start, Pause, Step, the CPU check, exports and imported
// weights. Each command a person gives goes through workerLine.ts (one at a time, in order; shown
// as queued while it waits); results land in the stores. Keeping work (start-up, resume, delete,
// datasets that may resume a saved run) is in keeping/commands.ts, which builds on these.
import { datasetNameInProse, isBuiltIn, readDatasetId } from '../../data/datasetId';
import { HYPER_FIELDS, parseConfig, withMode, type LabConfig } from '../../engine/config';
import type { LiveHyper } from '../../engine/types';
import { metricsToCsv } from '../../io/csv';
import type { DatasetSource, RunId } from '../../worker/protocol';
import { syncUrl } from '../address';
import { command, transfer, workerApi } from '../workerLine';
import { showRun } from '../dispatch';
import { download } from '../download';
import { pendingChanges as pendingRule } from './rules';
import { clearSeries, flushMetrics, useLab } from './state';
import { tabLocks } from '../tabs';

export { syncUrl };

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** A new run's id: the page names runs, and the worker, the checkpoint store, the Runs table and the tab locks use that name. */
export function newRunId(): RunId {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/** Change settings (validated by the one config schema). Live ones reach a running trainer. */
export function updateConfig(patch: Partial<LabConfig>): void {
  const s = useLab.getState();
  // A change of mode takes that mode's mask strategy (MAE: random; JEPA and SparseJEPA: blocks), unless the patch sets one.
  const base = patch.mode !== undefined && !('maskStrategy' in patch) ? withMode(s.config, patch.mode) : s.config;
  const config = parseConfig({ ...base, ...patch });
  // Choosing a subset for the built-in data lets go of one parked for a missing file.
  useLab.setState({ config, ...('subset' in patch ? { parked: null } : {}) });
  syncUrl();
  const live: Partial<LiveHyper> = {};
  for (const k of HYPER_FIELDS) if (k in patch) live[k] = config[k];
  if (Object.keys(live).length && s.run) void setHyper(live);
}

/** Settings changed in the form that need a Reset to reach the run. */
export function pendingChanges(): string[] {
  const { config, run } = useLab.getState();
  return pendingRule(config, run?.config);
}

/** λ, β, lr now (not a queued command: the worker applies them from the next step). */
export async function setHyper(h: Partial<LiveHyper>): Promise<void> {
  const run = useLab.getState().run;
  if (!run) return;
  try {
    await workerApi().setHyper(run.runId, h);
  } catch (e) {
    useLab.setState({ runMessage: errText(e) });
  }
}

// ---- inside commands (call these only from within command(): they do not queue) -----------

/** Load a dataset; on failure the previous one stays and the error is shown. Returns success. */
export async function loadDatasetNow(source: DatasetSource): Promise<boolean> {
  const label = datasetLabel(source);
  useLab.setState({ datasetLoading: `Loading ${label}…`, datasetError: null });
  try {
    const summary = await workerApi().loadDataset(transfer(source, transferables(source)));
    const config = { ...useLab.getState().config, dataset: summary.id };
    useLab.setState({ dataset: summary, datasetLoading: null, config });
    syncUrl();
    return true;
  } catch (e) {
    useLab.setState({ datasetLoading: null, datasetError: `Could not load ${label}: ${errText(e)}` });
    return false;
  }
}

/** What the page calls a source while it loads: a built-in one by its name (any other id as it is), a picked folder by its name, not its thousands of files. */
export function datasetLabel(source: DatasetSource): string {
  if (source.kind === 'synthetic') {
    const id = source.id ?? 'synthetic';
    const d = readDatasetId(id);
    return isBuiltIn(d) ? datasetNameInProse(d) : id;
  }
  if (source.kind === 'files') return source.name ?? source.files.map((f) => f.name).join(' + ');
  return source.name;
}

export function transferables(source: DatasetSource): Transferable[] {
  if (source.kind === 'archive') return [source.bytes];
  if (source.kind === 'files') return source.files.map((f) => f.bytes);
  return [];
}

/** Build a fresh run from the current settings (this tab holds its lock); clears the charts. Returns success. */
export async function buildRunNow(): Promise<boolean> {
  const { config } = useLab.getState();
  const id = newRunId();
  await tabLocks().hold(id); // a new id: always free
  try {
    const run = await workerApi().reset(config, id);
    clearSeries();
    showRun({ run, runState: 'ready', runMessage: null, weights: null });
    tabLocks().releaseAllBut(id);
    return true;
  } catch (e) {
    tabLocks().release(id);
    useLab.setState({ runMessage: `Could not build the model: ${errText(e)}` });
    return false;
  }
}

/** The run to command: built first when there is none, or when settings changed before it trained. */
async function runToCommand(setLabel: (l: string) => void): Promise<RunId | null> {
  const s = useLab.getState();
  if (!s.run || (pendingChanges().length && s.metrics.length === 0)) {
    setLabel('Building the model…');
    if (!(await buildRunNow())) return null;
  }
  return useLab.getState().run?.runId ?? null;
}

// ---- commands ------------------------------------------------------------------------------

/** Stop and build a fresh model from the current settings; clears the charts. */
export function resetRun(): Promise<void> {
  return command('Reset', async (setLabel) => {
    setLabel('Building the model…');
    await buildRunNow();
  });
}

/** Resolves after the next frame is rendered. */
const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));

export function start(): Promise<void> {
  return command('Start', async (setLabel) => {
    const runId = await runToCommand(setLabel);
    if (!runId || useLab.getState().runState === 'running') return;
    // Show the running state (controls off) before the worker gets busy: on a software GPU the
    // first steps take every core, and this re-render would then wait for one.
    const previous = useLab.getState().runState;
    useLab.setState({ runState: 'running', runMessage: null });
    setLabel('Starting…');
    await nextFrame();
    try {
      await workerApi().start(runId);
    } catch (e) {
      if (useLab.getState().run?.runId === runId) useLab.setState({ runState: previous, runMessage: `Start: ${errText(e)}` });
    }
  });
}

export function pause(): Promise<void> {
  return command('Pause', async (setLabel) => {
    const run = useLab.getState().run;
    if (!run) return;
    setLabel('Pausing (and saving)…');
    try {
      await workerApi().pause(run.runId);
    } catch (e) {
      useLab.setState({ runMessage: `Pause: ${errText(e)}` });
    }
    flushMetrics();
  });
}

export function step(): Promise<void> {
  return command('Step', async (setLabel) => {
    const runId = await runToCommand(setLabel);
    if (!runId) return;
    setLabel('One step…');
    try {
      await workerApi().step(runId);
    } catch (e) {
      useLab.setState({ runMessage: `Step: ${errText(e)}` });
    }
  });
}

export function crossCheck(): Promise<void> {
  return command('Check against CPU', async (setLabel) => {
    useLab.setState({ crossCheckError: null });
    const run = useLab.getState().run;
    if (!run) return void useLab.setState({ crossCheckError: 'no model yet' });
    setLabel('Checking against the CPU backend…');
    try {
      useLab.setState({ crossCheck: await workerApi().crossCheck(run.runId, 0) });
    } catch (e) {
      useLab.setState({ crossCheckError: errText(e) });
    }
  });
}

// ---- files ---------------------------------------------------------------------------------

function runName(): string {
  const { run, metrics } = useLab.getState();
  const c = run?.config ?? useLab.getState().config;
  const last = metrics[metrics.length - 1]?.step ?? 0;
  return `sparsejepa-${c.mode}-${c.preset}-step${last}`;
}

/** An export of the run shown, as a command (after whatever was asked before it). */
function exportCommand(label: string, fn: (runId: RunId) => Promise<void>): Promise<void> {
  return command(label, async (setLabel) => {
    const run = useLab.getState().run;
    if (!run) return void useLab.setState({ weightsError: `${label}: no model yet` });
    setLabel('Exporting weights…');
    try {
      await fn(run.runId);
    } catch (e) {
      useLab.setState({ weightsError: `Export failed: ${errText(e)}` });
    }
  });
}

export function exportSafetensors(): Promise<void> {
  return exportCommand('Export .safetensors', async (runId) => {
    const bytes = await workerApi().exportSafetensors(runId);
    download(`${runName()}.safetensors`, [bytes as Uint8Array<ArrayBuffer>], 'application/octet-stream');
  });
}

/** The probed encoder as ONNX (any runtime: onnxruntime, onnxruntime-web, …): pixels → tokens and pooled. */
export function exportOnnx(): Promise<void> {
  return exportCommand('Export ONNX', async (runId) => {
    const bytes = await workerApi().exportOnnx(runId);
    download(`${runName()}-encoder.onnx`, [bytes as Uint8Array<ArrayBuffer>], 'application/octet-stream');
  });
}

export function exportTfjs(): Promise<void> {
  return exportCommand('Export tfjs', async (runId) => {
    const { modelJson, weightsBin } = await workerApi().exportTfjs(runId);
    download('model.json', [modelJson], 'application/json');
    download('weights.bin', [weightsBin as Uint8Array<ArrayBuffer>], 'application/octet-stream');
  });
}

export function exportCsv(): void {
  flushMetrics();
  download(`${runName()}-metrics.csv`, [metricsToCsv(useLab.getState().metrics)], 'text/csv');
}

export function metricsJson(): string {
  flushMetrics();
  const s = useLab.getState();
  return JSON.stringify({
    format: 'sparsejepa-lab-metrics/1',
    runId: s.run?.runId ?? null,
    config: s.run?.config ?? s.config,
    backend: s.backend,
    dataset: s.dataset && { id: s.dataset.id, name: s.dataset.name, trainSize: s.run?.trainSize, testSize: s.run?.testSize },
    hyperChanges: s.marks,
    metrics: s.metrics,
    groupNorms: s.norms.map((n) => ({ step: n.step, G: n.G, K: n.K, values: Array.from(n.data) })),
  });
}

export function exportJson(): void {
  download(`${runName()}-metrics.json`, [metricsJson()], 'application/json');
}

/** Read a .safetensors file: load it (a new run from its weights) or only inspect it. */
export function importWeights(file: File, load: boolean): Promise<void> {
  return command('Import weights', async (setLabel) => {
    useLab.setState({ weightsError: null, weights: null });
    setLabel(`Reading ${file.name}…`);
    const id = newRunId();
    try {
      const bytes = await file.arrayBuffer();
      if (load) await tabLocks().hold(id);
      const summary = await workerApi().importSafetensors(transfer(bytes, [bytes]), { load, runId: id, config: useLab.getState().config });
      if (summary.run) {
        clearSeries();
        showRun({ run: summary.run, runState: 'ready', config: summary.run.config, runMessage: null });
        syncUrl();
        tabLocks().releaseAllBut(id);
      } else tabLocks().release(id);
      useLab.setState({ weights: summary, weightsError: summary.error ? `${file.name}: ${summary.error}` : null });
    } catch (e) {
      tabLocks().release(id);
      useLab.setState({ weightsError: `${file.name}: ${errText(e)}` });
    }
  });
}
