// The training worker: owns tfjs, the dataset and the runs open here (src/worker/run.ts, by the
// page's run id); answers commands (LabWorkerApi) through Comlink and streams each run's events
// to the page on a MessagePort.
//
// Order: commands are carried out one at a time in the order they arrive (`commands`), so a Start
// sent after a Reset starts the run that Reset built, never the one before it; a command that
// cannot be carried out rejects with the reason. Tensor work of every kind (steps of the training
// loop, probes, samples, exports, builds) goes through a second queue (`tensors`), so it never
// interleaves; the loop is not a command, so Pause (a command) can wait for it to stop.
import * as Comlink from 'comlink';
// The host registers tfjs's gradients once (the engine does not); the ES build works in a bundle.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
// And the chained ops (x.toFloat(), …), as the tfjs package registers them for Node: engine code runs the same in both.
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import * as tf from '../engine/tf';
import {
  browserImageDecoder,
  builtInDataset,
  loadCifarArchive,
  loadDatasetArchive,
  loadDatasetEntries,
  selectSubsetSplits,
  syntheticDataset,
  type DatasetLoadOptions,
  type DatasetSplits,
  type SkippedFile,
} from '../data';
import { parseConfig, parseSavedConfig, withArchitecture, type LabConfig } from '../engine/config';
import { Trainer } from '../engine/trainer';
import type { LiveHyper } from '../engine/types';
import { readSafetensors } from '../io/safetensors';
import { writeTfjsWeights } from '../io/tfjs-format';
import { selectBackend } from './backend';
import { CheckpointStore, DEFAULT_BUDGET_BYTES } from './checkpointStore';
import { destroyDevice, deviceLostWithin, forgetWebGpuBackend, watchDeviceLoss } from './deviceLoss';
import type { FloorCache } from './evaluate';
import { IMPORTED_RUN_REFUSAL, readRunWeights, standAt, trainerNorms } from './importedRun';
import type {
  BackendInfo,
  BackendRequest,
  CrossCheckResult,
  DatasetSource,
  DatasetSummary,
  ImportedRunView,
  LabWorkerApi,
  MemoryInfo,
  PageEvent,
  ProbeReport,
  ResumedRun,
  RunId,
  RunInfo,
  RunWeightsInfo,
  SavedRunInfo,
  SavedRuns,
  SharingRequest,
  SharingSample,
  TransferProbeReport,
  WeightsSummary,
  WorkerEvent,
} from './protocol';
import { Run, RunRefused, type RunEnv } from './run';
import { readSavedRun } from './runKeeper';
import { lockedRunIds } from './runLocks';
import { sampleTransferables } from './sharingSample';
import { sweepNumbers, type SweepNumbers } from './sweep';
import { ProbeSets, transferProbe } from './transferProbe';
import { BiasDemoRunner } from './biasDemo';
import type { DeepLinearSettings } from '../engine/deepLinear';
import type { ProbeKind } from '../engine/probeKind';
import type { ReconstructionRequest, ReconstructionSample } from './protocol';
import { reconstructionTransferables } from './reconstruction';

interface LoadedDataset {
  id: string;
  name: string;
  splits: DatasetSplits;
  /** Files of an image folder that were left out, with the reason. */
  skipped?: SkippedFile[];
}

/** Work run one at a time, in the order asked for. */
class WorkQueue {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T> | T): Promise<T> {
    const r = this.tail.then(fn);
    this.tail = r.catch(() => undefined);
    return r;
  }
  /** Forget work that will never finish (a step hung on a lost device). */
  reset(): void {
    this.tail = Promise.resolve();
  }
}

let port: MessagePort | null = null;
let backend: BackendInfo | null = null;
let raw: LoadedDataset | null = null;
/** The runs open in this worker, by id (today the page keeps one open: the one it shows). */
const runs = new Map<RunId, Run>();
/** Imported runs opened to look at (importSafetensors with `inspect`): Start and Step are refused. */
const inspectOnly = new Set<RunId>();
const store = new CheckpointStore();
const floors: FloorCache = new Map();
/** Datasets loaded for probing only (transfer probes), apart from `raw`. */
const probeSets = new ProbeSets();
let budgetBytes = DEFAULT_BUDGET_BYTES;
const commands = new WorkQueue();
const tensors = new WorkQueue();
/** A device-loss recovery in progress: commands wait for it. */
let recovering: Promise<void> | null = null;

function emit(e: WorkerEvent, transfer: Transferable[] = []): void {
  port?.postMessage(e, transfer);
}

/** Yield to the event loop (a macrotask, without setTimeout's clamping) so commands land. */
const channel = new MessageChannel();
const waiters: (() => void)[] = [];
channel.port1.onmessage = () => waiters.shift()?.();
function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => {
    waiters.push(resolve);
    channel.port2.postMessage(0);
  });
}

function memory(): MemoryInfo {
  const m = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number };
  return { numTensors: m.numTensors, numBytes: m.numBytes, numBytesInGPU: m.numBytesInGPU };
}

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Runs that must keep their checkpoints: the ones open here and the ones some tab holds the lock of. */
async function protectedRuns(): Promise<Set<RunId>> {
  const held = await lockedRunIds().catch(() => new Set<RunId>());
  for (const id of runs.keys()) held.add(id);
  return held;
}

const env: RunEnv = {
  emit,
  exclusive: (fn) => tensors.run(fn),
  store,
  floors,
  budget: async () => ({ bytes: budgetBytes, protect: await protectedRuns() }),
  memory,
  deviceLost: () => deviceLostWithin(5000),
  yieldToEvents,
};

/** The implicit-bias demo: plain JS between the loop's steps, resting while a run trains (biasDemo.ts). */
const biasDemo = new BiasDemoRunner({ emit, training: () => [...runs.values()].some((r) => r.running), yieldToEvents });

/** A command: after the ones before it (and any recovery in progress). */
function command<T>(fn: () => Promise<T> | T): Promise<T> {
  return commands.run(async () => {
    if (recovering) await recovering;
    return fn();
  });
}

function need(runId: RunId): Run {
  const run = runs.get(runId);
  if (run) return run;
  const open = [...runs.keys()];
  throw new RunRefused(`run ${runId.slice(0, 8)} is not open in the worker (${open.length ? `open: ${open.map((id) => id.slice(0, 8)).join(', ')}` : 'no run is open'}); it was replaced or closed`);
}

/** The run, when it may train (an imported run open to look at may not). */
function trainable(runId: RunId): Run {
  if (inspectOnly.has(runId)) throw new RunRefused(IMPORTED_RUN_REFUSAL);
  return need(runId);
}

/** Image folders decode with the browser's decoders, reporting progress to the page. */
const imageLoadOptions: DatasetLoadOptions = {
  decoder: browserImageDecoder,
  progressEveryMs: 250,
  onProgress: (p) => emit({ type: 'dataset-progress', ...p }),
};

async function loadSource(source: DatasetSource): Promise<LoadedDataset> {
  switch (source.kind) {
    case 'synthetic': {
      if (source.id === undefined || source.id === 'synthetic') return { id: 'synthetic', name: 'built-in shapes', splits: syntheticDataset({ seed: 0 }) };
      const splits = builtInDataset(source.id);
      if (!splits) throw new Error(`no built-in dataset "${source.id}" (synthetic[:classes], counting[:objects])`);
      return { id: source.id.trim(), name: source.id.startsWith('counting') ? 'counting set' : 'built-in shapes', splits };
    }
    case 'served': {
      let res: Response;
      try {
        res = await fetch(source.url);
      } catch (e) {
        throw new Error(`could not fetch ${source.url}: ${errText(e)}`);
      }
      if (!res.ok) throw new Error(`could not fetch ${source.url}: HTTP ${res.status} (run "npm run data:cifar100" first)`);
      const bytes = new Uint8Array(await res.arrayBuffer());
      return { id: 'cifar-100', name: source.name, splits: loadCifarArchive(bytes, source.name) };
    }
    case 'archive': {
      // CIFAR binaries (.tar.gz, .tar) or an image folder (.zip, .tar, .tar.gz).
      const d = await loadDatasetArchive(new Uint8Array(source.bytes), source.name, imageLoadOptions);
      return { id: `file:${source.name}`, name: source.name, splits: d.splits, skipped: d.skipped };
    }
    case 'files': {
      // Loose CIFAR files, or the files of a picked or dropped image folder (paths relative to it).
      const name = source.name ?? source.files.map((f) => f.name).join(' + ');
      const d = await loadDatasetEntries(source.files.map((f) => ({ path: f.name, bytes: new Uint8Array(f.bytes) })), name, imageLoadOptions);
      return { id: `file:${name}`, name, splits: d.splits, skipped: d.skipped };
    }
  }
}

function summary(d: LoadedDataset): DatasetSummary {
  const { train, test } = d.splits;
  return {
    skipped: d.skipped ?? [],
    id: d.id,
    name: d.name,
    trainSize: train.size,
    testSize: test.size,
    numClasses: train.classNames.length,
    numSuperclasses: train.coarseNames?.length ?? 0,
    classNames: train.classNames,
  };
}

/** A trainer for `config` on the loaded dataset (which must be the one it names). */
function buildTrainer(config: LabConfig): Trainer {
  if (!raw) throw new Error('no dataset loaded');
  if (config.dataset !== raw.id) throw new Error(`dataset "${config.dataset}" is not loaded (loaded: "${raw.id}")`);
  const data = selectSubsetSplits(raw.splits, config.subset, config.seed);
  return Trainer.create(config, data);
}

const loadedDataset = () => ({ id: raw!.id, name: raw!.name });

/** Close the runs open here (each is paused and saved when it trained) before another takes their place. */
async function closeRuns(): Promise<void> {
  for (const [id, run] of runs) {
    await run.close();
    runs.delete(id);
  }
}

/** `run` is the run open here from now on. */
function open(run: Run, state: 'ready' | 'paused' | 'done'): void {
  runs.set(run.id, run);
  run.emitState(state);
  emit({ type: 'memory', memory: memory() });
}

/**
 * The WebGPU device went away: stop the runs' loops, drop the dead backend, pick one again (a new
 * WebGPU device, or the next backend in line), rebuild each run's trainer there from its last
 * checkpoint, and carry on as before (training or not). Commands wait until this is done.
 */
function recoverFromDeviceLoss(lost: GPUDeviceLostInfo): Promise<void> {
  const recovery = (async () => {
    const was = [...runs.values()].map((run) => ({ run, training: run.running, lostAt: run.step }));
    // The step in flight fails (its read-back is rejected). If it hangs instead, stop waiting for it.
    for (const { run } of was) if (!(await run.stop(10_000))) tensors.reset();
    await tensors
      .run(async () => {
        for (const { run } of was) run.trainer.dispose(); // its tensors lived on the lost device
        forgetWebGpuBackend();
        backend = await selectBackend(backend?.requested ?? 'auto');
        watchDeviceLoss((info) => void recoverFromDeviceLoss(info));
        const on = { webgpu: 'a new WebGPU device', wasm: 'WASM', webgl: 'WebGL', cpu: 'the CPU backend' }[backend.backend];
        for (const { run, lostAt } of was) {
          const old = run.trainer;
          await run.rebuild(Trainer.create(old.config, old.data));
          const message =
            `The GPU device was lost at step ${lostAt} (${lost.reason}${lost.message ? `: ${lost.message}` : ''}); ` +
            `recovered on ${on} from the checkpoint at step ${run.step}.`;
          emit({ type: 'rollback', runId: run.id, step: run.step, reason: 'device-lost', message, hyper: run.trainer.hyper(), backend });
        }
        emit({ type: 'memory', memory: memory() });
      })
      .catch((e) => {
        for (const { run, lostAt } of was) {
          runs.delete(run.id);
          emit({
            type: 'state',
            runId: run.id,
            state: 'error',
            step: lostAt,
            message: `The GPU device was lost at step ${lostAt} and the run could not be rebuilt: ${errText(e)}. Its last checkpoint is saved in this browser: reload the page to resume it.`,
          });
        }
      });
    for (const { run, training } of was) {
      if (!runs.has(run.id)) continue;
      if (training && !run.done) await run.start();
      else run.emitState(run.done ? 'done' : 'paused');
    }
  })();
  recovering = recovery.finally(() => {
    if (recovering === recovery) recovering = null;
  });
  return recovery;
}

const api: LabWorkerApi = {
  async init(request: BackendRequest, events: MessagePort): Promise<BackendInfo> {
    port = events;
    port.onmessage = (m: MessageEvent<PageEvent>) => {
      if (m.data.type === 'drawn') runs.get(m.data.runId)?.drawn(m.data.step);
    };
    backend = await selectBackend(request);
    watchDeviceLoss((info) => void recoverFromDeviceLoss(info));
    return backend;
  },

  loadDataset(source: DatasetSource): Promise<DatasetSummary> {
    // While a run trains, it goes on (between two of its steps the data is swapped in; the run keeps its own subset).
    return command(() =>
      tensors.run(async () => {
        raw = await loadSource(source);
        return summary(raw);
      }),
    );
  },

  reset(config: LabConfig, runId: RunId): Promise<RunInfo> {
    return command(async () => {
      if (runs.has(runId)) throw new RunRefused(`run ${runId} is already open`);
      // Build the new trainer before closing the old run, so a bad config keeps the old run.
      const t = await tensors.run(() => buildTrainer(parseConfig(config)));
      await closeRuns();
      const run = Run.create(runId, t, loadedDataset(), env);
      open(run, 'ready');
      return run.info();
    });
  },

  start(runId: RunId): Promise<void> {
    return command(() => trainable(runId).start());
  },

  pause(runId: RunId): Promise<void> {
    return command(() => need(runId).pause());
  },

  step(runId: RunId): Promise<void> {
    return command(() => trainable(runId).stepOnce());
  },

  setHyper(runId: RunId, h: Partial<LiveHyper>): Promise<number> {
    return command(() => need(runId).setHyper(h));
  },

  crossCheck(runId: RunId, seed = 0): Promise<CrossCheckResult> {
    return command(() =>
      tensors.run(async () => {
        const t = need(runId).trainer;
        const t0 = performance.now();
        const value = await t.evaluateFixedBatch(seed);
        const weights = await t.exportSafetensors();
        const original = tf.getBackend();
        let reference;
        try {
          if (original !== 'cpu') await tf.setBackend('cpu');
          const ref = Trainer.create(t.config, t.data);
          try {
            ref.setHyper(t.hyper());
            await ref.importSafetensors(weights);
            reference = await ref.evaluateFixedBatch(seed);
          } finally {
            ref.dispose();
          }
        } finally {
          if (tf.getBackend() !== original) await tf.setBackend(original);
        }
        const keys = ['loss', 'predLoss', 'klLoss', 'groupPenalty'] as const;
        const maxRelDiff = Math.max(...keys.map((k) => Math.abs(value[k] - reference[k]) / Math.max(Math.abs(reference[k]), 1e-3)));
        return { step: t.stepCount, seed, backend: backend!.backend, value, reference, maxRelDiff, ms: performance.now() - t0 };
      }),
    );
  },

  sharingSample(runId: RunId, request: SharingRequest): Promise<SharingSample> {
    // Between steps, never during one: the views read a settled model.
    return command(async () => {
      const s = await need(runId).sharingSample(request);
      return Comlink.transfer(s, sampleTransferables(s));
    });
  },

  exportSafetensors(runId: RunId): Promise<Uint8Array> {
    return command(() =>
      tensors.run(async () => {
        const bytes = await need(runId).trainer.exportSafetensors();
        return Comlink.transfer(bytes, [bytes.buffer as ArrayBuffer]);
      }),
    );
  },

  exportTfjs(runId: RunId): Promise<{ modelJson: string; weightsBin: Uint8Array }> {
    return command(() =>
      tensors.run(async () => {
        const t = need(runId).trainer;
        const { modelJson, weightsBin } = writeTfjsWeights(await t.namedTensors(), { metadata: t.metadata() });
        return Comlink.transfer({ modelJson: JSON.stringify(modelJson, null, 1), weightsBin }, [weightsBin.buffer as ArrayBuffer]);
      }),
    );
  },

  async importSafetensors(buffer: ArrayBuffer, opts: { load: boolean; runId: RunId; config: LabConfig; inspect?: ImportedRunView }): Promise<WeightsSummary> {
    const bytes = new Uint8Array(buffer);
    const file = readSafetensors(bytes); // throws SafetensorsError with the reason
    const out: WeightsSummary = {
      tensors: [...file.tensors].map(([name, t]) => ({ name, shape: t.shape, dtype: t.dtype })),
      metadata: { ...file.metadata },
      loaded: false,
    };
    if (file.metadata.config) {
      try {
        out.config = parseSavedConfig(JSON.parse(file.metadata.config));
      } catch (e) {
        out.error = `the file's config metadata is not valid: ${errText(e)}`;
      }
    }
    if (!opts.load) return out;
    return command(async () => {
      // A fresh run (step 0, fresh optimiser) that starts from the loaded weights. The file's
      // architecture wins; data, optimiser and seed settings stay as they are in the form.
      // Built and filled between steps, without stopping a run: weights that do not fit leave it as it was.
      const config = parseConfig(out.config ? withArchitecture(parseConfig(opts.config), out.config) : opts.config);
      const t = await tensors.run(async () => {
        const fresh = buildTrainer(config);
        try {
          await fresh.importSafetensors(bytes);
          if (opts.inspect) await standAt(fresh, opts.inspect); // an imported run, at its own step
          return fresh;
        } catch (e) {
          fresh.dispose();
          out.error = errText(e);
          return null;
        }
      });
      if (!t) return out;
      await closeRuns();
      const run = Run.create(opts.runId, t, loadedDataset(), env);
      if (opts.inspect) {
        run.forget(); // to look at: no checkpoint of it is ever written
        inspectOnly.add(run.id);
        const norms = await tensors.run(() => trainerNorms(t));
        if (norms) out.norms = norms;
      }
      open(run, opts.inspect ? (run.done ? 'done' : 'paused') : 'ready');
      out.run = run.info();
      out.loaded = true;
      return out;
    });
  },

  checkRunWeights(buffer: ArrayBuffer, opts: { fileName: string; config?: LabConfig }): Promise<RunWeightsInfo> {
    // Builds (and frees) the model the config describes to list its tensors: tensor work, in its queue.
    return command(() => tensors.run(() => readRunWeights(new Uint8Array(buffer), opts.fileName, opts.config && parseConfig(opts.config))));
  },

  async memory(): Promise<MemoryInfo> {
    return memory();
  },

  evaluate(runId: RunId, kind?: ProbeKind): Promise<ProbeReport> {
    return command(() => need(runId).evaluate(kind));
  },

  setHealthEvery(runId: RunId, n: number): Promise<void> {
    return command(() => need(runId).setHealthEvery(n));
  },

  reconstruction(runId: RunId, request: ReconstructionRequest): Promise<ReconstructionSample | null> {
    // Between steps, like the sharing views' samples.
    return command(async () => {
      const s = await need(runId).reconstruction(request);
      return s ? Comlink.transfer(s, reconstructionTransferables(s)) : null;
    });
  },

  // Not queued behind the runs' commands: the demo touches no run and no tensor. A newer demo replaces an older one.
  async startBiasDemo(demoId: number, settings: Partial<DeepLinearSettings>): Promise<DeepLinearSettings> {
    return biasDemo.start(demoId, settings);
  },

  async stopBiasDemo(demoId: number): Promise<void> {
    biasDemo.stop(demoId);
  },

  loadProbeDataset(source: DatasetSource): Promise<DatasetSummary> {
    // The training data (raw) and the runs are left alone; a failed load leaves the probe sets as they were.
    return command(() =>
      tensors.run(async () => {
        const d = await loadSource(source);
        probeSets.add({ id: d.id, name: d.name }, d.splits);
        return summary(d);
      }),
    );
  },

  probeOn(runId: RunId, datasetId: string): Promise<TransferProbeReport> {
    return command(() => {
      const run = need(runId);
      return tensors.run(() => transferProbe(run.trainer, run.id, run.dataset, probeSets.get(datasetId), { emit, floors }));
    });
  },

  setProbeEvery(runId: RunId, n: number): Promise<void> {
    return command(() => need(runId).setProbeEvery(n));
  },

  savedRuns(): Promise<SavedRuns> {
    return store.list();
  },

  resume(runId: RunId): Promise<ResumedRun> {
    return command(async () => {
      if (runs.has(runId)) throw new RunRefused('this run is already open here');
      const saved = await readSavedRun(store, runId);
      if (!saved) throw new RunRefused(`no checkpoint of this run is saved in this browser (run ${runId.slice(0, 8)})`);
      const { info, state, history, lastBatch } = saved;
      if (!raw || raw.id !== info.dataset.id) throw new RunRefused(`the saved run trained on ${info.dataset.name}: load it first (loaded: ${raw?.name ?? 'nothing'})`);
      const run = await tensors.run(async () => {
        const t = buildTrainer(state.config);
        try {
          return await Run.restore(runId, t, { state, history, savedAt: info.savedAt, lastBatch }, loadedDataset(), env);
        } catch (e) {
          t.dispose();
          throw e;
        }
      });
      await closeRuns();
      open(run, 'paused');
      return { run: run.info(), step: state.step, savedAt: info.savedAt, hyper: run.trainer.hyper(), history: run.history.upTo(state.step) };
    });
  },

  deleteSaved(runId: RunId): Promise<void> {
    return command(async () => {
      runs.get(runId)?.forget();
      await store.delete(runId);
    });
  },

  setStorageBudget(bytes: number): Promise<SavedRunInfo[]> {
    return command(async () => {
      if (!Number.isFinite(bytes) || bytes < 0) throw new RangeError(`the storage budget must be a number of bytes ≥ 0, got ${bytes}`);
      budgetBytes = bytes;
      const { evicted, usedBytes } = await store.enforceBudget(bytes, await protectedRuns());
      if (evicted.length) emit({ type: 'evicted', evicted, budgetBytes: bytes, usedBytes });
      return evicted;
    });
  },

  retryCheckpoints(runId: RunId): Promise<void> {
    return command(() => need(runId).retryCheckpoints());
  },

  sweepNumbers(runId: RunId): Promise<SweepNumbers> {
    return command(() => tensors.run(() => sweepNumbers(need(runId))));
  },
};

// Test and debug hook (e2e/reliability.spec.ts): destroy the WebGPU device, a genuine device loss.
Object.assign(self, { sparsejepaDebug: { destroyDevice } });

Comlink.expose(api);
