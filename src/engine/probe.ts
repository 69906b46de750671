// The paper's evaluation: freeze the target encoder, mean-pool its patch outputs over the whole
// image, fit a multinomial logistic regression on the train split (standardised features, weight
// decay, Adam), and report top-1 / top-5 on the test split.
import { makeImageBatch } from '../data/batch';
import type { DatasetSplits, ImageDataset } from '../data/types';
import { Rng } from '../shared/rng';
import * as tf from './tf';

export interface ProbeOptions {
  epochs: number;
  lr: number;
  weightDecay: number;
  batchSize: number;
  seed: number;
}

export const DEFAULT_PROBE: ProbeOptions = { epochs: 30, lr: 1e-2, weightDecay: 1e-4, batchSize: 256, seed: 0 };

export interface ProbeResult {
  top1: number;
  top5: number;
  trainCount: number;
  testCount: number;
}

/** A probe beside its floor: the same probe on the same architecture and seed at random init. */
export interface ProbeWithFloor extends ProbeResult {
  randomInitTop1: number;
  randomInitTop5: number;
}

/** The trained probe's numbers beside its floor's accuracies (the counts are the trained probe's: both see the same images). */
export function withFloor(trained: ProbeResult, floor: ProbeResult): ProbeWithFloor {
  return {
    top1: trained.top1,
    top5: trained.top5,
    randomInitTop1: floor.top1,
    randomInitTop5: floor.top5,
    trainCount: trained.trainCount,
    testCount: trained.testCount,
  };
}

/** Features [n, D]: per-feature mean and std from the train split, applied to both splits. */
export function standardise(train: Float32Array, test: Float32Array, D: number): { train: Float32Array; test: Float32Array } {
  const n = train.length / D;
  const mean = new Float64Array(D);
  const sq = new Float64Array(D);
  for (let i = 0; i < n; i++) for (let d = 0; d < D; d++) mean[d] += train[i * D + d] / n;
  for (let i = 0; i < n; i++) for (let d = 0; d < D; d++) sq[d] += (train[i * D + d] - mean[d]) ** 2 / n;
  const inv = Array.from(sq, (v) => 1 / Math.sqrt(v + 1e-8));
  const apply = (x: Float32Array) => x.map((v, j) => (v - mean[j % D]) * inv[j % D]);
  return { train: apply(train), test: apply(test) };
}

/** Share of rows whose true label is among the k largest logits ([n, C], row-major). */
export function topKAccuracy(logits: Float32Array, labels: Int32Array, C: number, k: number): number {
  const n = labels.length;
  if (n === 0) return 0;
  let hits = 0;
  for (let i = 0; i < n; i++) {
    const own = logits[i * C + labels[i]];
    let above = 0; // classes scoring strictly higher than the true one (ties count for the true class)
    for (let c = 0; c < C; c++) if (logits[i * C + c] > own) above++;
    if (above < k) hits++;
  }
  return hits / n;
}

/** Softmax cross-entropy + ½·wd·‖W‖², the logistic-regression objective. */
function probeLoss(x: tf.Tensor2D, y: tf.Tensor2D, W: tf.Variable, b: tf.Variable, wd: number): tf.Scalar {
  const logits = tf.add(tf.matMul(x, W), b);
  return tf.add(tf.losses.softmaxCrossEntropy(y, logits), tf.mul(0.5 * wd, tf.sum(tf.square(W)))) as tf.Scalar;
}

/**
 * Fit the probe on (trainX, trainY), evaluate on (testX, testY). Features must already be
 * standardised. `onProgress` gets the share of epochs done.
 */
export async function fitLinearProbe(
  trainX: Float32Array,
  trainY: Int32Array,
  testX: Float32Array,
  testY: Int32Array,
  numClasses: number,
  opts: Partial<ProbeOptions> = {},
  onProgress?: (done: number) => void,
): Promise<ProbeResult> {
  const o = { ...DEFAULT_PROBE, ...opts };
  const n = trainY.length;
  const D = trainX.length / Math.max(1, n);
  if (n === 0 || testY.length === 0) throw new Error(`the probe needs train and test images (got ${n} and ${testY.length})`);
  // tf.variable keeps its initial tensor alive beside itself; tidy drops the zeros.
  const [W, b] = tf.tidy(() => [tf.variable(tf.zeros([D, numClasses])), tf.variable(tf.zeros([numClasses]))]);
  const optimizer = tf.train.adam(o.lr);
  const xAll = tf.tensor2d(trainX, [n, D]);
  const yAll = tf.tidy(() => tf.oneHot(tf.tensor1d(trainY, 'int32'), numClasses).toFloat() as tf.Tensor2D);
  const rng = new Rng(o.seed);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  try {
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      rng.shuffle(order);
      for (let start = 0; start < n; start += o.batchSize) {
        const idx = tf.tensor1d(order.subarray(start, Math.min(n, start + o.batchSize)), 'int32');
        tf.tidy(() => {
          const x = tf.gather(xAll, idx);
          const y = tf.gather(yAll, idx);
          // variableGrads, not optimizer.minimize: minimize's returned cost is unreliable on WebGPU.
          const { grads } = tf.variableGrads(() => probeLoss(x, y, W, b, o.weightDecay), [W, b]);
          optimizer.applyGradients(grads as Parameters<typeof optimizer.applyGradients>[0]);
        });
        idx.dispose();
      }
      onProgress?.((epoch + 1) / o.epochs);
      await new Promise((r) => setTimeout(r, 0)); // let the host answer messages between epochs
    }
    const logits = tf.tidy(() => tf.add(tf.matMul(tf.tensor2d(testX, [testY.length, D]), W), b));
    const values = (await logits.data()) as Float32Array;
    logits.dispose();
    return {
      top1: topKAccuracy(values, testY, numClasses, 1),
      top5: topKAccuracy(values, testY, numClasses, Math.min(5, numClasses)),
      trainCount: n,
      testCount: testY.length,
    };
  } finally {
    tf.dispose([W, b, xAll, yAll]);
    optimizer.dispose();
  }
}

/** What the probe needs from a model: whole images in, [B, N, D] patch outputs out. */
export interface PatchEncoder {
  readonly dims: { numPatches: number; embedDim: number; patchSize: number };
  encode(patches: Float32Array, B: number): Promise<Float32Array>;
}

/** Mean over the N patch outputs of each image: [n, D] features of a whole split. */
export async function pooledFeatures(
  encoder: PatchEncoder,
  ds: ImageDataset,
  batchSize = 128,
  onProgress?: (done: number) => void,
): Promise<Float32Array> {
  const { numPatches: N, embedDim: D, patchSize } = encoder.dims;
  const out = new Float32Array(ds.size * D);
  for (let start = 0; start < ds.size; start += batchSize) {
    const idx = Array.from({ length: Math.min(batchSize, ds.size - start) }, (_, i) => start + i);
    const e = await encoder.encode(makeImageBatch(ds, idx, patchSize), idx.length);
    for (let b = 0; b < idx.length; b++) {
      for (let n = 0; n < N; n++) {
        for (let d = 0; d < D; d++) out[(start + b) * D + d] += e[(b * N + n) * D + d] / N;
      }
    }
    onProgress?.(Math.min(1, (start + idx.length) / ds.size));
  }
  return out;
}

/** Encode both splits with a frozen encoder, then fit and score the probe. */
export async function probeEncoder(
  encoder: PatchEncoder,
  data: DatasetSplits,
  opts: Partial<ProbeOptions> = {},
  onProgress?: (done: number) => void,
): Promise<ProbeResult> {
  const D = encoder.dims.embedDim;
  const share = (from: number, to: number) => (x: number) => onProgress?.(from + (to - from) * x);
  const train = await pooledFeatures(encoder, data.train, 128, share(0, 0.4));
  const test = await pooledFeatures(encoder, data.test, 128, share(0.4, 0.5));
  const s = standardise(train, test, D);
  return fitLinearProbe(s.train, data.train.labels, s.test, data.test.labels, data.train.classNames.length, opts, share(0.5, 1));
}
