// Measurements shared by the Node bench (src/cli/bench.ts) and the browser bench (src/bench/worker.ts):
// training images/s and GFLOP/s of the real Trainer step, a plain matMul at the model's largest
// product shape, and tf.memory() after many steps. Nothing here asserts a time: it measures.
import * as tf from '../engine/tf';
import type { DatasetSplits } from '../data/types';
import { modelDims, parseConfig, type LabConfig, type PresetName } from '../engine/config';
import type { BatchTensors } from '../engine/model';
import { Trainer } from '../engine/trainer';
import { largestProduct, stepFlops, type StepShape } from './flops';
import { countKernels, ReadTracker, type KernelCount } from './stepCost';

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

/** Wait until a tensor's pending GPU work is done (reads back one value; nothing to wait for on CPU/WASM). */
async function settle(t: tf.Tensor): Promise<void> {
  const one = tf.tidy(() => tf.slice(tf.reshape(t, [-1]), 0, 1));
  await one.data();
  one.dispose();
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

/** Training throughput of the real Trainer.step(), timed from outside, median over timed steps. */
export async function benchTraining(data: DatasetSplits, o: TrainOptions, log: Log = () => {}): Promise<TrainBench> {
  const config = benchConfig(o);
  const dims = modelDims(config);
  const trainer = Trainer.create(config, data);
  // Record each step's token counts as the model sees them (the masks vary from step to step).
  const shapes: StepShape[] = [];
  const model = trainer.model;
  const lossTerms = model.lossTerms;
  model.lossTerms = function (b: BatchTensors, ...rest) {
    shapes.push({ B: b.B, numContext: b.numContext, numTarget: b.numTarget, numTargets: b.numTargets });
    return lossTerms.call(this, b, ...rest);
  };
  const targetParams = model.target.params.trainableParams();
  const lastUpdated = targetParams[targetParams.length - 1].variable;
  const stepMs: number[] = [];
  const gflops: number[] = [];
  const flops: number[] = [];
  const hostMs: number[] = [];
  let awaited = 0;
  let issued = 0;
  let kernels: KernelCount | undefined;
  let loss = NaN;
  const minSteps = o.minSteps ?? Math.min(3, o.steps);
  let t0 = performance.now();
  const reads = new ReadTracker();
  try {
    for (let i = 0; i < o.warmup + o.steps; i++) {
      if (i === o.warmup) {
        kernels = await countKernels(() => trainer.step());
        await settle(lastUpdated);
        t0 = performance.now();
      }
      const s = performance.now();
      const { result: m, wallMs, reads: r } = await reads.iteration(() => trainer.step());
      // On a GPU, step() returns once its loss is read back, with the optimiser and EMA updates
      // still queued: wait for the last of them, so each step is charged its own work.
      await settle(lastUpdated);
      const dt = performance.now() - s;
      loss = m.loss;
      const timed = i >= o.warmup;
      const f = stepFlops(dims, config.mode, shapes[shapes.length - 1]).total;
      log(`  ${o.preset} ${timed ? 'step' : 'warm-up'} ${i + 1}: ${dt.toFixed(0)} ms, ${(config.batchSize / (dt / 1000)).toFixed(2)} img/s, ${(f / dt / 1e6).toFixed(2)} GFLOP/s, Nc=${shapes[shapes.length - 1].numContext} Nt=${shapes[shapes.length - 1].numTarget}`);
      if (timed) {
        hostMs.push(wallMs - r.waitMs);
        awaited += r.awaited;
        issued += r.issued;
        stepMs.push(dt);
        flops.push(f);
        gflops.push(f / dt / 1e6);
        if (o.maxSeconds !== undefined && stepMs.length >= minSteps && (performance.now() - t0) / 1000 > o.maxSeconds) break;
      }
    }
  } finally {
    reads.dispose();
    model.lossTerms = lossTerms;
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
    masks: shapes.map((s) => [s.numContext, s.numTarget]),
    kernels: kernels!,
    hostMs: round(median(hostMs), 4),
    readBacks: { awaitedPerStep: round(awaited / stepMs.length), issuedPerStep: round(issued / stepMs.length) },
    numTargets: config.numTargets,
    finalLoss: round(loss, 5),
  };
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
