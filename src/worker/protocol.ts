// The one typed protocol between the page and the training worker.
// Commands: the page calls LabWorkerApi through Comlink (request → promise of a reply). The
// worker carries commands out one at a time in the order they arrive; a command it cannot carry
// out is refused (the promise rejects with the reason), never dropped.
// Events: the worker posts WorkerEvent messages on a MessagePort the page hands it in init();
// norm matrices travel as transferable Float32Arrays. The page never awaits a GPU read-back:
// every read-back happens in the worker.
// Runs are named by the page's run id (a UUID): the same id keys the run's record in the Runs
// table, its checkpoint in IndexedDB and its lock across tabs. Every per-run command names it.
// A leaf: it imports engine types only, and nothing imports back.
import type { LabConfig, ModelDims, Subset } from '../engine/config';
import type { BiasDemoResult, DeepLinearSettings } from '../engine/deepLinear';
import type { FixedBatchLoss } from '../engine/evaluation';
import type { GroupInformation } from '../engine/groupInformation';
import type { LatentPatches } from '../engine/latentPatches';
import type { ProbeWithFloor } from '../engine/probe';
import type { ProbeKind } from '../engine/probeKind';
import type { RepresentationHealth } from '../engine/representationHealth';
import type { LiveHyper, StepMetrics } from '../engine/types';

export type BackendName = 'webgpu' | 'wasm' | 'webgl' | 'cpu';
/** The backend the page asks for: one by name, or 'auto' (the best that starts; adapter.ts's backendOrder). */
export type BackendRequest = 'auto' | BackendName;

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
  /** A built-in dataset: `id` "synthetic" (the default), "synthetic:<classes>", "counting", "counting:<N objects>" (the grammar: data/datasetId.ts). */
  | { kind: 'synthetic'; id?: string }
  | { kind: 'served'; url: string; name: string }
  /** CIFAR binaries (.tar.gz, .tar) or an image folder (.zip, .tar, .tar.gz). */
  | { kind: 'archive'; name: string; bytes: ArrayBuffer }
  /**
   * Loose CIFAR files, or an image folder's files: `name` is a path relative to the folder (for
   * <input webkitdirectory>, webkitRelativePath without its first part) and `name` above is the folder's.
   */
  | { kind: 'files'; name?: string; files: { name: string; bytes: ArrayBuffer }[] };

export interface DatasetSummary {
  /** The value config.dataset takes for this source. */
  id: string;
  name: string;
  trainSize: number;
  testSize: number;
  numClasses: number;
  numSuperclasses: number;
  classNames: string[];
  /** Files of an image folder left out, with why (not an image, corrupt, …); empty otherwise. */
  skipped: { path: string; reason: string }[];
}

/** A run's id: a UUID the page makes (crypto.randomUUID) when it asks for the run. */
export type RunId = string;

/** A dataset as a run names it: its id (config.dataset's grammar, src/data/datasetId.ts) and the name shown. */
export interface DatasetRef {
  id: string;
  name: string;
}

/** One step of a run's loss series. */
export interface RunPoint {
  step: number;
  loss: number;
  predLoss: number;
  klLoss: number;
  groupPenalty: number;
  /** The gradient's global norm (absent in records saved before it was kept, and in imported runs without it). */
  gradNorm?: number;
}

/** Where a run trained outside the page came from (src/store/import/rules.ts). */
export interface ImportedFrom {
  /** "pytorch" (interop/pytorch/train.py's `run` metadata) or "command line" (npm run train, which writes none). */
  source: string;
  /** The trainer's own id of the run (train.py's). */
  runId?: string;
  torch?: string;
  device?: string;
  processes?: number;
  /** The dataset it trained on, as its config names it (train.py: the archive's path). */
  dataset: string;
  /** The files it was imported from. */
  files: string[];
  importedAt: number;
}


/**
 * A run, the one record of it: who it is (id, name, settings, data), where and how far it trained,
 * and what was measured. The Runs table keeps it whole (src/store/runs/db.ts); everything else that
 * speaks of a run keeps a projection of it: RunInfo (the worker's run, to the page), SavedRunInfo
 * (a checkpoint), ResumedRun (a checkpoint continued).
 */
export interface RunRecord {
  runId: RunId;
  name: string;
  createdAt: number;
  updatedAt: number;
  config: LabConfig;
  dataset: DatasetRef;
  /** The backend it trained on (null: not known, or trained outside the page). */
  backend: string | null;
  /** The SparseJEPA run this is the JEPA twin of. */
  twinOf?: string;
  state: RunState | 'none';
  /** Last step trained. */
  step: number;
  lastLoss: number | null;
  /** Loss series: every step while short, then every `stride`-th step (the first and last kept). */
  series: RunPoint[];
  stride: number;
  probes: ProbeReport[];
  /** A run trained outside the page and imported: its weights open to look at, never to train. */
  imported?: ImportedFrom;
  /** Probes on other datasets than the run's (transfer probes), by probe dataset id, in step order. */
  transferProbes?: Record<string, TransferProbeReport[]>;
}

/** The run open in the worker, as the page knows it: the record's identity and the model's size. */
export interface RunInfo extends Pick<RunRecord, 'runId' | 'config'> {
  dims: ModelDims;
  paramCount: number;
  trainSize: number;
  testSize: number;
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

/** What the latent-sharing views ask for: an image of the train split, and an image of the last batch. */
export interface SharingRequest {
  /** Index into the run's train split (its subset). */
  imageIndex: number;
  /** Which image of the last step's batch to show the masks of (0-based). */
  batchItem: number;
}

/** The last step's masks on one image of its batch. */
export interface BatchMaskSample {
  step: number;
  batchItem: number;
  batchSize: number;
  imageIndex: number;
  label: string;
  /** 32×32 RGB bytes, row-major, interleaved (before the batch's flip/crop). */
  rgb: Uint8Array;
  /** Context patch positions (targets removed), as the model saw them. */
  context: number[];
  /** One row of patch positions per target block. */
  targets: number[][];
}

/** One image seen through the model, for the latent-sharing views. */
export interface SharingSample {
  runId: RunId;
  step: number;
  mode: LabConfig['mode'];
  imageIndex: number;
  trainSize: number;
  label: string;
  /** 32×32 RGB bytes, row-major, interleaved. */
  rgb: Uint8Array;
  grid: number;
  patchSize: number;
  grouping: LabConfig['grouping'];
  /** g(p) for each patch p, row-major over the grid. */
  groupOfPatch: Int32Array;
  G: number;
  K: number;
  /** μ_p for every patch, row-major N×K (sparse mode; null for JEPA). */
  mu: Float32Array | null;
  /** ‖W^(g)_{·,k}‖₂ at the same moment as μ, row-major G×K (sparse mode; null for JEPA). */
  norms: Float32Array | null;
  /** Null before the first step. */
  masks: BatchMaskSample | null;
}

/** What MAE's reconstruction view asks for: an image of the train split. */
export interface ReconstructionRequest {
  imageIndex: number;
}

/** MAE's reconstruction of one train image (its masks drawn from a seed of its own). */
export interface ReconstructionSample {
  runId: RunId;
  step: number;
  imageIndex: number;
  trainSize: number;
  label: string;
  grid: number;
  patchSize: number;
  /** The targets were per-patch normalised pixels (the decoded ones are shown with each true patch's mean and variance). */
  normPix: boolean;
  /** 32×32 RGB bytes, row-major, interleaved: the image; the context the encoder saw (the rest grey); the context with the decoded target patches pasted in (the rest grey). */
  input: Uint8Array;
  context: Uint8Array;
  reconstruction: Uint8Array;
  contextPatches: number[];
  /** One row of patch positions per target block. */
  targets: number[][];
  /** Mean squared error of the decoded target pixels, per value, in the model's per-channel normalised pixel space. */
  targetMse: number;
}

/** What the Latents view asks for: each latent's top test patches (engine/latentPatches.ts). */
export interface LatentsRequest {
  /** Top patches per latent. */
  topN: number;
  /** The first `images` images of the run's test split. */
  images: number;
}

/** What each latent (JEPA / MAE: each most-varying encoder dimension) responds to, at the run's step. */
export interface LatentsSample {
  runId: RunId;
  step: number;
  result: LatentPatches;
  /** Side in pixels of each crop: the patch with one patch of its surroundings. */
  cropSide: number;
  /** Every top patch's crop, interleaved RGB, side × side: unit i's j-th at (i · topN + j) · side² · 3. */
  crops: Uint8Array;
  /** The class of each top patch's image, in the same order as the crops. */
  labels: string[];
  /** g(p) for each patch p, row-major over the grid. */
  groupOfPatch: Int32Array;
}

/** What the projector asks for: the run's test split embedded (worker/embeddingSample.ts). */
export interface EmbeddingRequest {
  /** Test images, spread evenly over the split (at most its size). */
  images: number;
  /** Nearest neighbours per image to list (at least UMAP's 14 are computed). */
  neighbours: number;
}

/** The run's test split through its probed encoder at one step, with PCA and cosine neighbours. */
export interface EmbeddingSample {
  runId: RunId;
  step: number;
  mode: LabConfig['mode'];
  seed: number;
  /** The test split's name. */
  dataset: string;
  n: number;
  /** The encoder's width D. */
  dim: number;
  /** Each point's index in the run's test split. */
  testIndices: Int32Array;
  /** [n, D] mean-pooled patch outputs of the probed encoder (the linear probe's features). */
  features: Float32Array;
  labels: Int32Array;
  classNames: string[];
  /** [n, 2] coordinates on the first two principal components. */
  pca: Float32Array;
  /** Share of the variance on each of the two components. */
  explained: number[];
  /** Each point's most cosine-similar other points, most similar first. */
  neighbours: { k: number; index: Int32Array; similarity: Float32Array };
  /** [n, 32, 32, 3] the images, interleaved RGB. */
  rgb: Uint8Array;
}

/** What UMAP lays out (worker/umapRunner.ts): a sample's features and neighbours. */
export interface UmapInput {
  features: Float32Array;
  n: number;
  dim: number;
  seed: number;
  neighbours: { k: number; index: Int32Array; similarity: Float32Array };
}

/** Representation health of a run at one step (Trainer.representationHealth over its fixed batch, every patch token a row). */
export interface HealthPoint {
  step: number;
  /** The encoder whose outputs are the targets (the EMA target encoder; the context encoder when there is none). */
  target: HealthStats;
  /** The context encoder, when it is another encoder than the target one (an EMA target). */
  context?: HealthStats;
  /** The groups' (and SparseJEPA's latents') multi-information, nats (Trainer.totalCorrelation; MAE: absent). */
  totalCorrelation?: GroupInformation;
}

/** representationHealth's numbers without its singular values. */
export type HealthStats = Omit<RepresentationHealth, 'singularValues'>;

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
  /** Opened as an imported run (`inspect`): the G×K norms of its W at its step (sparse mode). */
  norms?: NormsMatrix;
}

/**
 * A run trained outside the page (interop/pytorch/train.py, `npm run train`), opened to look at:
 * the trainer stands at the run's `step` with its weights (Evaluate and the sharing views report
 * that step), never trains and never saves a checkpoint. `trainSize`: the training images the run
 * saw per epoch (from its metrics), checked against the loaded data before anything is replaced.
 */
export interface ImportedRunView {
  step: number;
  trainSize?: number;
}

/** What checkRunWeights read from a run's weights file (everything checked). */
export interface RunWeightsInfo {
  config: LabConfig;
  dims: ModelDims;
  step: number;
  /** The `run` metadata entry (train.py's: id, name, source, torch, device, processes, dataset), as JSON; absent in the lab's own files. */
  run?: string;
  tensorCount: number;
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

/**
 * The G×K norms as metrics carry them (rows per group) packed row-major; null when there are none.
 * The protocol's one runtime value, left here while src/store/import/commands.ts, src/worker/run.ts
 * and src/worker/importedRun.ts import it from this file.
 */
export function normsMatrix(step: number, rows: number[][] | undefined): NormsMatrix | null {
  if (!rows?.length) return null;
  const G = rows.length;
  const K = rows[0].length;
  const data = new Float32Array(G * K);
  rows.forEach((row, g) => data.set(row, g * K));
  return { step, G, K, data };
}

export type RunState = 'ready' | 'running' | 'paused' | 'done' | 'error';

export type WorkerEvent =
  | { type: 'metrics'; runId: RunId; metrics: StepScalars; norms?: NormsMatrix; memory: MemoryInfo }
  | { type: 'state'; runId: RunId; state: RunState; step: number; message?: string }
  /** λ/β/lr changed; they apply from step `atStep` (1-based) on. */
  | { type: 'hyper'; runId: RunId; atStep: number; hyper: LiveHyper }
  | { type: 'memory'; memory: MemoryInfo }
  /** An image folder is decoding: `done` of `total` images read, `skipped` of them left out. */
  | { type: 'dataset-progress'; done: number; total: number; skipped: number }
  /** The linear probe is running: `done` in [0, 1] over both encoders (trained, then random init). */
  | { type: 'probe-progress'; runId: RunId; step: number; done: number; phase: ProbePhase }
  | ({ type: 'probe' } & ProbeReport)
  /** A transfer probe (probeOn) is running on dataset `probeDataset`: `done` in [0, 1] over both encoders. */
  | { type: 'transfer-progress'; runId: RunId; step: number; probeDataset: string; done: number; phase: ProbePhase }
  | ({ type: 'transfer-probe' } & TransferProbeReport)
  | { type: 'probe-error'; runId: RunId; step: number; message: string }
  /** Representation health at `point.step` (every healthEvery steps, between steps). */
  | { type: 'health'; runId: RunId; point: HealthPoint }
  | { type: 'health-error'; runId: RunId; step: number; message: string }
  /** The deep linear pair `demoId` so far (`done`: both objectives finished), or why it stopped. */
  | { type: 'umap-progress'; layoutId: number; epoch: number; epochs: number; coords: Float32Array }
  | { type: 'umap-error'; layoutId: number; message: string }
  | { type: 'bias-demo'; demoId: number; result: BiasDemoResult; done: boolean; ms: number }
  | { type: 'bias-demo-error'; demoId: number; message: string; field?: keyof DeepLinearSettings }
  /**
   * A checkpoint of the run was written to this browser's storage (IndexedDB), or could not be
   * (`error`). `saved`: its description as stored. `off`: the run saves no more checkpoints until
   * asked to try again (a full disk, storage refused); `lastGood` is the newest one stored, untouched.
   */
  | { type: 'checkpoint'; runId: RunId; step: number; savedAt?: number; saved?: SavedRunInfo; error?: string; off?: boolean; lastGood?: { step: number; savedAt: number } | null }
  /** Checkpoints of other runs were deleted to keep the storage budget (oldest first). */
  | { type: 'evicted'; evicted: SavedRunInfo[]; budgetBytes: number; usedBytes: number }
  /** The run went back to its checkpoint at `step` (a non-finite loss or gradient, or a lost GPU device). */
  | { type: 'rollback'; runId: RunId; step: number; reason: RollbackReason; message: string; hyper: LiveHyper; backend?: BackendInfo };

export type RollbackReason = 'diverged' | 'device-lost';

/** A λ/β/lr change: the values that apply from step `atStep` (1-based) on. */
export interface HyperChange {
  atStep: number;
  hyper: LiveHyper;
}

/** A run's metrics so far (what the charts show), saved with its checkpoint. */
export interface RunHistoryData {
  metrics: StepScalars[];
  norms: NormsMatrix[];
  hyper: HyperChange[];
  /** Representation health so far (absent in checkpoints saved before it was kept). */
  health?: HealthPoint[];
}

/** A run's checkpoint saved in this browser (IndexedDB), without its bytes. */
export interface SavedRunInfo extends Pick<RunRecord, 'runId' | 'config' | 'dataset' | 'step'> {
  /** Size of the stored checkpoint (the storage budget counts these). */
  bytes: number;
  /** Date.now() when it was written. */
  savedAt: number;
}

/** A saved run, continued: the trainer stands at `step`, paused, with the metrics it had then. */
export interface ResumedRun extends Pick<SavedRunInfo, 'step' | 'savedAt'> {
  run: RunInfo;
  hyper: LiveHyper;
  history: RunHistoryData;
}

/** Which encoder the probe is working on. */
export type ProbePhase = 'trained' | 'random-init';

/** Linear-probe accuracy of the target encoder at `step`, and of the same encoder at its random init (the floor). */
export interface ProbeReport extends ProbeWithFloor {
  runId: RunId;
  step: number;
  /** Which read-out (absent in records saved before the attentive probe: linear). */
  kind?: ProbeKind;
  ms: number;
  /** The floor came from the cache (same seed, architecture and data as an earlier probe). */
  floorCached: boolean;
}

/** A dataset by its id (the value config.dataset takes for it) and the name the page shows. */
export interface DatasetRef {
  id: string;
  name: string;
}

/** The probe of a run's encoder fitted and scored on another dataset: pretrained on A, probed on B (the paper's table I). */
export interface TransferProbeReport extends ProbeReport {
  pretrainDataset: DatasetRef;
  probeDataset: DatasetRef;
  /** Classes of the probe dataset: chance is 1 / numClasses. */
  numClasses: number;
  /** DINO's k-NN read-out of the same encoding of B, beside its floor on B (absent in records saved before it). */
  knn?: ProbeWithFloor;
}

/**
 * Page → worker on the same port: the page has published up to `step` and has nothing left to
 * draw. The worker gives the page a short slice of each step's time to get there before it
 * starts the next step, so a CPU-starved page (software GPU, few cores) stays responsive.
 */
export type PageEvent = { type: 'drawn'; runId: RunId; step: number };

/**
 * The numbers of a sweep row only the worker has (src/worker/sweep.ts): the prediction losses of
 * the run's last steps, the share of W's columns under the zero threshold now, the λ/β/lr log.
 */
export interface SweepNumbers {
  runId: RunId;
  step: number;
  /** predLoss of the last min(10, steps) steps, in step order. */
  predLosses: number[];
  /** Share of the G×K columns under config.zeroThreshold now (sparse mode), else null. */
  zeroShare: number | null;
  /** The groups' multi-information I(G_1; …; G_G) now, nats (Trainer.totalCorrelation; MAE: null). */
  totalCorrelation: number | null;
  /** λ/β/lr as logged by the run: changes and the values re-announced at each resume or rollback. */
  hyper: HyperChange[];
}

/** Every saved checkpoint's description, and the ones that could not be read (with why). */
export interface SavedRuns {
  runs: SavedRunInfo[];
  unreadable: { runId: string; reason: string }[];
}

export interface LabWorkerApi {
  /** Pick and initialise the backend; events arrive on `events` from now on. */
  init(request: BackendRequest, events: MessagePort): Promise<BackendInfo>;
  /** Load images; on failure the previous dataset stays loaded and the error says why. */
  loadDataset(source: DatasetSource): Promise<DatasetSummary>;
  /** A fresh run `runId` (new weights from the seed) for `config`; the run shown before is paused and saved. */
  reset(config: LabConfig, runId: RunId): Promise<RunInfo>;
  /** Train run `runId` until paused or config.steps is reached. Returns once the loop has started. */
  start(runId: RunId): Promise<void>;
  /** Stop after the step in flight and save a checkpoint. Resolves once the loop is idle. */
  pause(runId: RunId): Promise<void>;
  /** One step (when not running). */
  step(runId: RunId): Promise<void>;
  /** λ, β, lr for the next step on; returns the step they first apply to. */
  setHyper(runId: RunId, h: Partial<LiveHyper>): Promise<number>;
  /** Loss on one fixed batch on this backend and on the CPU backend, same weights. */
  crossCheck(runId: RunId, seed?: number): Promise<CrossCheckResult>;
  /** One train image with μ per patch, the norms and the grouping, plus the last batch's masks (between steps). */
  sharingSample(runId: RunId, request: SharingRequest): Promise<SharingSample>;
  exportSafetensors(runId: RunId): Promise<Uint8Array>;
  /** The probed encoder (the target encoder; MAE's context encoder) as ONNX: pixels → tokens, pooled (src/io/onnx). */
  exportOnnx(runId: RunId): Promise<Uint8Array>;
  exportTfjs(runId: RunId): Promise<{ modelJson: string; weightsBin: Uint8Array }>;
  /**
   * Read a .safetensors file; with `load`, start run `runId` from its weights when they fit: the
   * file's architecture, the other settings of `config` (the form's), step 0 (see WeightsSummary).
   */
  importSafetensors(bytes: ArrayBuffer, opts: { load: boolean; runId: RunId; config: LabConfig; inspect?: ImportedRunView }): Promise<WeightsSummary>;
  /**
   * A run's weights file, checked for import: the lab's weights format with a valid config and
   * step in its metadata, and exactly the tensors (names, shapes) of the model `config` describes
   * (default: the file's own config). Rejects with one line naming `fileName` and the problem.
   */
  checkRunWeights(bytes: ArrayBuffer, opts: { fileName: string; config?: LabConfig }): Promise<RunWeightsInfo>;
  memory(): Promise<MemoryInfo>;
  /** Probe of the target encoder between two steps (training state untouched; linear unless `kind` says attentive); also sent as a 'probe' event. */
  evaluate(runId: RunId, kind?: ProbeKind): Promise<ProbeReport>;
  /**
   * Load a dataset for probing only: kept beside the training data, which stays as it is, as do
   * the runs. The built-in datasets (the counting set, …) need no loading.
   */
  loadProbeDataset(source: DatasetSource): Promise<DatasetSummary>;
  /**
   * The linear probe of run `runId`'s target encoder fitted and scored on dataset `datasetId` (a
   * built-in id, or one loadProbeDataset loaded; whole, without the run's subset), beside the same
   * probe of the run's random-init encoder on it. Between two steps, the run untouched; also sent
   * as a 'transfer-probe' event.
   */
  probeOn(runId: RunId, datasetId: string): Promise<TransferProbeReport>;
  /** Probe every n steps while training (0 = only when asked); live. */
  setProbeEvery(runId: RunId, n: number): Promise<void>;
  /** Measure representation health every n steps (0 = never); live. */
  setHealthEvery(runId: RunId, n: number): Promise<void>;
  /** MAE: the decoder's reconstruction of one train image (between steps); null for other modes. */
  reconstruction(runId: RunId, request: ReconstructionRequest): Promise<ReconstructionSample | null>;
  /** Each latent's top test patches and the groups that read it, between steps (the Latents view). */
  latentsSample(runId: RunId, request: LatentsRequest): Promise<LatentsSample>;
  /** The projector's embedding of the run's test split at its current step, between steps. */
  embeddingSample(runId: RunId, request: EmbeddingRequest): Promise<EmbeddingSample>;
  /**
   * Lay out `input` with UMAP as layout `layoutId`: a few epochs per slice between the training
   * loop's steps, the layout so far sent as 'umap-progress' events; resolves with the final [n, 2].
   */
  layoutUmap(layoutId: number, input: UmapInput): Promise<Float32Array>;
  /** Stop layout `layoutId` (its promise rejects with 'stopped'). */
  stopUmap(layoutId: number): Promise<void>;
  /**
   * Train the deep linear MAE/JEPA pair (Littwin et al.) as demo `demoId`, replacing any demo
   * before it: small chunks between the training loop's steps, progress as 'bias-demo' events.
   * Returns the checked settings; bad settings are refused with the field named.
   */
  startBiasDemo(demoId: number, settings: Partial<DeepLinearSettings>): Promise<DeepLinearSettings>;
  /** Stop demo `demoId` (nothing when another has replaced it). */
  stopBiasDemo(demoId: number): Promise<void>;
  /** Every run saved in this browser's IndexedDB (not their bytes). */
  savedRuns(): Promise<SavedRuns>;
  /** Continue saved run `runId` (its dataset must be loaded): weights, optimiser, RNG streams, metrics so far. */
  resume(runId: RunId): Promise<ResumedRun>;
  /** Delete run `runId`'s checkpoint; if the run is open here it saves no more. */
  deleteSaved(runId: RunId): Promise<void>;
  /** Keep the checkpoints within `bytes` (oldest evicted first, never a run open in a tab); returns what was evicted. */
  setStorageBudget(bytes: number): Promise<SavedRunInfo[]>;
  /** Checkpoints were off for run `runId` (storage refused a write): try again now. */
  retryCheckpoints(runId: RunId): Promise<void>;
  /** The numbers of a sweep row only the worker has: last prediction losses, zero share and multi-information now, λ/β/lr log (src/worker/sweep.ts). */
  sweepNumbers(runId: RunId): Promise<SweepNumbers>;
}

export type { FixedBatchLoss, LabConfig, LiveHyper, Subset };
