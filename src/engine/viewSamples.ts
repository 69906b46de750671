// What the page's views show of a model, one image at a time, between steps: μ per patch for
// the latent-sharing views, and MAE's reconstruction (decoded target patches pasted into the input).
import { batchTensors, disposeBatch, fromTimeMajor, toTimeMajor } from './batch';
import type { ModelDims } from './config';
import { unnormalisePixels } from './decoder';
import { sampleBatchMasks, type BatchMasks } from './masks';
import type { JepaModel } from './model';
import { readAndDispose } from './readBack';
import { Rng } from '../shared/rng';
import * as tf from './tf';
import type { Trainer } from './trainer';
import { linear } from './vit';

/** MAE's reconstruction of one image (reconstruct). */
export interface Reconstruction {
  /** The masks it was decoded under (B = 1). */
  masks: BatchMasks;
  /** Decoded pixels per target block, [numTarget, 3·p·p] each, patches in the mask's order. */
  blocks: Float32Array[];
  /** The whole image [N, 3·p·p]: the input with every target patch replaced by its reconstruction. */
  image: Float32Array;
}

/**
 * μ_p for every patch of one image, [N, K] (sparse mode): the context encoder sees the whole
 * image and the predictor is asked for every position at once. null without a sparse head.
 */
export async function patchLatents(t: Trainer, patches: Float32Array): Promise<Float32Array | null> {
  return t.model.sparseHead ? latentMeans(t.model, t.dims, patches, 1) : null;
}

/**
 * μ_p = h_p A_μ for every patch of B whole images (image-major patches [B·N, P]): [B, N, K]
 * image-major. Every position is context and target. The model must have a sparse head.
 */
export async function latentMeans(model: JepaModel, dims: ModelDims, patches: Float32Array, B: number): Promise<Float32Array> {
  const sparse = model.sparseHead;
  if (!sparse) throw new Error('latentMeans: the model has no sparse head');
  const { numPatches: N, patchDim: P, latentDim: K } = dims;
  // Time-major rows (vit.ts): patch t of image b at row t·B + b.
  const pos = Int32Array.from({ length: N * B }, (_, r) => Math.floor(r / B));
  const out = tf.tidy(() => {
    const ctx = model.context.forward(tf.tensor2d(toTimeMajor(patches, B, N, P), [N * B, P]), pos, B, N);
    const h = model.predictor.forward(ctx, pos, pos, B, N, 1, N);
    return linear(h, sparse.mu);
  });
  return fromTimeMajor(await readAndDispose(out), B, N, K);
}

/**
 * MAE: what the decoder makes of one image's target blocks from its context — pixels in the
 * model's input space (per-channel normalised, as makePatchBatch writes them), taken back from
 * per-patch normalised pixels with the true patches' mean and variance when maeNormPix is on.
 * `masks` (for B = 1) default to a draw from `seed`. null for JEPA and SparseJEPA. One read-back.
 * @param patches one whole image, [N, 3·p·p] (makeImageBatch).
 */
export async function reconstruct(t: Trainer, patches: Float32Array, masks?: BatchMasks, seed = 0): Promise<Reconstruction | null> {
  if (t.config.mode !== 'mae') return null;
  const { numPatches: N, patchDim: P } = t.dims;
  if (patches.length !== N * P) throw new RangeError(`reconstruct: expected one image of ${N}×${P} patch values, got ${patches.length}`);
  const m = masks ?? sampleBatchMasks(new Rng(seed), 1, t.maskSettings);
  if (m.context.length !== 1) throw new RangeError(`reconstruct: masks are for ${m.context.length} images, expected 1`);
  const batch = batchTensors(t.dims, patches, 1, m, t.groups, null);
  const decoded = tf.tidy(() => {
    const pred = t.model.predict(batch).pred;
    return t.config.maeNormPix ? unnormalisePixels(pred, tf.gather(batch.patches, batch.targetRows)) : pred;
  });
  disposeBatch(batch);
  const blocks = targetBlocks(await readAndDispose(decoded), m, P);
  return { masks: m, blocks, image: pasteBlocks(patches, blocks, m, N, P) };
}

/** The decoder's rows, per target block: its rows are time-major (batch.ts), patch j of block k at row j·nT + k (B = 1). */
function targetBlocks(flat: Float32Array, m: BatchMasks, P: number): Float32Array[] {
  const Nt = m.numTarget;
  const nT = m.targets.length;
  return m.targets.map((_, k) => {
    const blk = new Float32Array(Nt * P);
    for (let j = 0; j < Nt; j++) blk.set(flat.subarray((j * nT + k) * P, (j * nT + k + 1) * P), j * P);
    return blk;
  });
}

/** The whole image: the input, each target patch replaced by its decoded pixels (mean over the blocks that hold it). */
function pasteBlocks(patches: Float32Array, blocks: Float32Array[], m: BatchMasks, N: number, P: number): Float32Array {
  const image = Float32Array.from(patches);
  const sum = new Float32Array(N * P);
  const count = new Int32Array(N);
  m.targets.forEach((rows, k) =>
    rows[0].forEach((p, j) => {
      count[p]++;
      for (let i = 0; i < P; i++) sum[p * P + i] += blocks[k][j * P + i];
    }),
  );
  for (let p = 0; p < N; p++) if (count[p]) for (let i = 0; i < P; i++) image[p * P + i] = sum[p * P + i] / count[p];
  return image;
}
