// Commands: everything the page asks of the worker goes through here (one typed protocol,
// LabWorkerApi). Components call these; results land in the store.
import { parseConfig, type LabConfig } from '../engine/config';
import type { LiveHyper } from '../engine/types';
import { metricsToCsv } from '../io/csv';
import { startWorker, transfer, type WorkerHandle } from '../worker/client';
import type { DatasetSource } from '../worker/protocol';
import { whenIdle } from '../ui/renderQueue';
import { handleKeepingEvent, resumeOfferedOn, resumeOrReset } from './keeping';
import { handleProbeEvent } from './probeStore';
import { clearSeries, flushMetrics, handleWorkerEvent, onFlush, useLab } from './runStore';
import { decodeUrlState, encodeUrlState, type BackendRequest } from './urlState';

export const SERVED_ARCHIVE = 'cifar-100-binary.tar.gz';
const servedUrl = () => `${import.meta.env.BASE_URL}data/${SERVED_ARCHIVE}`;

let handle: WorkerHandle | null = null;
/** Files the current dataset came from, kept so a backend switch can reload them. */
let lastSource: DatasetSource | null = null;

// After each publish, once the charts are drawn, tell the worker (it paces itself on this).
onFlush((step) =>
  whenIdle(() => {
    handle?.post({ type: 'drawn', step });
  }),
);

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

function api() {
  if (!handle) throw new Error('the training worker is not running');
  return handle.api;
}

/** The worker's commands, for the stores of other views (throws when the worker is not running). */
export { api as workerApi };

/** Write the settings into the URL (replaceState: sharing the address reproduces the run). */
export function syncUrl(): void {
  const { config, backendRequest } = useLab.getState();
  const q = encodeUrlState({ config, backend: backendRequest });
  const url = `${location.pathname}${q ? `?${q}` : ''}${location.hash}`;
  if (url !== `${location.pathname}${location.search}${location.hash}`) history.replaceState(null, '', url);
}

async function withBusy<T>(label: string, fn: () => Promise<T>): Promise<T> {
  useLab.setState({ busy: label });
  try {
    return await fn();
  } finally {
    if (useLab.getState().busy === label) useLab.setState({ busy: null });
  }
}

/** Read the URL, start the worker, load the dataset the settings name, build the model. */
export async function boot(): Promise<void> {
  const { config, backend, errors } = decodeUrlState(location.search);
  useLab.setState({ config, backendRequest: backend, urlErrors: errors });
  void probeServedArchive();
  await initWorker(backend);
}

async function probeServedArchive(): Promise<void> {
  try {
    const res = await fetch(servedUrl(), { method: 'HEAD' });
    const type = res.headers.get('content-type') ?? '';
    useLab.setState({ servedArchive: res.ok && !type.includes('text/html') });
  } catch {
    useLab.setState({ servedArchive: false });
  }
}

function initialSource(config: LabConfig): DatasetSource {
  if (config.dataset === 'cifar-100') return { kind: 'served', url: servedUrl(), name: SERVED_ARCHIVE };
  return { kind: 'synthetic' };
}

/** (Re)start the worker on a backend, reload the dataset, rebuild the model. */
export async function initWorker(request: BackendRequest): Promise<void> {
  handle?.terminate();
  handle = null;
  useLab.setState({ workerStatus: 'starting', workerError: null, backend: null, run: null, runState: 'none', dataset: null });
  clearSeries();
  const onEvent = (e: Parameters<typeof handleWorkerEvent>[0]) => (handleWorkerEvent(e), handleProbeEvent(e), handleKeepingEvent(e));
  const h = startWorker(onEvent, (message) => useLab.setState({ workerStatus: 'error', workerError: message }));
  handle = h;
  try {
    const info = await withBusy('Starting the backend…', () => h.api.init(request, transfer(h.workerPort, [h.workerPort])));
    if (handle !== h) return;
    useLab.setState({ backend: info, workerStatus: 'ready' });
  } catch (e) {
    useLab.setState({ workerStatus: 'error', workerError: errText(e) });
    return;
  }
  const config = useLab.getState().config;
  let source = lastSource ?? initialSource(config);
  let note: string | null = null;
  if (config.dataset.startsWith('file:') && !lastSource) {
    note = `The dataset file ${config.dataset.slice(5)} named in the link is not here: pick it again. Using the built-in data.`;
    source = { kind: 'synthetic' };
  }
  if (!(await loadDataset(source))) {
    note = useLab.getState().datasetError;
    if (source.kind !== 'synthetic') await loadDataset({ kind: 'synthetic' });
  }
  if (note) useLab.setState({ datasetError: note });
  await resumeOrReset(); // the run saved in this browser, when it fits these settings; else a fresh model
}

/** Switch backend: a new worker (tfjs state is per worker). The run restarts. */
export async function changeBackend(request: BackendRequest): Promise<void> {
  useLab.setState({ backendRequest: request });
  syncUrl();
  // Pause saves a checkpoint, which the new worker resumes from (unless the old one hangs).
  if (handle) await Promise.race([handle.api.pause().catch(() => undefined), new Promise((r) => setTimeout(r, 5000))]);
  await initWorker(request);
}

function copyBytes(source: DatasetSource): DatasetSource {
  // Keep our own copy: the buffers we send are transferred (and so emptied).
  if (source.kind === 'archive') return { ...source, bytes: source.bytes.slice(0) };
  if (source.kind === 'files') return { ...source, files: source.files.map((f) => ({ ...f, bytes: f.bytes.slice(0) })) };
  return source;
}

function transferables(source: DatasetSource): Transferable[] {
  if (source.kind === 'archive') return [source.bytes];
  if (source.kind === 'files') return source.files.map((f) => f.bytes);
  return [];
}

/** Load a dataset; on failure the previous one stays and the error is shown. Returns success. */
export async function loadDataset(source: DatasetSource): Promise<boolean> {
  const label = source.kind === 'synthetic' ? 'built-in shapes' : source.kind === 'files' ? source.files.map((f) => f.name).join(' + ') : source.name;
  useLab.setState({ datasetLoading: `Loading ${label}…`, datasetError: null });
  const keep = copyBytes(source);
  try {
    const summary = await api().loadDataset(transfer(source, transferables(source)));
    lastSource = keep.kind === 'synthetic' || keep.kind === 'served' ? null : keep;
    const config = { ...useLab.getState().config, dataset: summary.id };
    useLab.setState({ dataset: summary, datasetLoading: null, config });
    syncUrl();
    return true;
  } catch (e) {
    useLab.setState({ datasetLoading: null, datasetError: `Could not load ${label}: ${errText(e)}` });
    return false;
  }
}

/** Dataset from files the user dropped or picked. */
export async function loadDatasetFiles(files: File[]): Promise<void> {
  if (!files.length) return;
  const bins = files.filter((f) => /\.bin$/i.test(f.name));
  let source: DatasetSource;
  if (files.length > 1 || bins.length === files.length) {
    source = { kind: 'files', files: await Promise.all(files.map(async (f) => ({ name: f.name, bytes: await f.arrayBuffer() }))) };
  } else {
    source = { kind: 'archive', name: files[0].name, bytes: await files[0].arrayBuffer() };
  }
  if (!(await loadDataset(source))) return;
  if (await resumeOfferedOn(useLab.getState().dataset!.id)) return; // the file a saved run trained on
  // While training, the run goes on; the new dataset waits for Reset (the form says so).
  if (useLab.getState().runState !== 'running') await resetRun();
}

export async function useBuiltInData(): Promise<void> {
  if (await loadDataset({ kind: 'synthetic' })) await resetRun();
}

export async function useServedArchive(): Promise<void> {
  if (await loadDataset({ kind: 'served', url: servedUrl(), name: SERVED_ARCHIVE })) await resetRun();
}

/** Change settings (validated by the one config schema). Live ones reach a running trainer. */
export function updateConfig(patch: Partial<LabConfig>): void {
  const s = useLab.getState();
  const config = parseConfig({ ...s.config, ...patch });
  useLab.setState({ config });
  syncUrl();
  const live: Partial<LiveHyper> = {};
  for (const k of ['lambda', 'beta', 'lr'] as const) if (k in patch) live[k] = config[k];
  if (Object.keys(live).length && s.run) void setHyper(live);
}

/** Settings that need a Reset to take effect (anything but λ, β, lr and the probe interval). */
export function pendingChanges(): string[] {
  const { config, run } = useLab.getState();
  if (!run) return [];
  const a = config as unknown as Record<string, unknown>;
  const b = run.config as unknown as Record<string, unknown>;
  return Object.keys(a).filter((k) => !['lambda', 'beta', 'lr', 'probeEvery'].includes(k) && JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}

export async function setHyper(h: Partial<LiveHyper>): Promise<void> {
  try {
    await api().setHyper(h);
  } catch (e) {
    useLab.setState({ runMessage: errText(e) });
  }
}

/** Stop and build a fresh model from the current settings; clears the charts. */
export async function resetRun(): Promise<void> {
  const { config } = useLab.getState();
  try {
    const run = await withBusy('Building the model…', () => api().reset(config));
    clearSeries();
    useLab.setState({ run, runState: 'ready', runMessage: null, weights: null });
  } catch (e) {
    useLab.setState({ runMessage: `Could not build the model: ${errText(e)}` });
  }
}

/** Resolves after the next frame is rendered. */
const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));

export async function start(): Promise<void> {
  const s = useLab.getState();
  if (!s.run || (s.run && pendingChanges().length && s.metrics.length === 0)) await resetRun();
  if (!useLab.getState().run) return;
  // Show the running state (controls off) before the worker gets busy: on a software GPU the
  // first steps take every core, and this re-render would then wait for one.
  const previous = useLab.getState().runState;
  useLab.setState({ runState: 'running', runMessage: null });
  await nextFrame();
  try {
    await api().start();
  } catch (e) {
    useLab.setState({ runState: previous, runMessage: errText(e) });
  }
}

export async function pause(): Promise<void> {
  await api().pause();
  flushMetrics();
}

export async function step(): Promise<void> {
  const s = useLab.getState();
  if (!s.run || (pendingChanges().length && s.metrics.length === 0)) await resetRun();
  try {
    await api().step();
  } catch (e) {
    useLab.setState({ runMessage: errText(e) });
  }
}

export async function crossCheck(): Promise<void> {
  useLab.setState({ crossCheckError: null });
  try {
    const r = await withBusy('Checking against the CPU backend…', () => api().crossCheck(0));
    useLab.setState({ crossCheck: r });
  } catch (e) {
    useLab.setState({ crossCheckError: errText(e) });
  }
}

// ---- files ---------------------------------------------------------------------------------

export function download(name: string, parts: BlobPart[], type: string): void {
  const url = URL.createObjectURL(new Blob(parts, { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

function runName(): string {
  const { run, metrics } = useLab.getState();
  const c = run?.config ?? useLab.getState().config;
  const last = metrics[metrics.length - 1]?.step ?? 0;
  return `sparsejepa-${c.mode}-${c.preset}-step${last}`;
}

export async function exportSafetensors(): Promise<void> {
  try {
    const bytes = await withBusy('Exporting weights…', () => api().exportSafetensors());
    download(`${runName()}.safetensors`, [bytes as Uint8Array<ArrayBuffer>], 'application/octet-stream');
  } catch (e) {
    useLab.setState({ weightsError: `Export failed: ${errText(e)}` });
  }
}

export async function exportTfjs(): Promise<void> {
  try {
    const { modelJson, weightsBin } = await withBusy('Exporting weights…', () => api().exportTfjs());
    download('model.json', [modelJson], 'application/json');
    download('weights.bin', [weightsBin as Uint8Array<ArrayBuffer>], 'application/octet-stream');
  } catch (e) {
    useLab.setState({ weightsError: `Export failed: ${errText(e)}` });
  }
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

/** Read a .safetensors file: load it (continue training) or only inspect it. */
export async function importWeights(file: File, load: boolean): Promise<void> {
  useLab.setState({ weightsError: null, weights: null });
  try {
    const bytes = await file.arrayBuffer();
    const summary = await withBusy(`Reading ${file.name}…`, () => api().importSafetensors(transfer(bytes, [bytes]), { load }));
    if (summary.run) {
      clearSeries();
      useLab.setState({ run: summary.run, runState: 'ready', config: summary.run.config, runMessage: null });
      syncUrl();
    }
    useLab.setState({ weights: summary, weightsError: summary.error ? `${file.name}: ${summary.error}` : null });
  } catch (e) {
    useLab.setState({ weightsError: `${file.name}: ${errText(e)}` });
  }
}
