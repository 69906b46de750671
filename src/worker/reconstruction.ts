// The worker side of MAE's reconstruction view: one train image, the context the encoder sees,
// and the decoder's pixels for the target blocks pasted into the image (Trainer.reconstruct).
// Runs between steps (through the worker's tensor queue), so it reads a settled model and
// touches no training state: the masks come from their own seed, not the run's mask stream.
import { CIFAR100_MEAN, CIFAR100_STD, makeImageBatch } from '../data/batch';
import { classNameOf, IMAGE_SIZE } from '../data/types';
import type { Trainer } from '../engine/trainer';
import type { ReconstructionRequest, ReconstructionSample, RunId } from './protocol';

/** Masks of image i are drawn from seed MASK_SEED + i: the same image keeps its masks from step to step, so the view shows learning, not a new draw. */
export const MASK_SEED = 0x3ae;

/** Grey for patches the encoder did not see (in bytes, every channel). */
export const HIDDEN_GREY = 128;

/**
 * Model-space patches [N, 3·p·p] (per-channel normalised, makePatchBatch's layout) back to
 * 32×32 interleaved RGB bytes: x = 255·(v·std_c + mean_c), rounded and clamped to 0…255.
 */
export function patchesToRgb(patches: Float32Array, patchSize: number): Uint8Array {
  const p = patchSize;
  const grid = IMAGE_SIZE / p;
  const patchDim = 3 * p * p;
  if (patches.length !== grid * grid * patchDim) throw new RangeError(`expected ${grid * grid} patches of ${patchDim} values, got ${patches.length} values`);
  const out = new Uint8Array(IMAGE_SIZE * IMAGE_SIZE * 3);
  for (let y = 0; y < IMAGE_SIZE; y++) {
    const py = (y / p) | 0;
    for (let x = 0; x < IMAGE_SIZE; x++) {
      const px = (x / p) | 0;
      const base = (py * grid + px) * patchDim + (y - py * p) * p + (x - px * p);
      for (let c = 0; c < 3; c++) {
        const v = 255 * (patches[base + c * p * p] * CIFAR100_STD[c] + CIFAR100_MEAN[c]);
        out[3 * (y * IMAGE_SIZE + x) + c] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  }
  return out;
}

/** `rgb` with every patch outside `keep` painted HIDDEN_GREY. */
export function keepPatches(rgb: Uint8Array, patchSize: number, keep: Iterable<number>): Uint8Array {
  const grid = IMAGE_SIZE / patchSize;
  const kept = new Set(keep);
  const out = rgb.slice();
  for (let y = 0; y < IMAGE_SIZE; y++) {
    for (let x = 0; x < IMAGE_SIZE; x++) {
      if (kept.has(((y / patchSize) | 0) * grid + ((x / patchSize) | 0))) continue;
      out.fill(HIDDEN_GREY, 3 * (y * IMAGE_SIZE + x), 3 * (y * IMAGE_SIZE + x) + 3);
    }
  }
  return out;
}

/** MAE's reconstruction of train image `imageIndex` (null for a JEPA or SparseJEPA run: they decode no pixels). */
export async function reconstructionSample(t: Trainer, runId: RunId, request: ReconstructionRequest): Promise<ReconstructionSample | null> {
  if (t.config.mode !== 'mae') return null;
  const ds = t.data.train;
  const i = request.imageIndex;
  if (!Number.isInteger(i) || i < 0 || i >= ds.size) throw new RangeError(`image index ${i} is outside 0…${ds.size - 1}`);
  const { patchSize, patchDim: P, grid } = t.dims;
  const patches = makeImageBatch(ds, [i], patchSize);
  const r = await t.reconstruct(patches, undefined, MASK_SEED + i);
  if (!r) return null;
  const targets = r.masks.targets.map((rows) => rows[0].slice());
  const context = r.masks.context[0].slice();
  // Squared error of the decoded target pixels against the true ones, per value, in the model's (per-channel normalised) pixel space.
  let se = 0;
  let n = 0;
  for (const p of new Set(targets.flat())) {
    for (let k = 0; k < P; k++) se += (r.image[p * P + k] - patches[p * P + k]) ** 2;
    n += P;
  }
  const input = patchesToRgb(patches, patchSize);
  return {
    runId,
    step: t.stepCount,
    imageIndex: i,
    trainSize: ds.size,
    label: classNameOf(ds, i),
    grid,
    patchSize,
    normPix: t.config.maeNormPix,
    input,
    context: keepPatches(input, patchSize, context),
    reconstruction: keepPatches(patchesToRgb(r.image, patchSize), patchSize, [...context, ...targets.flat()]),
    contextPatches: context,
    targets,
    targetMse: n ? se / n : 0,
  };
}

/** The sample's byte buffers, to transfer rather than copy. */
export function reconstructionTransferables(s: ReconstructionSample): ArrayBuffer[] {
  return [s.input.buffer, s.context.buffer, s.reconstruction.buffer] as ArrayBuffer[];
}
