// Measurements shared by the Node bench (src/cli/bench.ts) and the browser bench (src/bench/worker.ts):
// training images/s and GFLOP/s of the real Trainer step, a plain matMul at the model's largest
// product shape, and tf.memory() after many steps. Nothing here asserts a time: it measures.
import * as tf from '../engine/tf';
import type { DatasetSplits } from '../data/types';
import { modelDims, parseConfig, type LabConfig, type PresetName } from '../engine/config';
import { Trainer } from '../engine/trainer';
import { targetBlocksOf } from '../engine/masks';
import { largestProduct, stepFlops, type StepShape } from './flops';
import { countKernels, ReadCounter, type KernelCount } from './stepCost';
import { TrainingSession } from '../engine/session';
import type { StepMetrics } from '../engine/types';

export type Log = (msg: string) => void;

export const median = (xs: number[]): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};

const round = (x: number, digits = 3): number => (Number.isFinite(x) ? Number(x.toPrecision(digits + 2)) : x);

export interface MatMulBench {
  /** [m, k, n]: A [m, k] × B [k, n]. */
  shape: [number, number, number];
  reps: number;
  /** Median time of one product. */
  medianMs: number;
  gflops: number;
  /** Every rep's GFLOP/s. */
  samples: number[];
}

/**
 * Plain tf.matMul(a, b) at one shape; median over reps after warm-up. A rep runs `inner` products
 * back to back and then reads one value of the last, so a GPU's queue is drained once per rep
 * and the read-back itself (a full [m, n] download on WebGPU) is not what gets timed.
 */
export async function benchMatMul(shape: [number, number, number], reps = 7, warmup = 2, inner = 3): Promise<MatMulBench> {
  const [m, k, n] = shape;
  const a = tf.randomNormal([m, k]) as tf.Tensor2D;
  const b = tf.randomNormal([k, n]) as tf.Tensor2D;
  const flops = 2 * m * k * n * inner;
  const ms: number[] = [];
  try {
    await a.data();
    await b.data();
    for (let i = 0; i < warmup + reps; i++) {
      const t0 = performance.now();
      const cs: tf.Tensor[] = [];
      for (let j = 0; j < inner; j++) cs.push(tf.matMul(a, b));
      const one = tf.slice(cs[inner - 1], [0, 0], [1, 1]);
      await one.data();
      const dt = performance.now() - t0;
      tf.dispose([...cs, one]);
      if (i >= warmup) ms.push(dt);
    }
  } finally {
    tf.dispose([a, b]);
  }
  const med = median(ms);
  return { shape, reps, medianMs: round(med / inner), gflops: round(flops / med / 1e6), samples: ms.map((t) => round(flops / t / 1e6)) };
}

/** Two matMul measurements (before and after something else) as one: all samples pooled. */
export function poolMatMul(x: MatMulBench, y: MatMulBench): MatMulBench {
  const samples = [...x.samples, ...y.samples];
  const gflops = round(median(samples));
  const flops = 2 * x.shape[0] * x.shape[1] * x.shape[2];
  return { shape: x.shape, reps: samples.length, medianMs: round(flops / gflops / 1e6), gflops, samples };
}

export interface TrainOptions {
  preset: PresetName;
  batchSize?: number;
  mode?: LabConfig['mode'];
  seed?: number;
  /** Steps run and not timed (the first steps compile kernels, pack weights, grow pools). */
  warmup: number;
  /** Timed steps wanted … */
  steps: number;
  /** … unless this many seconds have passed (after at least minSteps). */
  maxSeconds?: number;
  minSteps?: number;
}

export interface TrainBench {
  preset: PresetName;
  mode: LabConfig['mode'];
  batchSize: number;
  warmup: number;
  steps: number;
  stepMs: number[];
  medianStepMs: number;
  /** batch / median step time. */
  imgPerSec: number;
  /** Mean FLOPs of the timed steps (mask sizes vary per step), formula in src/bench/flops.ts. */
  flopsPerStep: number;
  /** Median over timed steps of that step's FLOPs / its time. */
  gflopsPerSec: number;
  /** The step's largest product [m, k, n] (where plain matMul is measured). */
  largestProduct: [number, number, number];
  /** Token counts of every step (warm-up included): what PyTorch is given to run the same step. */
  masks: [number, number][];
  /** One step after the warm-up, under tf.profile (not timed). */
  kernels: KernelCount;
  /** Median over timed steps of the time the step keeps JavaScript busy: its wall time minus the time it waits for read-backs. */
  hostMs: number;
  /** Read-backs per timed step that came back before the loop could queue the next step (it waited for them), and all read-backs per step. */
  readBacks: { awaitedPerStep: number; issuedPerStep: number };
  numTargets: number;
  finalLoss: number;
}

/** Config for a bench run of a preset: the lab's defaults (sparse mode, batch 32, seed 0). */
export function benchConfig(o: Pick<TrainOptions, 'preset' | 'batchSize' | 'mode' | 'seed'>): LabConfig {
  return parseConfig({ preset: o.preset, batchSize: o.batchSize ?? 32, mode: o.mode ?? 'sparse', seed: o.seed ?? 0, steps: 10_000 });
}

/**
 * Training throughput of the real loop — a TrainingSession running one step ahead, as the
 * worker runs it — timed from outside: a step's time is from the arrival of the previous step's
 * metrics to the arrival of its own, median over the timed steps. Host time is the time
 * Trainer.queueStep keeps JavaScript busy queueing the step; a read-back is counted as awaited when
 * the loop took the step's metrics before it had queued the next step.
 */
export async function benchTraining(data: DatasetSplits, o: TrainOptions, log: Log = () => {}): Promise<TrainBench> {
  const config = benchConfig(o);
  const dims = modelDims(config);
  const trainer = Trainer.create(config, data);
  const shapes = new Map<number, StepShape>();
  const shapeOf = (m: StepMetrics): StepShape => ({ B: config.batchSize, numContext: m.contextKept!, numTarget: m.targetKept!, numTargets: targetBlocksOf(config) });
  const queue = trainer.queueStep.bind(trainer);
  const hostOf = new Map<number, number>();
  let queued = 0;
  trainer.queueStep = () => {
    const s = performance.now();
    const p = queue();
    hostOf.set(p.step, performance.now() - s);
    queued = p.step;
    return p;
  };
  const reads = new ReadCounter(() => queued);
  const stepMs: number[] = [];
  const gflops: number[] = [];
  const flops: number[] = [];
  const hostMs: number[] = [];
  let awaited = 0;
  let issued = 0;
  let kernels: KernelCount | undefined;
  let loss = NaN;
  const minSteps = o.minSteps ?? Math.min(3, o.steps);
  const session = new TrainingSession(trainer, { checkpointEvery: 0 });
  try {
    // One step to compile kernels and pack weights, one under tf.profile (neither timed).
    for (const m of [await trainer.step(), (await countKernelsOf(() => trainer.step(), (k) => (kernels = k)))]) shapes.set(m.step, shapeOf(m));
    await session.checkpoint(); // what the session would take before its first step anyway
    let last = performance.now();
    const t0 = last;
    for (let i = 0; i < o.warmup + o.steps; i++) {
      const out = await session.step(true);
      const now = performance.now();
      const dt = now - last;
      last = now;
      if (out.kind !== 'step') throw new Error(out.message);
      const m = out.metrics;
      // The loop waited for this step's read-backs if it got its metrics before it had queued the next step.
      const r = reads.take(m.step);
      const waited = queued === m.step ? r : 0;
      loss = m.loss;
      const shape = shapeOf(m);
      shapes.set(m.step, shape);
      const timed = i >= o.warmup;
      const f = stepFlops(dims, config.mode, shape).total;
      log(`  ${o.preset} ${timed ? 'step' : 'warm-up'} ${i + 1}: ${dt.toFixed(0)} ms, ${(config.batchSize / (dt / 1000)).toFixed(2)} img/s, ${(f / dt / 1e6).toFixed(2)} GFLOP/s, host ${hostOf.get(m.step)!.toFixed(0)} ms, Nc=${shape.numContext} Nt=${shape.numTarget}`);
      if (timed) {
        hostMs.push(hostOf.get(m.step)!);
        awaited += waited;
        issued += r;
        stepMs.push(dt);
        flops.push(f);
        gflops.push(f / dt / 1e6);
        if (o.maxSeconds !== undefined && stepMs.length >= minSteps && (performance.now() - t0) / 1000 > o.maxSeconds) break;
      }
    }
    await session.finish();
  } finally {
    reads.dispose();
    trainer.dispose();
  }
  const med = median(stepMs);
  log(`  ${o.preset} kernels per step: ${kernels!.all} (${kernels!.work} without Reshape/Identity${kernels!.dispatches === null ? '' : `; ${kernels!.dispatches} WebGPU dispatches`}); host ${median(hostMs).toFixed(1)} ms/step; read-backs awaited ${awaited / stepMs.length}/step`);
  return {
    preset: o.preset,
    mode: config.mode,
    batchSize: config.batchSize,
    warmup: o.warmup,
    steps: stepMs.length,
    stepMs: stepMs.map((t) => round(t, 4)),
    medianStepMs: round(med, 4),
    imgPerSec: round(config.batchSize / (med / 1000)),
    flopsPerStep: Math.round(flops.reduce((a, b) => a + b, 0) / flops.length),
    gflopsPerSec: round(median(gflops)),
    largestProduct: largestProduct(dims, config.batchSize),
    masks: [...shapes.keys()].sort((a, b) => a - b).map((k) => [shapes.get(k)!.numContext, shapes.get(k)!.numTarget]),
    kernels: kernels!,
    hostMs: round(median(hostMs), 4),
    readBacks: { awaitedPerStep: round(awaited / stepMs.length), issuedPerStep: round(issued / stepMs.length) },
    numTargets: targetBlocksOf(config),
    finalLoss: round(loss, 5),
  };
}

/** countKernels around one step, handing the count over and returning the step's metrics. */
async function countKernelsOf(step: () => Promise<StepMetrics>, take: (k: KernelCount) => void): Promise<StepMetrics> {
  let m: StepMetrics | undefined;
  take(await countKernels(async () => (m = await step())));
  return m!;
}

/** Kernels of one step (after one warm-up step), untimed: for an adapter too slow to time the preset on. */
export async function benchKernels(data: DatasetSplits, o: Pick<TrainOptions, 'preset' | 'batchSize'>): Promise<KernelCount> {
  const trainer = Trainer.create(benchConfig(o), data);
  try {
    await trainer.step();
    return await countKernels(() => trainer.step());
  } finally {
    trainer.dispose();
  }
}

export interface MemoryPoint {
  step: number;
  numTensors: number;
  numBytes: number;
}

export interface MemoryBench {
  preset: PresetName;
  batchSize: number;
  points: MemoryPoint[];
  /** Tensors after the last checkpoint equal tensors after the first. */
  stable: boolean;
}

/** tf.memory() after each checkpoint step count of one training run. */
export async function benchMemory(data: DatasetSplits, preset: PresetName, batchSize: number, checkpoints: number[], log: Log = () => {}): Promise<MemoryBench> {
  const trainer = Trainer.create(benchConfig({ preset, batchSize }), data);
  const points: MemoryPoint[] = [];
  try {
    const last = Math.max(...checkpoints);
    for (let i = 1; i <= last; i++) {
      await trainer.step();
      if (checkpoints.includes(i)) {
        const m = tf.memory();
        points.push({ step: i, numTensors: m.numTensors, numBytes: m.numBytes });
        log(`  memory after ${i} steps: ${m.numTensors} tensors, ${m.numBytes} bytes`);
      }
    }
  } finally {
    trainer.dispose();
  }
  const first = points[0];
  const stable = points.every((p) => p.numTensors === first.numTensors && p.numBytes === first.numBytes);
  return { preset, batchSize, points, stable };
}

export interface PresetResult extends TrainBench {
  /** Plain matMul at the step's largest product shape, measured before and after the steps (pooled). */
  matMul: MatMulBench;
  /** gflopsPerSec / matMul.gflops: how close the step runs to what the backend does at all. */
  ratioToMatMul: number;
}

/** One preset on the current backend: matMul, training steps, matMul again (so load changes hit both). */
export async function benchPreset(data: DatasetSplits, o: TrainOptions, matMulReps: number, log: Log = () => {}): Promise<PresetResult> {
  const shape = largestProduct(modelDims(benchConfig(o)), o.batchSize ?? 32);
  const before = await benchMatMul(shape, matMulReps);
  log(`  ${o.preset} matMul ${shape.join('×')}: ${before.gflops} GFLOP/s`);
  const train = await benchTraining(data, o, log);
  const after = await benchMatMul(shape, matMulReps);
  const matMul = poolMatMul(before, after);
  log(`  ${o.preset} matMul again: ${after.gflops} GFLOP/s; step ${train.imgPerSec} img/s, ${train.gflopsPerSec} GFLOP/s = ${(train.gflopsPerSec / matMul.gflops).toFixed(3)} of matMul`);
  return { ...train, matMul, ratioToMatMul: round(train.gflopsPerSec / matMul.gflops) };
}

export { round };
