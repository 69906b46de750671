// Images → model input: normalised patch vectors laid out like a PyTorch Conv2d patch
// embedding sees them, with the standard CIFAR augmentations (random crop with zero
// padding, then random horizontal flip, as torchvision's RandomCrop + RandomHorizontalFlip).
import type { Rng } from '../shared/rng';
import { DatasetError, IMAGE_BYTES, IMAGE_SIZE, type ImageDataset } from './types';

/** Per-channel CIFAR-100 train-set mean and std of x/255. */
export const CIFAR100_MEAN = [0.5071, 0.4865, 0.4409] as const;
export const CIFAR100_STD = [0.2673, 0.2564, 0.2762] as const;

// Module-local copies: bundlers and tsx turn imported bindings into getters, slow in hot loops.
const SIZE = IMAGE_SIZE;
const PLANE = SIZE * SIZE;
const BYTES = IMAGE_BYTES;

/** byte → normalised value, per channel: (x/255 − mean_c)/std_c. */
const NORMALISED: Float32Array[] = [0, 1, 2].map((c) =>
  Float32Array.from({ length: 256 }, (_, x) => (x / 255 - CIFAR100_MEAN[c]) / CIFAR100_STD[c]),
);

/** The normalised value of raw byte `x` in channel `c` (what padding pixels, raw 0, become too). */
export function normalisePixel(x: number, c: number): number {
  return NORMALISED[c][x];
}

export interface PatchOptions {
  patchSize: number;
  /** Random horizontal flip with probability 0.5. */
  flip: boolean;
  /** Zero-pad by this many pixels, then take a random 32×32 crop (0 = no crop). */
  cropPad: number;
}

/** How one image is augmented: crop offset into the padded image, then an optional mirror. */
export interface Augmentation {
  dx: number;
  dy: number;
  flip: boolean;
}

function checkPatchSize(p: number): void {
  if (!Number.isInteger(p) || p < 1 || SIZE % p !== 0) throw new DatasetError(`patch size ${p} does not divide the ${SIZE}-pixel image`);
}

function checkIndices(ds: ImageDataset, indices: ArrayLike<number>): void {
  for (let b = 0; b < indices.length; b++) {
    const i = indices[b];
    if (!Number.isInteger(i) || i < 0 || i >= ds.size) throw new DatasetError(`index ${i} out of range for ${ds.name} (${ds.size} images)`);
  }
}

/** Patches per image for a patch size: (32/p)². */
export const numPatches = (patchSize: number): number => (SIZE / patchSize) ** 2;

/**
 * Write image `src` (CHW bytes) into `out` at `base` as [N, 3·p·p] normalised patch vectors,
 * patches in row-major grid order, each vector in (channel, row-in-patch, col-in-patch) order.
 * Output pixel (y, x) reads source pixel (y + dy − pad, x' + dx − pad) with x' = flip ? 31 − x : x;
 * pixels outside the source are zero padding.
 */
function writePatches(out: Float32Array, base: number, src: Uint8Array, p: number, pad: number, aug: Augmentation): void {
  const grid = SIZE / p;
  const patchDim = 3 * p * p;
  for (let c = 0; c < 3; c++) {
    const lut = NORMALISED[c];
    const padValue = lut[0];
    const plane = c * PLANE;
    for (let y = 0; y < SIZE; y++) {
      const sy = y + aug.dy - pad;
      const rowInside = sy >= 0 && sy < SIZE;
      const py = (y / p) | 0;
      const iy = y - py * p;
      for (let x = 0; x < SIZE; x++) {
        const sx = (aug.flip ? SIZE - 1 - x : x) + aug.dx - pad;
        const v = rowInside && sx >= 0 && sx < SIZE ? lut[src[plane + sy * SIZE + sx]] : padValue;
        const px = (x / p) | 0;
        out[base + (py * grid + px) * patchDim + c * p * p + iy * p + (x - px * p)] = v;
      }
    }
  }
}

/** Draw one image's augmentation: flip first, then crop offsets, so runs replay from the seed. */
export function drawAugmentation(rng: Rng, flip: boolean, cropPad: number): Augmentation {
  const doFlip = flip ? rng.next() < 0.5 : false;
  const dx = cropPad > 0 ? rng.int(2 * cropPad + 1) : 0;
  const dy = cropPad > 0 ? rng.int(2 * cropPad + 1) : 0;
  return { dx, dy, flip: doFlip };
}

/**
 * A training batch: Float32Array of shape [B, N, 3·p·p], N = (32/p)², normalised with the
 * CIFAR-100 statistics, each image randomly cropped (zero padding `cropPad`) and flipped.
 */
export function makePatchBatch(ds: ImageDataset, indices: Int32Array | number[], opts: PatchOptions, rng: Rng): Float32Array {
  checkPatchSize(opts.patchSize);
  checkIndices(ds, indices);
  if (!Number.isInteger(opts.cropPad) || opts.cropPad < 0) throw new DatasetError(`cropPad ${opts.cropPad} must be a whole number ≥ 0`);
  const per = numPatches(opts.patchSize) * 3 * opts.patchSize * opts.patchSize; // = 3072
  const out = new Float32Array(indices.length * per);
  for (let b = 0; b < indices.length; b++) {
    const aug = drawAugmentation(rng, opts.flip, opts.cropPad);
    const i = indices[b];
    writePatches(out, b * per, ds.images.subarray(i * BYTES, (i + 1) * BYTES), opts.patchSize, opts.cropPad, aug);
  }
  return out;
}

/** An evaluation batch: the same layout as makePatchBatch with no augmentation. */
export function makeImageBatch(ds: ImageDataset, indices: Int32Array | number[], patchSize: number): Float32Array {
  checkPatchSize(patchSize);
  checkIndices(ds, indices);
  const out = new Float32Array(indices.length * BYTES);
  const none: Augmentation = { dx: 0, dy: 0, flip: false };
  for (let b = 0; b < indices.length; b++) {
    const i = indices[b];
    writePatches(out, b * BYTES, ds.images.subarray(i * BYTES, (i + 1) * BYTES), patchSize, 0, none);
  }
  return out;
}

/** The labels of a batch, in batch order. */
export function batchLabels(ds: ImageDataset, indices: Int32Array | number[]): Int32Array {
  checkIndices(ds, indices);
  return Int32Array.from(indices, (i) => ds.labels[i]);
}
