// What each latent responds to (issue 23): over a set of test images, the patches that drive each
// unit most, and which groups read it.
//   SparseJEPA: the K latents u of the sparse head (docs/design.md §1.4), taken at their mean μ_p
//     (u = μ, the evaluation head, not a sample u = μ + σ ⊙ ε), one value per patch p: the context
//     encoder sees the whole image and the predictor is asked for every position (viewSamples.ts's
//     latentMeans). Latent k is read by group g when ‖W^(g)_{·,k}‖₂ ≥ zeroThreshold (the
//     sharing views' activeSets); group g uses the latents it reads.
//   JEPA and MAE (no latents): the D output dimensions of the probed encoder's patch tokens (f_θ̄;
//     MAE's context encoder), ranked by their variance over all the patch tokens of the images (a
//     dimension that does not vary carries nothing); the top `dimensions` of them are the units.
// Each unit's top patches are those with the largest (signed) activation. Pure tfjs: Node and worker.
import { makeImageBatch } from '../data/batch';
import { IMAGE_SIZE, type ImageDataset } from '../data/types';
import type { ModelDims } from './config';
import { encodeImages } from './evaluation';
import type { JepaModel } from './model';
import { activeSets } from './sharing';
import { readGroupNorms } from './trainerHealth';
import { latentMeans } from './viewSamples';

/** One patch of one image and a unit's activation there. */
export interface TopPatch {
  /** Index into the image set (the test split). */
  imageIndex: number;
  /** Row-major patch index, row · grid + col. */
  patch: number;
  row: number;
  col: number;
  value: number;
}

/** One latent (or encoder dimension) and what drives it. */
export interface UnitPatches {
  /** Latent k (SparseJEPA) or output dimension d (JEPA, MAE). */
  unit: number;
  /** Its variance over every patch of the images. */
  variance: number;
  /** Its largest activations, largest first (ties: earlier image, then earlier patch). */
  top: TopPatch[];
  /** The groups g with ‖W^(g)_{·,k}‖₂ ≥ zeroThreshold (SparseJEPA; [] otherwise). */
  groups: number[];
}

export interface LatentPatches {
  mode: JepaModel['config']['mode'];
  /** 'latents': the sparse head's μ; 'dimensions': the probed encoder's output dimensions. */
  kind: 'latents' | 'dimensions';
  /** What was measured, in words. */
  source: string;
  /** How many units the space has (K latents or D dimensions); `units` lists all K, or the top `dimensions` of D. */
  space: number;
  images: number;
  grid: number;
  patchSize: number;
  zeroThreshold: number;
  /** SparseJEPA: every latent 0…K−1 in order; else the dimensions by variance, largest first. */
  units: UnitPatches[];
  /** SparseJEPA: for each group g, the latents it reads (ascending); [] otherwise. */
  groups: { group: number; latents: number[] }[];
  /** ‖W^(g)_{·,k}‖₂, G rows of K (SparseJEPA; null otherwise). */
  norms: number[][] | null;
}

export interface LatentPatchesOptions {
  /** Top patches kept per unit (default 8). */
  topN?: number;
  /** The first `images` images of the set (default 256; at most its size). */
  images?: number;
  /** JEPA / MAE: how many of the D dimensions to list (default 32, at most D). */
  dimensions?: number;
  /** Images per forward pass (default 32). */
  batchSize?: number;
}

export const LATENT_PATCH_DEFAULTS = { topN: 8, images: 256, dimensions: 32, batchSize: 32 } as const;

/**
 * Per-patch activations of B whole images (image-major patches [B·N, P]): [B, N, U] image-major.
 * SparseJEPA: μ_p = h_p A_μ for every patch (U = K); else the probed encoder's tokens (U = D).
 */
export async function patchActivations(model: JepaModel, dims: ModelDims, patches: Float32Array, B: number): Promise<Float32Array> {
  return model.sparseHead ? latentMeans(model, dims, patches, B) : encodeImages(model.evaluated, dims, patches, B);
}

/** The n largest values seen, largest first; a new value enters only when strictly larger than the n-th (ties keep the earlier). */
export class TopN {
  readonly items: { value: number; imageIndex: number; patch: number }[] = [];
  constructor(readonly n: number) {}
  offer(value: number, imageIndex: number, patch: number): void {
    const items = this.items;
    if (items.length === this.n && !(value > items[items.length - 1].value)) return;
    let i = items.length;
    while (i > 0 && value > items[i - 1].value) i--;
    items.splice(i, 0, { value, imageIndex, patch });
    if (items.length > this.n) items.pop();
  }
}

/** Running mean and variance (Welford) of each of U columns. */
class ColumnMoments {
  private count = 0;
  readonly mean: Float64Array;
  private readonly m2: Float64Array;
  constructor(U: number) {
    this.mean = new Float64Array(U);
    this.m2 = new Float64Array(U);
  }
  add(row: Float32Array): void {
    this.count++;
    for (let u = 0; u < row.length; u++) {
      const d = row[u] - this.mean[u];
      this.mean[u] += d / this.count;
      this.m2[u] += d * (row[u] - this.mean[u]);
    }
  }
  /** Population variance of column u (0 with no rows). */
  variance(u: number): number {
    return this.count ? this.m2[u] / this.count : 0;
  }
}

/** Groups that read latent k: { g : ‖W^(g)_{·,k}‖₂ ≥ τ } (ascending). */
export function groupsReading(active: boolean[][], k: number): number[] {
  return active.flatMap((row, g) => (row[k] ? [g] : []));
}

/** Latents group g reads: { k : ‖W^(g)_{·,k}‖₂ ≥ τ } (ascending). */
export function latentsOfGroup(active: boolean[][], g: number): number[] {
  return active[g].flatMap((on, k) => (on ? [k] : []));
}

/**
 * For each unit, the top-n patches of the first `images` images of `ds` and its variance over all
 * their patches; SparseJEPA adds the groups reading each latent and each group's latents.
 * One forward pass and one read-back per batch of images; no tensor outlives the call.
 */
export async function latentPatches(model: JepaModel, dims: ModelDims, ds: ImageDataset, opts: LatentPatchesOptions = {}): Promise<LatentPatches> {
  const topN = opts.topN ?? LATENT_PATCH_DEFAULTS.topN;
  const batchSize = opts.batchSize ?? LATENT_PATCH_DEFAULTS.batchSize;
  const want = opts.images ?? LATENT_PATCH_DEFAULTS.images;
  for (const [name, v] of [['topN', topN], ['images', want], ['batchSize', batchSize]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`latentPatches: ${name} must be a whole number ≥ 1, got ${v}`);
  }
  if (ds.size < 1) throw new RangeError(`latentPatches: ${ds.name} has no images`);
  const images = Math.min(want, ds.size);
  const { numPatches: N, grid, patchSize } = dims;
  const sparse = model.sparseHead !== null;
  const U = sparse ? dims.latentDim : dims.embedDim;
  const tops = Array.from({ length: U }, () => new TopN(topN));
  const moments = new ColumnMoments(U);
  for (let start = 0; start < images; start += batchSize) {
    const idx = Array.from({ length: Math.min(batchSize, images - start) }, (_, i) => start + i);
    const act = await patchActivations(model, dims, makeImageBatch(ds, idx, patchSize), idx.length);
    for (let b = 0; b < idx.length; b++) {
      for (let p = 0; p < N; p++) {
        const row = act.subarray((b * N + p) * U, (b * N + p + 1) * U);
        moments.add(row);
        for (let u = 0; u < U; u++) tops[u].offer(row[u], idx[b], p);
      }
    }
  }
  const zeroThreshold = model.config.zeroThreshold;
  const norms = sparse ? (await readGroupNorms(model, dims, zeroThreshold))!.groupNorms : null;
  const active = norms ? activeSets(norms, zeroThreshold) : null;
  const unit = (u: number): UnitPatches => ({
    unit: u,
    variance: moments.variance(u),
    top: tops[u].items.map((x) => ({ imageIndex: x.imageIndex, patch: x.patch, row: Math.floor(x.patch / grid), col: x.patch % grid, value: x.value })),
    groups: active ? groupsReading(active, u) : [],
  });
  const all = Array.from({ length: U }, (_, u) => u);
  const dimensions = Math.min(opts.dimensions ?? LATENT_PATCH_DEFAULTS.dimensions, U);
  // JEPA / MAE: the dimensions with the largest variance over the patch tokens (ties: lower index).
  const order = sparse ? all : all.sort((a, b) => moments.variance(b) - moments.variance(a) || a - b).slice(0, dimensions);
  return {
    mode: model.config.mode,
    kind: sparse ? 'latents' : 'dimensions',
    source: sparse ? 'μ of the sparse head (u = μ, not a sample), per patch' : `${model.hasTarget ? 'target' : 'context'} encoder's patch tokens, dimensions ranked by variance over the patches`,
    space: U,
    images,
    grid,
    patchSize,
    zeroThreshold,
    units: order.map(unit),
    groups: active ? active.map((_, g) => ({ group: g, latents: latentsOfGroup(active, g) })) : [],
    norms,
  };
}

/** Grey for crop pixels outside the image (every channel). */
export const OUTSIDE_GREY = 128;

/**
 * One patch with `margin` patches of its surroundings: interleaved RGB bytes of side
 * (1 + 2·margin)·patchSize, row-major; pixels beyond the image's edge are OUTSIDE_GREY.
 */
export function patchCrop(ds: ImageDataset, imageIndex: number, row: number, col: number, patchSize: number, margin = 1): Uint8Array {
  if (!Number.isInteger(imageIndex) || imageIndex < 0 || imageIndex >= ds.size) throw new RangeError(`image ${imageIndex} is outside 0…${ds.size - 1}`);
  const side = (1 + 2 * margin) * patchSize;
  const plane = IMAGE_SIZE * IMAGE_SIZE;
  const src = ds.images.subarray(imageIndex * 3 * plane, (imageIndex + 1) * 3 * plane);
  const y0 = (row - margin) * patchSize;
  const x0 = (col - margin) * patchSize;
  const out = new Uint8Array(side * side * 3).fill(OUTSIDE_GREY);
  for (let y = 0; y < side; y++) {
    const sy = y0 + y;
    if (sy < 0 || sy >= IMAGE_SIZE) continue;
    for (let x = 0; x < side; x++) {
      const sx = x0 + x;
      if (sx < 0 || sx >= IMAGE_SIZE) continue;
      for (let c = 0; c < 3; c++) out[3 * (y * side + x) + c] = src[c * plane + sy * IMAGE_SIZE + sx];
    }
  }
  return out;
}
