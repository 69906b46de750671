// The page's single store. Worker events flow in (handleWorkerEvent); components read from it.
// Step metrics are buffered and published at most every FLUSH_MS, so a fast training loop does
// not re-render the page on every step. Series arrays are appended in place and `version`
// bumps on each publish (components key their derived data on it).
import { create } from 'zustand';
import { defaultConfig, type LabConfig, type Subset } from '../engine/config';
import type {
  BackendInfo,
  CrossCheckResult,
  DatasetSummary,
  MemoryInfo,
  NormsMatrix,
  RunInfo,
  RunState,
  StepScalars,
  WeightsSummary,
  WorkerEvent,
} from '../worker/protocol';
import { withHyperMark, type HyperMark } from './rules';
import type { BackendRequest } from './urlState';

export type { HyperMark };

export const FLUSH_MS = 200;

export interface NormSnapshot extends NormsMatrix {
  /** Per-group ‖W^(g)‖_F = sqrt(Σ_k ‖W^(g)_{·,k}‖²). */
  groupTotals: Float32Array;
}

export interface LabState {
  config: LabConfig;
  backendRequest: BackendRequest;
  /** Messages about the URL's settings (rejected values). */
  urlErrors: string[];

  backend: BackendInfo | null;
  workerStatus: 'starting' | 'ready' | 'error';
  workerError: string | null;

  dataset: DatasetSummary | null;
  datasetLoading: string | null;
  datasetError: string | null;
  servedArchive: boolean;

  /**
   * A subset the address named for a dataset file that is not here (after a reload): kept for
   * that file, which gets it back when it is picked again, while the page trains on the built-in data.
   */
  parked: { datasetId: string; datasetName: string; subset: Subset } | null;

  run: RunInfo | null;
  runState: RunState | 'none';
  runMessage: string | null;
  /** What the worker is doing for the page now (the command in flight), and the commands waiting behind it. */
  busy: string | null;
  queued: string[];

  metrics: StepScalars[];
  norms: NormSnapshot[];
  marks: HyperMark[];
  version: number;
  memory: MemoryInfo | null;

  crossCheck: CrossCheckResult | null;
  crossCheckError: string | null;
  weights: WeightsSummary | null;
  weightsError: string | null;

  smoothing: number;
  logScale: boolean;
}

export const initialState = (): LabState => ({
  config: defaultConfig(),
  backendRequest: 'auto',
  urlErrors: [],
  backend: null,
  workerStatus: 'starting',
  workerError: null,
  dataset: null,
  datasetLoading: null,
  datasetError: null,
  servedArchive: false,
  parked: null,
  run: null,
  runState: 'none',
  runMessage: null,
  busy: null,
  queued: [],
  metrics: [],
  norms: [],
  marks: [],
  version: 0,
  memory: null,
  crossCheck: null,
  crossCheckError: null,
  weights: null,
  weightsError: null,
  smoothing: 0.6,
  logScale: false,
});

export const useLab = create<LabState>()(() => initialState());

export function groupTotals(n: NormsMatrix): Float32Array {
  const out = new Float32Array(n.G);
  for (let g = 0; g < n.G; g++) {
    let s = 0;
    for (let k = 0; k < n.K; k++) s += n.data[g * n.K + k] ** 2;
    out[g] = Math.sqrt(s);
  }
  return out;
}

let pendingMetrics: StepScalars[] = [];
let pendingNorms: NormSnapshot[] = [];
let pendingMemory: MemoryInfo | null = null;
let timer: ReturnType<typeof setTimeout> | null = null;
let lastFlush = 0;
const flushListeners: ((lastStep: number) => void)[] = [];

/** Called after each publish with the last step published (the page tells the worker it has it). */
export function onFlush(cb: (lastStep: number) => void): () => void {
  flushListeners.push(cb);
  return () => flushListeners.splice(flushListeners.indexOf(cb) >>> 0, 1);
}

/** Publish buffered metrics now (also called before state changes so they stay in order). */
export function flushMetrics(): void {
  if (timer) {
    clearTimeout(timer);
    timer = null;
  }
  if (!pendingMetrics.length && !pendingNorms.length && !pendingMemory) return;
  lastFlush = performance.now();
  const s = useLab.getState();
  for (const m of pendingMetrics) s.metrics.push(m);
  for (const n of pendingNorms) s.norms.push(n);
  const memory = pendingMemory ?? s.memory;
  pendingMetrics = [];
  pendingNorms = [];
  pendingMemory = null;
  useLab.setState({ version: s.version + 1, memory });
  const last = s.metrics[s.metrics.length - 1]?.step ?? 0;
  for (const cb of flushListeners) cb(last);
}

/** Leading-edge throttle: slow steps publish at once, fast ones in batches every FLUSH_MS. */
function scheduleFlush(): void {
  if (timer) return;
  const wait = FLUSH_MS - (performance.now() - lastFlush);
  if (wait <= 0) flushMetrics();
  else timer = setTimeout(flushMetrics, wait);
}

/** Forget buffered metrics (a new run starts). */
export function clearSeries(): void {
  pendingMetrics = [];
  pendingNorms = [];
  if (timer) clearTimeout(timer);
  timer = null;
  const s = useLab.getState();
  useLab.setState({ metrics: [], norms: [], marks: [], version: s.version + 1, crossCheck: null });
}

export function handleWorkerEvent(e: WorkerEvent): void {
  const s = useLab.getState();
  if (e.type === 'memory') {
    useLab.setState({ memory: e.memory });
    return;
  }
  if (e.type === 'evicted') return; // about other runs' checkpoints (keeping.ts)
  if (e.type === 'bias-demo' || e.type === 'bias-demo-error') return; // the demo panel's, of no run (biasDemoStore.ts)
  if (e.type === 'dataset-progress') {
    // Only while the load is still awaited: a report overtaken by the load's reply is dropped.
    if (s.datasetLoading) useLab.setState({ datasetLoading: `Decoding images: ${e.done} of ${e.total}${e.skipped ? ` (${e.skipped} skipped)` : ''}…` });
    return;
  }
  if (!s.run || e.runId !== s.run.runId) return; // from a run that was replaced
  switch (e.type) {
    case 'metrics':
      pendingMetrics.push(e.metrics);
      if (e.norms) pendingNorms.push({ ...e.norms, groupTotals: groupTotals(e.norms) });
      pendingMemory = e.memory;
      scheduleFlush();
      break;
    case 'state':
      flushMetrics();
      useLab.setState({ runState: e.state, runMessage: e.message ?? null });
      break;
    case 'hyper': {
      flushMetrics();
      const now = useLab.getState();
      useLab.setState({ marks: withHyperMark(now.marks, e.atStep, e.hyper, s.run.config), version: now.version + 1 });
      break;
    }
  }
}
