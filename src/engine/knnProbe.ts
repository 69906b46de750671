// DINO's weighted k-NN classifier (eval_knn.py, knn_classifier) on a frozen encoder's
// mean-pooled features — the linear probe's features (pooledFeatures), not standardised but
// L2-normalised, so a dot product is the cosine similarity. Each test image takes its k nearest
// train images (largest cosine), each votes for its class with weight exp(sim / T), and the
// classes ranked by summed votes give top-1 / top-5. Nothing is fitted: no epochs, no seed.
// Computed in slices of test rows, so memory is [rows, trainCount] at a time, not [test, train].
// Departure from DINO on purpose: its sort breaks tied vote totals by class index; here a tie
// counts for the true class (as the linear probe's topKAccuracy does), but a class no neighbour
// voted for is never predicted (DINO's top-5 can "predict" zero-vote classes when fewer than 5
// classes got votes).
import type { DatasetSplits } from '../data/types';
import { pooledFeatures, type PatchEncoder, type ProbeResult } from './probe';
import * as tf from './tf';

export interface KnnProbeOptions {
  /** Neighbours per test image (DINO: 20); more than the train split means all of it. */
  k: number;
  /** Vote weight exp(sim / temperature) (DINO: 0.07). */
  temperature: number;
  /** Test rows per similarity slice (the [rows, trainCount] matrix in memory at a time). */
  sliceRows: number;
}

export const DEFAULT_KNN_PROBE: KnnProbeOptions = { k: 20, temperature: 0.07, sliceRows: 256 };

/** The k nearest train rows of each test row: their cosine similarities and indices, [m, k] row-major, nearest first. */
export interface Neighbours {
  k: number;
  sims: Float32Array;
  indices: Int32Array;
}

/** Options checked; a bad one is a RangeError naming it (the CLI reports it under its flag). */
export function knnOptions(opts: Partial<KnnProbeOptions> = {}): KnnProbeOptions {
  const o = { ...DEFAULT_KNN_PROBE, ...opts };
  if (!Number.isInteger(o.k) || o.k < 1) throw new RangeError(`k: expected a whole number ≥ 1, got ${o.k}`);
  if (!Number.isFinite(o.temperature) || o.temperature <= 0) throw new RangeError(`temperature: expected a number > 0, got ${o.temperature}`);
  if (!Number.isInteger(o.sliceRows) || o.sliceRows < 1) throw new RangeError(`sliceRows: expected a whole number ≥ 1, got ${o.sliceRows}`);
  return o;
}

/** Rows [n, D] scaled to unit length (DINO: nn.functional.normalize(features, dim=1, p=2), eps 1e-12). */
export function l2Normalise(x: Float32Array, D: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i += D) {
    let sq = 0;
    for (let d = 0; d < D; d++) sq += x[i + d] ** 2;
    const inv = 1 / Math.max(Math.sqrt(sq), 1e-12);
    for (let d = 0; d < D; d++) out[i + d] = x[i + d] * inv;
  }
  return out;
}

/** Cosine top-k of unit rows, a slice of test rows at a time (DINO: similarity = mm(features, train_features.T); similarity.topk(k)). */
export async function nearestNeighbours(train: Float32Array, test: Float32Array, D: number, k: number, sliceRows: number): Promise<Neighbours> {
  const n = train.length / D;
  const m = test.length / D;
  const kk = Math.min(k, n); // k beyond the train split: every train image votes
  const sims = new Float32Array(m * kk);
  const indices = new Int32Array(m * kk);
  if (m === 0 || kk === 0) return { k: kk, sims, indices };
  const trainT = tf.tensor2d(train, [n, D]);
  try {
    for (let start = 0; start < m; start += sliceRows) {
      const rows = Math.min(sliceRows, m - start);
      const { values, indices: idx } = tf.tidy(() => tf.topk(tf.matMul(tf.tensor2d(test.subarray(start * D, (start + rows) * D), [rows, D]), trainT, false, true), kk, true));
      try {
        sims.set((await values.data()) as Float32Array, start * kk);
        indices.set((await idx.data()) as Int32Array, start * kk);
      } finally {
        tf.dispose([values, idx]);
      }
    }
  } finally {
    trainT.dispose();
  }
  return { k: kk, sims, indices };
}

/** Per test row and class, the summed vote weights exp(sim / T) of its neighbours of that class, [m, C] (DINO: sum(retrieval_one_hot · exp(distances / T))). */
export function weightedVotes(nb: Neighbours, trainLabels: Int32Array, numClasses: number, temperature: number): Float64Array {
  const m = nb.k === 0 ? 0 : nb.sims.length / nb.k;
  const votes = new Float64Array(m * numClasses);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < nb.k; j++) votes[i * numClasses + trainLabels[nb.indices[i * nb.k + j]]] += Math.exp(nb.sims[i * nb.k + j] / temperature);
  }
  return votes;
}

/** Share of rows whose true class got a vote and is among the `top` largest totals, ties counting for it (DINO: predictions = probs.sort(); correct.narrow(1, 0, top)). */
export function votedTopK(votes: Float64Array, labels: Int32Array, numClasses: number, top: number): number {
  const m = labels.length;
  if (m === 0) return 0;
  let hits = 0;
  for (let i = 0; i < m; i++) {
    const own = votes[i * numClasses + labels[i]];
    if (!(own > 0)) continue; // no neighbour of its class: not a prediction
    let above = 0;
    for (let c = 0; c < numClasses; c++) if (votes[i * numClasses + c] > own) above++;
    if (above < top) hits++;
  }
  return hits / m;
}

/** DINO's knn_classifier on raw features [n, D] and [m, D]: normalise, neighbours, votes, top-1 / top-5. */
export async function knnClassify(
  trainX: Float32Array,
  trainY: Int32Array,
  testX: Float32Array,
  testY: Int32Array,
  numClasses: number,
  opts: Partial<KnnProbeOptions> = {},
): Promise<ProbeResult> {
  const o = knnOptions(opts);
  const n = trainY.length;
  if (n === 0 || testY.length === 0) throw new Error(`the probe needs train and test images (got ${n} and ${testY.length})`);
  const D = trainX.length / n;
  const nb = await nearestNeighbours(l2Normalise(trainX, D), l2Normalise(testX, D), D, o.k, o.sliceRows);
  const votes = weightedVotes(nb, trainY, numClasses, o.temperature);
  return {
    top1: votedTopK(votes, testY, numClasses, 1),
    top5: votedTopK(votes, testY, numClasses, Math.min(5, numClasses)),
    trainCount: n,
    testCount: testY.length,
  };
}

/** Encode both splits with a frozen encoder (mean-pooled, as the linear probe), then classify the test split by its k nearest train images. */
export async function probeEncoderKnn(
  encoder: PatchEncoder,
  data: DatasetSplits,
  opts: Partial<KnnProbeOptions> = {},
  onProgress?: (done: number) => void,
): Promise<ProbeResult> {
  const o = knnOptions(opts); // refused before any encoding
  const share = (from: number, to: number) => (x: number) => onProgress?.(from + (to - from) * x);
  const train = await pooledFeatures(encoder, data.train, 128, share(0, 0.8));
  const test = await pooledFeatures(encoder, data.test, 128, share(0.8, 0.95));
  const r = await knnClassify(train, data.train.labels, test, data.test.labels, data.train.classNames.length, o);
  onProgress?.(1);
  return r;
}
