// Read-outs of a trainer's health, between steps: how sparse the group head is (the G×K column
// norms of W^(g)), and whether the representation is collapsing (representationHealth.ts on a
// fixed batch of train images).
import { makeImageBatch } from '../data/batch';
import type { ImageDataset } from '../data/types';
import { toTimeMajor } from './batch';
import type { ModelDims } from './config';
import { groupColumnNorms } from './losses';
import type { JepaModel } from './model';
import { readAndDispose } from './readBack';
import { representationHealth, type RepresentationHealth } from './representationHealth';
import { Rng } from '../shared/rng';
import * as tf from './tf';

/** representationHealth's rows: every patch token, or one mean-pooled row per image. */
export type HealthPool = 'tokens' | 'mean';
/** Images in representationHealth's fixed batch (B·N = 2048 token rows at 8×8 patches; ≥ D pooled rows), and the seed of the shuffle that picks them. */
export const HEALTH_IMAGES: Record<HealthPool, number> = { tokens: 32, mean: 128 };
const HEALTH_SEED = 0x4ea1;

export interface GroupNorms {
  /** G rows of K numbers: ‖W^(g)_{·,k}‖₂. */
  groupNorms: number[][];
  /** Share of the G·K columns whose norm is under the zero threshold. */
  zeroShare: number;
}

/** The G×K rows of ‖W^(g)_{·,k}‖₂ and the share of columns under the zero threshold, from G·K values. */
export function groupNormsFrom(flat: Float32Array, dims: Pick<ModelDims, 'numGroups' | 'latentDim'>, zeroThreshold: number): GroupNorms {
  const { numGroups: G, latentDim: K } = dims;
  const groupNorms = Array.from({ length: G }, (_, g) => Array.from(flat.subarray(g * K, (g + 1) * K)));
  let zeros = 0;
  for (const x of flat) if (x < zeroThreshold) zeros++;
  return { groupNorms, zeroShare: zeros / flat.length };
}

/** The G×K norms of W^(g) now (one read-back); null without a sparse head. */
export async function readGroupNorms(model: JepaModel, dims: ModelDims, zeroThreshold: number): Promise<GroupNorms | null> {
  const sparse = model.sparseHead;
  if (!sparse) return null;
  return groupNormsFrom(await readAndDispose(tf.tidy(() => groupColumnNorms(sparse.W as tf.Tensor3D))), dims, zeroThreshold);
}

/** representationHealth of a model on fixed train images (made on first use, for each batch size). */
export class HealthReadout {
  private batch: { B: number; patches: Float32Array } | null = null;

  constructor(
    private readonly model: JepaModel,
    private readonly dims: ModelDims,
    private readonly train: ImageDataset,
    private readonly patchSize: number,
  ) {}

  /**
   * The fixed batch: the first `images` train images of a fixed shuffle (HEALTH_SEED), no
   * augmentation, time-major [N·B, P] (vit.ts: patch t of image b at row t·B + b); B ≤ the split's size.
   */
  fixedBatch(images: number): { B: number; patches: Float32Array } {
    if (!Number.isInteger(images) || images < 1) throw new RangeError(`the health batch needs a whole number ≥ 1 of images, got ${images}`);
    const { numPatches: N, patchDim: P } = this.dims;
    const B = Math.min(images, this.train.size);
    if (this.batch?.B !== B) {
      const order = new Rng(HEALTH_SEED).shuffle(Array.from({ length: this.train.size }, (_, i) => i));
      this.batch = { B, patches: toTimeMajor(makeImageBatch(this.train, order.slice(0, B), this.patchSize), B, N, P) };
    }
    return this.batch;
  }

  /**
   * Is the representation collapsing? The evaluated encoder (f_θ̄, or f_θ without an EMA target)
   * on a fixed batch — the same train images every call (a fixed shuffle, not the run's seed, so
   * runs on one dataset are compared on the same images), no augmentation — then per-dimension
   * std and RankMe (representationHealth.ts). One read-back; call it between steps.
   * pool 'tokens' (default): every patch token is a row, B·N rows — the JEPA loss's targets are
   * per token, and at this lab's init the mean-pooled features are already of RankMe ≈ 2 (the
   * position embedding they all share dominates them), leaving that measure little room to fall.
   * pool 'mean': one mean-pooled row per image, as the linear probe sees it; it also catches a
   * collapse onto the position alone (outputs that differ by position but not by image).
   * encoder 'context': the context encoder f_θ instead (the same encoder when there is no EMA target).
   */
  async measure(opts: { images?: number; pool?: HealthPool; encoder?: 'target' | 'context' } = {}): Promise<RepresentationHealth> {
    const pool = opts.pool ?? 'tokens';
    const encoder = opts.encoder === 'context' ? this.model.context : this.model.evaluated;
    const images = opts.images ?? HEALTH_IMAGES[pool];
    if (!Number.isInteger(images) || images < 1) throw new RangeError(`representationHealth: images must be a whole number ≥ 1, got ${images}`);
    const { numPatches: N, patchDim: P, embedDim: D } = this.dims;
    const { B, patches } = this.fixedBatch(images);
    const pos = Int32Array.from({ length: N * B }, (_, i) => Math.floor(i / B));
    const z = tf.tidy(() => {
      const tokens = encoder.forward(tf.tensor2d(patches, [N * B, P]), pos, B, N);
      // 'tokens': the rows in the encoder's order (the std and RankMe do not depend on the rows' order).
      return pool === 'mean' ? tf.mean(tf.reshape(tokens, [N, B, D]), 0) : tokens;
    });
    return representationHealth(await readAndDispose(z), pool === 'mean' ? B : B * N, D);
  }
}
