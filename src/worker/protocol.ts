// The one typed protocol between the page and the training worker.
// Commands: the page calls LabWorkerApi through Comlink (request → promise of a reply).
// Events: the worker posts WorkerEvent messages on a MessagePort the page hands it in init();
// norm matrices travel as transferable Float32Arrays. The page never awaits a GPU read-back:
// every read-back happens in the worker.
import type { LabConfig, ModelDims, Subset } from '../engine/config';
import type { LiveHyper, StepMetrics } from '../engine/types';
import type { BackendRequest } from '../store/urlState';

export type { BackendRequest };
export type BackendName = 'webgpu' | 'wasm' | 'webgl' | 'cpu';

export interface AdapterDescription {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
  /** A software implementation (SwiftShader, llvmpipe, WARP, …) or a fallback adapter. */
  software: boolean;
}

export interface BackendInfo {
  requested: BackendRequest;
  backend: BackendName;
  /** WebGPU adapter, when navigator.gpu gave one (whether or not WebGPU was chosen). */
  adapter?: AdapterDescription;
  wasm?: { simd: boolean; threads: boolean; threadCount: number; note?: string };
  crossOriginIsolated: boolean;
  /** Why each backend before the chosen one was passed over, in order. */
  fallbacks: string[];
}

/** Where the images come from. Byte buffers are transferred, not copied. */
export type DatasetSource =
  | { kind: 'synthetic' }
  | { kind: 'served'; url: string; name: string }
  | { kind: 'archive'; name: string; bytes: ArrayBuffer }
  | { kind: 'files'; files: { name: string; bytes: ArrayBuffer }[] };

export interface DatasetSummary {
  /** The value config.dataset takes for this source. */
  id: string;
  name: string;
  trainSize: number;
  testSize: number;
  numClasses: number;
  numSuperclasses: number;
  classNames: string[];
}

export interface RunInfo {
  runId: number;
  config: LabConfig;
  dims: ModelDims;
  paramCount: number;
  trainSize: number;
  testSize: number;
}

export interface FixedBatchLoss {
  loss: number;
  predLoss: number;
  klLoss: number;
  groupPenalty: number;
}

export interface CrossCheckResult {
  step: number;
  seed: number;
  backend: BackendName;
  /** On the backend in use. */
  value: FixedBatchLoss;
  /** Same weights, same batch, on the CPU backend. */
  reference: FixedBatchLoss;
  /** max over the four terms of |a − b| / max(|b|, 1e-3). */
  maxRelDiff: number;
  ms: number;
}

export interface WeightsSummary {
  tensors: { name: string; shape: number[]; dtype: string }[];
  metadata: Record<string, string>;
  /** Config read from the file's metadata, when it has one. */
  config?: LabConfig;
  /** Whether the weights were loaded into the trainer (false: inspection only). */
  loaded: boolean;
  /** Why they were not loaded. */
  error?: string;
  run?: RunInfo;
}

export interface MemoryInfo {
  numTensors: number;
  numBytes: number;
  numBytesInGPU?: number;
}

/** Scalars of one step: StepMetrics without the G×K matrix (that travels as `norms`). */
export type StepScalars = Omit<StepMetrics, 'groupNorms'>;

export interface NormsMatrix {
  step: number;
  G: number;
  K: number;
  /** Row-major G×K: ‖W^(g)_{·,k}‖₂. */
  data: Float32Array;
}

export type RunState = 'ready' | 'running' | 'paused' | 'done' | 'error';

export type WorkerEvent =
  | { type: 'metrics'; runId: number; metrics: StepScalars; norms?: NormsMatrix; memory: MemoryInfo }
  | { type: 'state'; runId: number; state: RunState; step: number; message?: string }
  /** λ/β/lr changed; they apply from step `atStep` (1-based) on. */
  | { type: 'hyper'; runId: number; atStep: number; hyper: LiveHyper }
  | { type: 'memory'; memory: MemoryInfo };

/**
 * Page → worker on the same port: the page has published up to `step` and has nothing left to
 * draw. The worker gives the page a short slice of each step's time to get there before it
 * starts the next step, so a CPU-starved page (software GPU, few cores) stays responsive.
 */
export type PageEvent = { type: 'drawn'; step: number };

export interface LabWorkerApi {
  /** Pick and initialise the backend; events arrive on `events` from now on. */
  init(request: BackendRequest, events: MessagePort): Promise<BackendInfo>;
  /** Load images; on failure the previous dataset stays loaded and the error says why. */
  loadDataset(source: DatasetSource): Promise<DatasetSummary>;
  /** Stop any run and build a fresh trainer (new weights from the seed) for `config`. */
  reset(config: LabConfig): Promise<RunInfo>;
  /** Train until paused or config.steps is reached. Returns once the loop has started. */
  start(): Promise<void>;
  /** Stop after the step in flight. Resolves once the loop is idle. */
  pause(): Promise<void>;
  /** One step (when not running). */
  step(): Promise<void>;
  /** λ, β, lr for the next step on; returns the step they first apply to. */
  setHyper(h: Partial<LiveHyper>): Promise<number>;
  /** Loss on one fixed batch on this backend and on the CPU backend, same weights. */
  crossCheck(seed?: number): Promise<CrossCheckResult>;
  exportSafetensors(): Promise<Uint8Array>;
  exportTfjs(): Promise<{ modelJson: string; weightsBin: Uint8Array }>;
  /** Read a .safetensors file; load it to continue training when it fits (see WeightsSummary). */
  importSafetensors(bytes: ArrayBuffer, opts: { load: boolean }): Promise<WeightsSummary>;
  memory(): Promise<MemoryInfo>;
}

export type { LabConfig, LiveHyper, Subset };
