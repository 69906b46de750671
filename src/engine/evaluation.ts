// A trainer's encoders and loss looked at between steps, training state untouched: the encoders'
// outputs on whole images, and the loss terms on one fixed batch (the cross-backend check).
import { makePatchBatch } from '../data/batch';
import { batchTensors, disposeBatch, fromTimeMajor, toTimeMajor } from './batch';
import type { ModelDims } from './config';
import type { Encoder } from './encoder';
import { sampleBatchMasks } from './masks';
import { readAndDispose } from './readBack';
import { Rng } from '../shared/rng';
import * as tf from './tf';
import type { Trainer } from './trainer';

export interface FixedBatchLoss {
  loss: number;
  predLoss: number;
  klLoss: number;
  groupPenalty: number;
}

/**
 * Loss terms on one fixed batch, without noise and without augmentation: the same numbers on
 * every backend for the same weights (used to check WebGPU/WASM against the CPU backend).
 */
export async function evaluateFixedBatch(t: Trainer, seed = 0): Promise<FixedBatchLoss> {
  const { config: c, dims, model } = t;
  const train = t.data.train;
  const rng = new Rng(seed);
  const order = rng.shuffle(Array.from({ length: train.size }, (_, i) => i));
  const indices = order.slice(0, Math.min(c.batchSize, order.length));
  const masks = sampleBatchMasks(new Rng(seed + 1), indices.length, t.maskSettings);
  // No flip, no crop: the augmentation stream is not drawn from.
  const patches = makePatchBatch(train, indices, { patchSize: c.patchSize, flip: false, cropPad: 0 }, new Rng(0));
  const batch = batchTensors(dims, patches, indices.length, masks, t.groups, null);
  const { lambda, beta } = t.hyper();
  const stacked = tf.tidy(() => {
    const targets = model.targets(batch);
    const terms = model.lossTerms(batch, targets, lambda, beta, false);
    return tf.stack([terms.total, terms.pred, terms.kl, terms.penalty]);
  });
  disposeBatch(batch);
  const [loss, predLoss, klLoss, groupPenalty] = await readAndDispose(stacked);
  return { loss, predLoss, klLoss, groupPenalty };
}

/**
 * Encoder outputs for B whole images given as patches (image-major): [B, N, D]. 'target' is the
 * encoder that is probed: f_θ̄, or the context encoder f_θ when the run has no EMA target (MAE).
 */
export async function encode(t: Trainer, patches: Float32Array, B: number, which: 'target' | 'context' = 'target'): Promise<Float32Array> {
  return encodeImages(which === 'target' ? t.model.evaluated : t.model.context, t.dims, patches, B);
}

/** `enc`'s outputs for B whole images given as patches (image-major): [B, N, D]. */
export async function encodeImages(enc: Encoder, dims: ModelDims, patches: Float32Array, B: number): Promise<Float32Array> {
  const { numPatches: N, patchDim: P, embedDim: D } = dims;
  const pos = Int32Array.from({ length: N * B }, (_, i) => Math.floor(i / B));
  // The encoder's rows are time-major (vit.ts): reorder on the way in and out, on the host.
  const out = tf.tidy(() => enc.forward(tf.tensor2d(toTimeMajor(patches, B, N, P), [N * B, P]), pos, B, N));
  return fromTimeMajor(await readAndDispose(out), B, N, D);
}
