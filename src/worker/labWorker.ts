// The training worker as an object: owns the dataset, the runs open here (run.ts, by the page's
// run id) and the worker's two queues, and answers the page's commands (LabWorkerApi), streaming
// each run's events on the port init() hands it. Everything that differs between the browser and
// a test comes in through LabWorkerEnv (as a Run's through RunEnv): trainWorker.ts builds the
// real one and exposes the LabWorker with Comlink; labWorker.test.ts drives it with fakes.
//
// Order: commands are carried out one at a time in the order they arrive (`commands`), so a Start
// sent after a Reset starts the run that Reset built, never the one before it; a command that
// cannot be carried out rejects with the reason, never is dropped. Tensor work of every kind
// (steps of the training loop, probes, samples, exports, builds) goes through a second queue
// (`tensors`), so it never interleaves; the loop is not a command, so Pause (a command) can wait
// for it to stop. A device-loss recovery holds the commands until it is done.
import { selectSubsetSplits, type LoadProgress } from '../data';
import { parseConfig, type LabConfig } from '../engine/config';
import type { DeepLinearSettings } from '../engine/deepLinear';
import type { ProbeKind } from '../engine/probeKind';
import * as tf from '../engine/tf';
import { Trainer } from '../engine/trainer';
import type { LiveHyper } from '../engine/types';
import { trainerEncoderOnnx } from '../io/onnx/encoderModel';
import { writeTfjsWeights } from '../io/tfjs-format';
import { BiasDemoRunner } from './biasDemo';
import { DEFAULT_BUDGET_BYTES, type CheckpointStore } from './checkpointStore';
import { crossCheck } from './crossCheck';
import { datasetSummary, type WorkerDataset } from './datasetSource';
import { recoverRuns } from './deviceLossRecovery';
import type { FloorCache } from './evaluate';
import { readRunWeights, trainerNorms } from './importedRun';
import type {
  BackendInfo,
  BackendRequest,
  CrossCheckResult,
  DatasetSource,
  DatasetSummary,
  ImportedRunView,
  LabWorkerApi,
  EmbeddingRequest,
  EmbeddingSample,
  LatentsRequest,
  LatentsSample,
  UmapInput,
  MemoryInfo,
  PageEvent,
  ProbeReport,
  ReconstructionRequest,
  ReconstructionSample,
  ResumedRun,
  RunId,
  RunInfo,
  RunWeightsInfo,
  SavedRunInfo,
  SavedRuns,
  SharingRequest,
  SharingSample,
  SweepNumbers,
  TransferProbeReport,
  WeightsSummary,
  WorkerEvent,
} from './protocol';
import { latentsTransferables } from './latentsSample';
import { embeddingTransferables } from './embeddingSample';
import { UmapRunner } from './umapRunner';
import { reconstructionTransferables } from './reconstruction';
import { Run, RunRefused, type RunEnv } from './run';
import { readSavedRun } from './runKeeper';
import { sampleTransferables } from './sharingSample';
import { sweepNumbers } from './sweep';
import { ProbeSets, transferProbe } from './transferProbe';
import { fillWithWeights, importedConfig, weightsSummary } from './weightImport';
import { WorkQueue } from './workQueue';

/** The WebGPU device of the backend in use (deviceLoss.ts in the worker; nothing happens off WebGPU). */
export interface DeviceWatch {
  /** Call `onLost` once when the device now in use is lost. */
  watch(onLost: (info: GPUDeviceLostInfo) => void): void;
  /** Whether the device now in use is lost, or is lost within `ms`. */
  lostWithin(ms: number): Promise<boolean>;
  /** Drop the dead WebGPU backend, so the next selection builds one on a new device. */
  forget(): void;
}

/** What the worker needs from the world around it (the browser's in trainWorker.ts; fakes in tests). */
export interface LabWorkerEnv {
  /** Pick and initialise a tfjs backend, saying why each one before it was passed over. */
  selectBackend(request: BackendRequest): Promise<BackendInfo>;
  device: DeviceWatch;
  /** Where checkpoints are kept (IndexedDB; fake-indexeddb in tests). */
  store: CheckpointStore;
  /** Read a dataset source, reporting an image folder's progress. */
  loadSource(source: DatasetSource, onProgress: (p: LoadProgress) => void): Promise<WorkerDataset>;
  /** Ids of the runs some tab holds the Web Lock of (runLocks.ts). */
  lockedRuns(): Promise<Set<RunId>>;
  /** Let queued commands land between two steps (a macrotask). */
  yieldToEvents(): Promise<void>;
  /** A reply whose `transferables` move to the page instead of being copied (Comlink.transfer). */
  transfer<T>(value: T, transferables: Transferable[]): T;
  /** Probe settings (tests ask for fewer epochs); the probes' defaults otherwise. */
  probeOptions?: RunEnv['probeOptions'];
}

/** How long a failed step waits for the device to be reported lost before it counts as a plain error. */
const DEVICE_LOST_WAIT_MS = 5000;

function tfMemory(): MemoryInfo {
  const m = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number };
  return { numTensors: m.numTensors, numBytes: m.numBytes, numBytesInGPU: m.numBytesInGPU };
}

export class LabWorker implements LabWorkerApi {
  private port: MessagePort | null = null;
  private backend: BackendInfo | null = null;
  /** The training data (the runs' subsets are drawn from it). */
  private raw: WorkerDataset | null = null;
  /** The runs open in this worker, by id (today the page keeps one open: the one it shows). */
  private readonly runs = new Map<RunId, Run>();
  private readonly floors: FloorCache = new Map();
  /** Datasets loaded for probing only (transfer probes), apart from `raw`. */
  private readonly probeSets = new ProbeSets();
  private budgetBytes = DEFAULT_BUDGET_BYTES;
  private readonly commands = new WorkQueue();
  private readonly tensors = new WorkQueue();
  /** A device-loss recovery in progress: commands wait for it. */
  private recovering: Promise<void> | null = null;
  /** What each run needs from this worker. */
  private readonly runEnv: RunEnv;
  /** The implicit-bias demo: plain JS between the loop's steps, resting while a run trains (biasDemo.ts). */
  private readonly biasDemo: BiasDemoRunner;
  /** The projector's UMAP layouts: plain JS in slices between the loop's steps (umapRunner.ts). */
  private readonly umap: UmapRunner;

  constructor(private readonly env: LabWorkerEnv) {
    const emit = (e: WorkerEvent, transfer?: Transferable[]) => this.emit(e, transfer);
    this.runEnv = {
      emit,
      exclusive: (fn) => this.tensors.run(fn),
      store: env.store,
      floors: this.floors,
      budget: async () => ({ bytes: this.budgetBytes, protect: await this.protectedRuns() }),
      memory: tfMemory,
      deviceLost: () => env.device.lostWithin(DEVICE_LOST_WAIT_MS),
      yieldToEvents: () => env.yieldToEvents(),
      probeOptions: env.probeOptions,
    };
    const sliceHost = { emit, training: () => [...this.runs.values()].some((r) => r.running), yieldToEvents: () => env.yieldToEvents() };
    this.biasDemo = new BiasDemoRunner(sliceHost);
    this.umap = new UmapRunner(sliceHost);
  }

  private emit(e: WorkerEvent, transfer: Transferable[] = []): void {
    this.port?.postMessage(e, transfer);
  }

  /** Runs that must keep their checkpoints: the ones open here and the ones some tab holds the lock of. */
  private async protectedRuns(): Promise<Set<RunId>> {
    const held = await this.env.lockedRuns().catch(() => new Set<RunId>());
    for (const id of this.runs.keys()) held.add(id);
    return held;
  }

  /** A command: after the ones before it (and any recovery in progress). */
  private command<T>(fn: () => Promise<T> | T): Promise<T> {
    return this.commands.run(async () => {
      if (this.recovering) await this.recovering;
      return fn();
    });
  }

  private need(runId: RunId): Run {
    const run = this.runs.get(runId);
    if (run) return run;
    const open = [...this.runs.keys()];
    throw new RunRefused(`run ${runId.slice(0, 8)} is not open in the worker (${open.length ? `open: ${open.map((id) => id.slice(0, 8)).join(', ')}` : 'no run is open'}); it was replaced or closed`);
  }

  /** A trainer for `config` on the loaded dataset (which must be the one it names). */
  private buildTrainer(config: LabConfig): Trainer {
    const raw = this.raw;
    if (!raw) throw new Error('no dataset loaded');
    if (config.dataset !== raw.id) throw new Error(`dataset "${config.dataset}" is not loaded (loaded: "${raw.id}")`);
    const data = selectSubsetSplits(raw.splits, config.subset, config.seed);
    return Trainer.create(config, data);
  }

  private loadedDataset(): { id: string; name: string } {
    return { id: this.raw!.id, name: this.raw!.name };
  }

  /** Close the runs open here (each is paused and saved when it trained) before another takes their place. */
  private async closeRuns(): Promise<void> {
    for (const [id, run] of this.runs) {
      await run.close();
      this.runs.delete(id);
    }
  }

  /** `run` is the run open here from now on. */
  private open(run: Run, state: 'ready' | 'paused' | 'done'): void {
    this.runs.set(run.id, run);
    run.emitState(state);
    this.emit({ type: 'memory', memory: tfMemory() });
  }

  /** Watch the device now in use; when it is lost, recover the runs (deviceLossRecovery.ts) while commands wait. */
  private watchDevice(): void {
    this.env.device.watch((info) => void this.recoverFromDeviceLoss(info));
  }

  private recoverFromDeviceLoss(lost: GPUDeviceLostInfo): Promise<void> {
    const recovery = recoverRuns(lost, {
      runs: this.runs,
      tensors: this.tensors,
      reselectBackend: async () => {
        this.env.device.forget();
        this.backend = await this.env.selectBackend(this.backend?.requested ?? 'auto');
        this.watchDevice();
        return this.backend;
      },
      emit: (e) => this.emit(e),
      memory: tfMemory,
    });
    this.recovering = recovery.finally(() => {
      if (this.recovering === recovery) this.recovering = null;
    });
    return recovery;
  }

  async init(request: BackendRequest, events: MessagePort): Promise<BackendInfo> {
    this.port = events;
    events.onmessage = (m: MessageEvent<PageEvent>) => {
      if (m.data.type === 'drawn') this.runs.get(m.data.runId)?.drawn(m.data.step);
    };
    this.backend = await this.env.selectBackend(request);
    this.watchDevice();
    return this.backend;
  }

  loadDataset(source: DatasetSource): Promise<DatasetSummary> {
    // While a run trains, it goes on (between two of its steps the data is swapped in; the run keeps its own subset).
    return this.command(() =>
      this.tensors.run(async () => {
        this.raw = await this.env.loadSource(source, (p) => this.emit({ type: 'dataset-progress', ...p }));
        return datasetSummary(this.raw);
      }),
    );
  }

  reset(config: LabConfig, runId: RunId): Promise<RunInfo> {
    return this.command(async () => {
      if (this.runs.has(runId)) throw new RunRefused(`run ${runId} is already open`);
      // Build the new trainer before closing the old run, so a bad config keeps the old run.
      const t = await this.tensors.run(() => this.buildTrainer(parseConfig(config)));
      await this.closeRuns();
      const run = Run.create(runId, t, this.loadedDataset(), this.runEnv);
      this.open(run, 'ready');
      return run.info();
    });
  }

  start(runId: RunId): Promise<void> {
    return this.command(() => this.need(runId).start());
  }

  pause(runId: RunId): Promise<void> {
    return this.command(() => this.need(runId).pause());
  }

  step(runId: RunId): Promise<void> {
    return this.command(() => this.need(runId).stepOnce());
  }

  setHyper(runId: RunId, h: Partial<LiveHyper>): Promise<number> {
    return this.command(() => this.need(runId).setHyper(h));
  }

  crossCheck(runId: RunId, seed = 0): Promise<CrossCheckResult> {
    return this.command(() => this.tensors.run(() => crossCheck(this.need(runId).trainer, seed, this.backend!.backend)));
  }

  sharingSample(runId: RunId, request: SharingRequest): Promise<SharingSample> {
    // Between steps, never during one: the views read a settled model.
    return this.command(async () => {
      const s = await this.need(runId).sharingSample(request);
      return this.env.transfer(s, sampleTransferables(s));
    });
  }

  exportSafetensors(runId: RunId): Promise<Uint8Array> {
    return this.command(() =>
      this.tensors.run(async () => {
        const bytes = await this.need(runId).trainer.exportSafetensors();
        return this.env.transfer(bytes, [bytes.buffer as ArrayBuffer]);
      }),
    );
  }

  exportOnnx(runId: RunId): Promise<Uint8Array> {
    return this.command(() =>
      this.tensors.run(async () => {
        const bytes = await trainerEncoderOnnx(this.need(runId).trainer);
        return this.env.transfer(bytes, [bytes.buffer as ArrayBuffer]);
      }),
    );
  }

  exportTfjs(runId: RunId): Promise<{ modelJson: string; weightsBin: Uint8Array }> {
    return this.command(() =>
      this.tensors.run(async () => {
        const t = this.need(runId).trainer;
        const { modelJson, weightsBin } = writeTfjsWeights(await t.namedTensors(), { metadata: t.metadata() });
        return this.env.transfer({ modelJson: JSON.stringify(modelJson, null, 1), weightsBin }, [weightsBin.buffer as ArrayBuffer]);
      }),
    );
  }

  async importSafetensors(buffer: ArrayBuffer, opts: { load: boolean; runId: RunId; config: LabConfig; inspect?: ImportedRunView }): Promise<WeightsSummary> {
    const bytes = new Uint8Array(buffer);
    const out = weightsSummary(bytes); // throws SafetensorsError with the reason
    if (!opts.load) return out;
    return this.command(async () => {
      // Built and filled between steps, without stopping a run: weights that do not fit leave it as it was.
      const config = importedConfig(out, opts.config);
      const filled = await this.tensors.run(() => fillWithWeights(this.buildTrainer(config), bytes, opts.inspect));
      if (!(filled instanceof Trainer)) {
        out.error = filled.error;
        return out;
      }
      await this.closeRuns();
      // An imported run is open to look at: it never trains and no checkpoint of it is ever written.
      const run = Run.create(opts.runId, filled, this.loadedDataset(), this.runEnv, { inspectOnly: Boolean(opts.inspect) });
      if (run.inspectOnly) {
        const norms = await this.tensors.run(() => trainerNorms(filled));
        if (norms) out.norms = norms;
      }
      this.open(run, run.inspectOnly ? (run.done ? 'done' : 'paused') : 'ready');
      out.run = run.info();
      out.loaded = true;
      return out;
    });
  }

  checkRunWeights(buffer: ArrayBuffer, opts: { fileName: string; config?: LabConfig }): Promise<RunWeightsInfo> {
    // Builds (and frees) the model the config describes to list its tensors: tensor work, in its queue.
    return this.command(() => this.tensors.run(() => readRunWeights(new Uint8Array(buffer), opts.fileName, opts.config && parseConfig(opts.config))));
  }

  async memory(): Promise<MemoryInfo> {
    return tfMemory();
  }

  evaluate(runId: RunId, kind?: ProbeKind): Promise<ProbeReport> {
    return this.command(() => this.need(runId).evaluate(kind));
  }

  setHealthEvery(runId: RunId, n: number): Promise<void> {
    return this.command(() => this.need(runId).setHealthEvery(n));
  }

  reconstruction(runId: RunId, request: ReconstructionRequest): Promise<ReconstructionSample | null> {
    // Between steps, like the sharing views' samples.
    return this.command(async () => {
      const s = await this.need(runId).reconstruction(request);
      return s ? this.env.transfer(s, reconstructionTransferables(s)) : null;
    });
  }

  latentsSample(runId: RunId, request: LatentsRequest): Promise<LatentsSample> {
    // Between steps, like the sharing views' samples: one request, answered in the command queue.
    return this.command(async () => {
      const s = await this.need(runId).latentsSample(request);
      return this.env.transfer(s, latentsTransferables(s));
    });
  }

  embeddingSample(runId: RunId, request: EmbeddingRequest): Promise<EmbeddingSample> {
    // Between steps, like the latents: one request, answered in the command queue.
    return this.command(async () => {
      const s = await this.need(runId).embeddingSample(request);
      return this.env.transfer(s, embeddingTransferables(s));
    });
  }

  // Not queued behind the runs' commands: UMAP touches no run and no tensor.
  async layoutUmap(layoutId: number, input: UmapInput): Promise<Float32Array> {
    const coords = await this.umap.layout(layoutId, input);
    return this.env.transfer(coords, [coords.buffer]);
  }

  async stopUmap(layoutId: number): Promise<void> {
    this.umap.stop(layoutId);
  }

  // Not queued behind the runs' commands: the demo touches no run and no tensor. A newer demo replaces an older one.
  async startBiasDemo(demoId: number, settings: Partial<DeepLinearSettings>): Promise<DeepLinearSettings> {
    return this.biasDemo.start(demoId, settings);
  }

  async stopBiasDemo(demoId: number): Promise<void> {
    this.biasDemo.stop(demoId);
  }

  loadProbeDataset(source: DatasetSource): Promise<DatasetSummary> {
    // The training data (raw) and the runs are left alone; a failed load leaves the probe sets as they were.
    return this.command(() =>
      this.tensors.run(async () => {
        const d = await this.env.loadSource(source, (p) => this.emit({ type: 'dataset-progress', ...p }));
        this.probeSets.add({ id: d.id, name: d.name }, d.splits);
        return datasetSummary(d);
      }),
    );
  }

  probeOn(runId: RunId, datasetId: string): Promise<TransferProbeReport> {
    return this.command(() => {
      const run = this.need(runId);
      const env = { emit: (e: WorkerEvent) => this.emit(e), floors: this.floors, probeOptions: this.env.probeOptions };
      return this.tensors.run(() => transferProbe(run.trainer, run.id, run.dataset, this.probeSets.get(datasetId), env));
    });
  }

  setProbeEvery(runId: RunId, n: number): Promise<void> {
    return this.command(() => this.need(runId).setProbeEvery(n));
  }

  savedRuns(): Promise<SavedRuns> {
    return this.env.store.list();
  }

  resume(runId: RunId): Promise<ResumedRun> {
    return this.command(async () => {
      if (this.runs.has(runId)) throw new RunRefused('this run is already open here');
      const saved = await readSavedRun(this.env.store, runId);
      if (!saved) throw new RunRefused(`no checkpoint of this run is saved in this browser (run ${runId.slice(0, 8)})`);
      const { info, state, history, lastBatch } = saved;
      if (!this.raw || this.raw.id !== info.dataset.id) throw new RunRefused(`the saved run trained on ${info.dataset.name}: load it first (loaded: ${this.raw?.name ?? 'nothing'})`);
      const run = await this.tensors.run(async () => {
        const t = this.buildTrainer(state.config);
        try {
          return await Run.restore(runId, t, { state, history, savedAt: info.savedAt, lastBatch }, this.loadedDataset(), this.runEnv);
        } catch (e) {
          t.dispose();
          throw e;
        }
      });
      await this.closeRuns();
      this.open(run, 'paused');
      return { run: run.info(), step: state.step, savedAt: info.savedAt, hyper: run.trainer.hyper(), history: run.history.upTo(state.step) };
    });
  }

  deleteSaved(runId: RunId): Promise<void> {
    return this.command(async () => {
      this.runs.get(runId)?.forget();
      await this.env.store.delete(runId);
    });
  }

  setStorageBudget(bytes: number): Promise<SavedRunInfo[]> {
    return this.command(async () => {
      if (!Number.isFinite(bytes) || bytes < 0) throw new RangeError(`the storage budget must be a number of bytes ≥ 0, got ${bytes}`);
      this.budgetBytes = bytes;
      const { evicted, usedBytes } = await this.env.store.enforceBudget(bytes, await this.protectedRuns());
      if (evicted.length) this.emit({ type: 'evicted', evicted, budgetBytes: bytes, usedBytes });
      return evicted;
    });
  }

  retryCheckpoints(runId: RunId): Promise<void> {
    return this.command(() => this.need(runId).retryCheckpoints());
  }

  sweepNumbers(runId: RunId): Promise<SweepNumbers> {
    return this.command(() => this.tensors.run(() => sweepNumbers(this.need(runId))));
  }
}
