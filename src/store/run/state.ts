// The page's single store. Worker events flow in (handleWorkerEvent); components read from it.
// Step metrics are buffered and published at most every FLUSH_MS, so a fast training loop does
// not re-render the page on every step. Series arrays are appended in place and `version`
// bumps on each publish (components key their derived data on it).
import { create } from 'zustand';
import { defaultConfig, type LabConfig, type Subset } from '../../engine/config';
import type {
  BackendInfo,
  CrossCheckResult,
  DatasetSource,
  DatasetSummary,
  MemoryInfo,
  NormsMatrix,
  RunInfo,
  RunState,
  StepScalars,
  WeightsSummary,
  WorkerEvent,
} from '../../worker/protocol';
import { withHyperMark, type HyperMark } from './rules';
import type { BackendRequest } from '../urlState';

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
  /** The files the dataset came from (a picked archive or folder), kept so a new worker (a backend switch) can load them again. */
  datasetFiles: DatasetSource | null;
  datasetLoading: string | null;
  /** The worker's last decoding report (done of total) with the line it gave: its fraction is shown only while that line is. */
  datasetProgress: { line: string; done: number; total: number } | null;
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
  datasetFiles: null,
  datasetLoading: null,
  datasetProgress: null,
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

/**
 * Step metrics on their way to the charts: buffered as the worker sends them and published at
 * most every FLUSH_MS (leading edge: slow steps publish at once, fast ones in batches).
 */
class StepBuffer {
  private metrics: StepScalars[] = [];
  private norms: NormSnapshot[] = [];
  private memory: MemoryInfo | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastFlush = 0;
  private readonly listeners: ((lastStep: number) => void)[] = [];

  push(metrics: StepScalars, norms: NormSnapshot | null, memory: MemoryInfo): void {
    this.metrics.push(metrics);
    if (norms) this.norms.push(norms);
    this.memory = memory;
    this.schedule();
  }

  onFlush(cb: (lastStep: number) => void): () => void {
    this.listeners.push(cb);
    return () => this.listeners.splice(this.listeners.indexOf(cb) >>> 0, 1);
  }

  flush(): void {
    this.cancelTimer();
    if (!this.metrics.length && !this.norms.length && !this.memory) return;
    this.lastFlush = performance.now();
    const s = useLab.getState();
    for (const m of this.metrics) s.metrics.push(m);
    for (const n of this.norms) s.norms.push(n);
    const memory = this.memory ?? s.memory;
    this.metrics = [];
    this.norms = [];
    this.memory = null;
    useLab.setState({ version: s.version + 1, memory });
    const last = s.metrics[s.metrics.length - 1]?.step ?? 0;
    for (const cb of this.listeners) cb(last);
  }

  /** Forget what is buffered (a new run starts). */
  clear(): void {
    this.metrics = [];
    this.norms = [];
    this.cancelTimer();
  }

  private schedule(): void {
    if (this.timer) return;
    const wait = FLUSH_MS - (performance.now() - this.lastFlush);
    if (wait <= 0) this.flush();
    else this.timer = setTimeout(() => this.flush(), wait);
  }

  private cancelTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

/** The page's one buffer: it feeds useLab's series. */
const stepBuffer = new StepBuffer();

/** Called after each publish with the last step published (the page tells the worker it has it). */
export const onFlush = (cb: (lastStep: number) => void) => stepBuffer.onFlush(cb);

/** Publish buffered metrics now (also called before state changes so they stay in order). */
export const flushMetrics = () => stepBuffer.flush();

/** Forget buffered metrics and the series (a new run starts). */
export function clearSeries(): void {
  stepBuffer.clear();
  const s = useLab.getState();
  useLab.setState({ metrics: [], norms: [], marks: [], version: s.version + 1, crossCheck: null });
}

export function handleWorkerEvent(e: WorkerEvent): void {
  const s = useLab.getState();
  if (e.type === 'memory') {
    useLab.setState({ memory: e.memory });
    return;
  }
  if (e.type === 'evicted') return; // about other runs' checkpoints (keeping/state.ts)
  if (e.type === 'bias-demo' || e.type === 'bias-demo-error') return; // the demo panel's, of no run (biasDemo/state.ts)
  if (e.type === 'umap-progress' || e.type === 'umap-error') return; // the projector's, of no run (projector/state.ts)
  if (e.type === 'dataset-progress') {
    // Only while the load is still awaited: a report overtaken by the load's reply is dropped.
    if (s.datasetLoading) {
      const line = `Decoding images: ${e.done} of ${e.total}${e.skipped ? ` (${e.skipped} skipped)` : ''}…`;
      useLab.setState({ datasetLoading: line, datasetProgress: { line, done: e.done, total: e.total } });
    }
    return;
  }
  if (!s.run || e.runId !== s.run.runId) return; // from a run that was replaced
  switch (e.type) {
    case 'metrics':
      stepBuffer.push(e.metrics, e.norms ? { ...e.norms, groupTotals: groupTotals(e.norms) } : null, e.memory);
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
