// The training worker: owns tfjs, the dataset and the Trainer; runs the step loop; streams
// metrics to the page on a MessagePort; answers commands (LabWorkerApi) through Comlink.
import * as Comlink from 'comlink';
// The host registers tfjs's gradients once (the engine does not); the ES build works in a bundle.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
// And the chained ops (x.toFloat(), …), as the tfjs package registers them for Node: engine code runs the same in both.
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import * as tf from '../engine/tf';
import { loadCifarArchive, selectSubsetSplits, syntheticDataset, type DatasetSplits } from '../data';
import { parseConfig, type LabConfig } from '../engine/config';
import { Trainer } from '../engine/trainer';
import type { LiveHyper } from '../engine/types';
import { readSafetensors } from '../io/safetensors';
import { writeTfjsWeights } from '../io/tfjs-format';
import { selectBackend } from './backend';
import { CheckpointStore } from './checkpointStore';
import { destroyDevice, deviceLostWithin, forgetWebGpuBackend, watchDeviceLoss } from './deviceLoss';
import type { RunHistory } from './runHistory';
import { readSavedRun, RunKeeper } from './runKeeper';
import { ProbeRunner } from './evaluate';
import { sampleTransferables, sharingSample } from './sharingSample';
import type {
  BackendInfo,
  BackendRequest,
  CrossCheckResult,
  DatasetSource,
  DatasetSummary,
  LabWorkerApi,
  MemoryInfo,
  PageEvent,
  ResumedRun,
  RunInfo,
  SavedRunInfo,
  SharingRequest,
  SharingSample,
  WeightsSummary,
  WorkerEvent,
  ProbeReport,
} from './protocol';

/** Config fields that decide the architecture (tensor names and shapes). */
const MODEL_FIELDS = ['mode', 'preset', 'imageSize', 'patchSize', 'mlpRatio', 'predictorWidthRatio', 'latentDim', 'grouping'] as const;

let port: MessagePort | null = null;
let backend: BackendInfo | null = null;
let raw: { id: string; name: string; splits: DatasetSplits } | null = null;
let trainer: Trainer | null = null;
/** The trainer's checkpoints (every config.checkpointEvery steps, on Pause; IndexedDB) and metrics so far. */
let keeper: RunKeeper | null = null;
const store = new CheckpointStore();
let runId = 0;
let running = false;
let loop: Promise<void> | null = null;
let queue: Promise<unknown> = Promise.resolve();
/** The linear probe (Evaluate, and every config.probeEvery steps). */
const probes = new ProbeRunner(emit);
/** Last step the page reported drawn (PageEvent), and who waits for it. */
let drawnStep = 0;
let drawnWaiter: (() => void) | null = null;
/** Share of a step's time the loop waits for the page to draw before the next step. */
const PAGE_SHARE = 1;
const PAGE_WAIT_MAX_MS = 1000;

function emit(e: WorkerEvent, transfer: Transferable[] = []): void {
  port?.postMessage(e, transfer);
}

/** Run `fn` after everything queued before it (steps, exports, checks never interleave). */
function exclusive<T>(fn: () => Promise<T> | T): Promise<T> {
  const r = queue.then(fn);
  queue = r.catch(() => undefined);
  return r;
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

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function requireTrainer(): Trainer {
  if (!trainer) throw new Error('no model yet: load a dataset and press Reset');
  return trainer;
}

function runInfo(t: Trainer): RunInfo {
  const paramCount = t.model.paramSets().reduce((n, s) => n + s.params.reduce((m, p) => m + p.variable.size, 0), 0);
  return { runId, config: t.config, dims: t.dims, paramCount, trainSize: t.data.train.size, testSize: t.data.test.size };
}

/** 'ahead': the loop's step, with the next one queued before this one's check (see TrainingSession); 'finish': the step left in flight. */
async function oneStep(t: Trainer, id: number, how: 'one' | 'ahead' | 'finish' = 'one'): Promise<void> {
  const k = keeper!;
  const out = how === 'finish' ? await k.finish() : await k.step(how === 'ahead');
  if (!out || id !== runId) return;
  if (out.kind === 'diverged') {
    // Not applied; the trainer is back at its last checkpoint (λ, β, lr as they were then).
    running = false;
    const h = t.hyper();
    const message = `${out.message} λ, β and the learning rate are the checkpoint's again (λ ${h.lambda}, β ${h.beta}, lr ${h.lr}).`;
    emit({ type: 'rollback', runId: id, step: out.restoredStep, reason: 'diverged', message, hyper: h });
    return;
  }
  const m = out.metrics;
  const { groupNorms, ...scalars } = m;
  if (groupNorms && groupNorms.length) {
    const G = groupNorms.length;
    const K = groupNorms[0].length;
    const data = new Float32Array(G * K);
    groupNorms.forEach((row, g) => data.set(row, g * K));
    k.record(scalars, { step: m.step, G, K, data });
    emit({ type: 'metrics', runId: id, metrics: scalars, norms: { step: m.step, G, K, data }, memory: memory() }, [data.buffer]);
  } else {
    k.record(scalars);
    emit({ type: 'metrics', runId: id, metrics: scalars, memory: memory() });
  }
  void k.saveLatest(); // in the background: the next step does not wait for IndexedDB
}

function onPageEvent(e: PageEvent): void {
  if (e.type === 'drawn') {
    drawnStep = Math.max(drawnStep, e.step);
    drawnWaiter?.();
  }
}

/** Wait (at most a share of the step's time) until the page has drawn `step`. */
function waitForPage(step: number, stepMs: number): Promise<void> {
  const limit = Math.min(PAGE_WAIT_MAX_MS, PAGE_SHARE * stepMs);
  if (drawnStep >= step || limit < 1) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      drawnWaiter = null;
      resolve();
    };
    const timer = setTimeout(done, limit);
    drawnWaiter = () => {
      if (drawnStep >= step) done();
    };
  });
}

async function runLoop(t: Trainer, id: number): Promise<void> {
  emit({ type: 'state', runId: id, state: 'running', step: t.stepCount });
  try {
    while (running && trainer === t && t.stepCount < t.config.steps) {
      const t0 = performance.now();
      // Not ahead of a step the probe reads: it must see that step's weights, not the next one's.
      await exclusive(() => (trainer === t ? oneStep(t, id, keeper && probes.dueAt(t, keeper.reportedStep + 1) ? 'one' : 'ahead') : undefined));
      await probes.afterStep(t, id, exclusive);
      await yieldToEvents();
      await waitForPage(keeper?.trainer === t ? keeper.reportedStep : t.stepCount, performance.now() - t0);
    }
    // The step queued ahead when the loop stopped (Pause, the last step): reported before anything else.
    await exclusive(() => (trainer === t ? oneStep(t, id, 'finish') : undefined));
  } catch (e) {
    // A failed step on WebGPU may be the device going away: recoverFromDeviceLoss then takes over
    // (and restarts the loop, `running` still being true).
    if (await deviceLostWithin(5000)) return;
    running = false;
    emit({ type: 'state', runId: id, state: 'error', step: t.stepCount, message: errText(e) });
    return;
  }
  if (trainer !== t) return;
  const done = t.stepCount >= t.config.steps;
  running = false;
  emit({ type: 'state', runId: id, state: done ? 'done' : 'paused', step: t.stepCount });
  // A finished run is saved as it ended, not as of its last scheduled checkpoint.
  if (done) void exclusive(() => (keeper?.trainer === t ? keeper.checkpointNow() : undefined)).catch(() => undefined);
}

async function stopLoop(): Promise<void> {
  running = false;
  if (loop) await loop;
  loop = null;
}

async function loadSource(source: DatasetSource): Promise<{ id: string; name: string; splits: DatasetSplits }> {
  switch (source.kind) {
    case 'synthetic':
      return { id: 'synthetic', name: 'built-in shapes', splits: syntheticDataset({ seed: 0 }) };
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
    case 'archive':
      return { id: `file:${source.name}`, name: source.name, splits: loadCifarArchive(new Uint8Array(source.bytes), source.name) };
    case 'files': {
      const map = new Map(source.files.map((f) => [f.name, new Uint8Array(f.bytes)]));
      const name = source.files.map((f) => f.name).join(' + ');
      return { id: `file:${name}`, name, splits: loadCifarArchive(map, name) };
    }
  }
}

function summary(d: { id: string; name: string; splits: DatasetSplits }): DatasetSummary {
  const { train, test } = d.splits;
  return {
    id: d.id,
    name: d.name,
    trainSize: train.size,
    testSize: test.size,
    numClasses: train.classNames.length,
    numSuperclasses: train.coarseNames?.length ?? 0,
    classNames: train.classNames,
  };
}

function buildTrainer(config: LabConfig): Trainer {
  if (!raw) throw new Error('no dataset loaded');
  const data = selectSubsetSplits(raw.splits, config.subset, config.seed);
  return Trainer.create({ ...config, dataset: raw.id }, data);
}

function keeperOptions(t: Trainer, id: number, history?: RunHistory) {
  const name = raw && raw.id === t.config.dataset ? raw.name : t.config.dataset;
  return { runId: id, dataset: { id: t.config.dataset, name }, store, emit, history };
}

function replaceTrainer(t: Trainer): RunInfo {
  trainer?.dispose();
  trainer = t;
  runId++;
  keeper = new RunKeeper(t, keeperOptions(t, runId));
  drawnStep = 0;
  emit({ type: 'state', runId, state: 'ready', step: 0 });
  emit({ type: 'memory', memory: memory() });
  return runInfo(t);
}

/** Continue the run saved in IndexedDB, on the dataset loaded now (it must be the one it trained on). */
async function resumeSavedRun(): Promise<ResumedRun> {
  const saved = await readSavedRun(store);
  if (!saved) throw new Error('no run is saved in this browser');
  const { info, state, history } = saved;
  if (!raw || raw.id !== info.dataset.id) throw new Error(`the saved run trained on ${info.dataset.name}: load it first (loaded: ${raw?.name ?? 'nothing'})`);
  const t = buildTrainer(state.config);
  let k: RunKeeper;
  try {
    k = await RunKeeper.restore(t, state, keeperOptions(t, runId + 1, history));
  } catch (e) {
    t.dispose();
    throw e;
  }
  trainer?.dispose();
  trainer = t;
  keeper = k;
  runId++;
  drawnStep = state.step;
  emit({ type: 'state', runId, state: 'paused', step: state.step });
  emit({ type: 'memory', memory: memory() });
  return { run: runInfo(t), step: state.step, savedAt: info.savedAt, hyper: t.hyper(), history: k.history.upTo(state.step) };
}

/** Resolves true when `p` settles within `ms`, false otherwise. */
function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    p.then(
      () => (clearTimeout(timer), resolve(true)),
      () => (clearTimeout(timer), resolve(true)),
    );
  });
}

/**
 * The WebGPU device went away: drop the dead backend, pick one again (a new WebGPU device, or
 * the next backend in line), rebuild the trainer there from its last checkpoint, and carry on
 * as before (running or not). The page keeps its run; charts drop the steps after the checkpoint.
 */
async function recoverFromDeviceLoss(lost: GPUDeviceLostInfo): Promise<void> {
  const wasRunning = running;
  const lostAt = trainer?.stepCount ?? 0;
  running = false;
  // The step in flight fails (its read-back is rejected). If it hangs instead, stop waiting for it.
  if (loop && !(await settlesWithin(loop, 10_000))) queue = Promise.resolve();
  loop = null;
  const id = runId;
  const failed = (e: unknown) =>
    emit({
      type: 'state',
      runId: id,
      state: 'error',
      step: lostAt,
      message: `The GPU device was lost at step ${lostAt} and the run could not be rebuilt: ${errText(e)}. Its last checkpoint is saved in this browser: reload the page to resume it.`,
    });
  await exclusive(async () => {
    const old = trainer;
    const k = keeper;
    trainer = null;
    keeper = null;
    old?.dispose(); // its tensors lived on the lost device
    forgetWebGpuBackend();
    backend = await selectBackend(backend?.requested ?? 'auto');
    watchDeviceLoss((info) => void recoverFromDeviceLoss(info));
    if (!old) return;
    const fresh = Trainer.create(old.config, old.data);
    const state = k?.lastCheckpoint;
    const opts = keeperOptions(fresh, runId, k?.history);
    keeper = state ? await RunKeeper.restore(fresh, state, opts) : new RunKeeper(fresh, opts);
    trainer = fresh;
    const at = fresh.stepCount;
    const on = { webgpu: 'a new WebGPU device', wasm: 'WASM', webgl: 'WebGL', cpu: 'the CPU backend' }[backend.backend];
    const message =
      `The GPU device was lost at step ${lostAt} (${lost.reason}${lost.message ? `: ${lost.message}` : ''}); ` +
      `recovered on ${on} from the checkpoint at step ${at}.`;
    emit({ type: 'rollback', runId, step: at, reason: 'device-lost', message, hyper: fresh.hyper(), backend });
    emit({ type: 'memory', memory: memory() });
  }).catch(failed);
  const t = trainer as Trainer | null;
  if (!t) return;
  if (wasRunning && t.stepCount < t.config.steps) {
    running = true;
    loop = runLoop(t, runId);
  } else {
    emit({ type: 'state', runId, state: t.stepCount >= t.config.steps ? 'done' : 'paused', step: t.stepCount });
  }
}

const api: LabWorkerApi = {
  async init(request: BackendRequest, events: MessagePort): Promise<BackendInfo> {
    port = events;
    port.onmessage = (m: MessageEvent<PageEvent>) => onPageEvent(m.data);
    backend = await selectBackend(request);
    watchDeviceLoss((info) => void recoverFromDeviceLoss(info));
    return backend;
  },

  loadDataset(source: DatasetSource): Promise<DatasetSummary> {
    return exclusive(async () => {
      const d = await loadSource(source);
      raw = d;
      return summary(d);
    });
  },

  async reset(config: LabConfig): Promise<RunInfo> {
    await stopLoop();
    return exclusive(() => {
      const c = parseConfig(config);
      if (raw && c.dataset !== raw.id) throw new Error(`dataset "${c.dataset}" is not loaded (loaded: "${raw.id}")`);
      // Build the new trainer before dropping the old one, so a bad config keeps the old run.
      const t = buildTrainer(c);
      return replaceTrainer(t);
    });
  },

  async start(): Promise<void> {
    const t = requireTrainer();
    if (running) return;
    if (t.stepCount >= t.config.steps) {
      emit({ type: 'state', runId, state: 'done', step: t.stepCount, message: `already at ${t.config.steps} steps: raise Steps or Reset` });
      return;
    }
    running = true;
    loop = runLoop(t, runId);
  },

  async pause(): Promise<void> {
    await stopLoop();
    // Save where it stands, so a reload continues from exactly here.
    await exclusive(() => keeper?.checkpointNow()).catch((e) =>
      emit({ type: 'checkpoint', runId, step: trainer?.stepCount ?? 0, error: `could not checkpoint on Pause: ${errText(e)}` }),
    );
  },

  async step(): Promise<void> {
    const t = requireTrainer();
    if (running) return;
    const id = runId;
    try {
      await exclusive(() => oneStep(t, id));
      emit({ type: 'state', runId: id, state: t.stepCount >= t.config.steps ? 'done' : 'paused', step: t.stepCount });
    } catch (e) {
      emit({ type: 'state', runId: id, state: 'error', step: t.stepCount, message: errText(e) });
      throw e;
    }
  },

  setHyper(h: Partial<LiveHyper>): Promise<number> {
    // Queued behind the step in flight, so the change applies exactly from the next step.
    return exclusive(() => {
      const t = requireTrainer();
      t.setHyper(h);
      const atStep = t.stepCount + 1;
      keeper?.hyperChanged(atStep, t.hyper());
      emit({ type: 'hyper', runId, atStep, hyper: t.hyper() });
      return atStep;
    });
  },

  crossCheck(seed = 0): Promise<CrossCheckResult> {
    return exclusive(async () => {
      const t = requireTrainer();
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
    });
  },

  sharingSample(request: SharingRequest): Promise<SharingSample> {
    // Between steps, never during one: the views read a settled model.
    return exclusive(async () => {
      const s = await sharingSample(requireTrainer(), runId, request);
      return Comlink.transfer(s, sampleTransferables(s));
    });
  },

  exportSafetensors(): Promise<Uint8Array> {
    return exclusive(async () => {
      const bytes = await requireTrainer().exportSafetensors();
      return Comlink.transfer(bytes, [bytes.buffer as ArrayBuffer]);
    });
  },

  exportTfjs(): Promise<{ modelJson: string; weightsBin: Uint8Array }> {
    return exclusive(async () => {
      const t = requireTrainer();
      const { modelJson, weightsBin } = writeTfjsWeights(await t.namedTensors(), { metadata: t.metadata() });
      return Comlink.transfer({ modelJson: JSON.stringify(modelJson, null, 1), weightsBin }, [weightsBin.buffer as ArrayBuffer]);
    });
  },

  async importSafetensors(buffer: ArrayBuffer, opts: { load: boolean }): Promise<WeightsSummary> {
    const bytes = new Uint8Array(buffer);
    const file = readSafetensors(bytes); // throws SafetensorsError with the reason
    const out: WeightsSummary = {
      tensors: [...file.tensors].map(([name, t]) => ({ name, shape: t.shape, dtype: t.dtype })),
      metadata: { ...file.metadata },
      loaded: false,
    };
    if (file.metadata.config) {
      try {
        out.config = parseConfig(JSON.parse(file.metadata.config));
      } catch (e) {
        out.error = `the file's config metadata is not valid: ${errText(e)}`;
      }
    }
    if (!opts.load) return out;
    // Built and filled between steps, without stopping the run: weights that do not fit leave it as it was.
    const target = await exclusive(async () => {
      const current = requireTrainer();
      // A fresh run (step 0, fresh optimiser) that starts from the loaded weights. The file's
      // architecture wins; data, optimiser and seed settings stay as they are in the form.
      const merged = { ...current.config } as Record<string, unknown>;
      if (out.config) for (const k of MODEL_FIELDS) merged[k] = out.config[k];
      const t = buildTrainer(parseConfig(merged));
      try {
        await t.importSafetensors(bytes);
        return t;
      } catch (e) {
        t.dispose();
        out.error = errText(e);
        return null;
      }
    });
    if (!target) return out;
    await stopLoop();
    return exclusive(() => {
      out.run = replaceTrainer(target);
      out.loaded = true;
      return out;
    });
  },

  async memory(): Promise<MemoryInfo> {
    return memory();
  },

  evaluate(): Promise<ProbeReport> {
    // Queued between steps, like a step: the run's state is only read.
    return exclusive(() => probes.evaluate(requireTrainer(), runId));
  },

  async setProbeEvery(n: number): Promise<void> {
    probes.setEvery(requireTrainer(), n);
  },

  savedRun(): Promise<SavedRunInfo | null> {
    return store.info();
  },

  async resumeSaved(): Promise<ResumedRun> {
    await stopLoop();
    return exclusive(resumeSavedRun);
  },

  discardSaved(): Promise<void> {
    return store.clear();
  },
};

// Test and debug hook (e2e/reliability.spec.ts): destroy the WebGPU device, a genuine device loss.
Object.assign(self, { sparsejepaDebug: { destroyDevice } });

Comlink.expose(api);
