// I-JEPA multi-block masks (a port of the reference MaskCollator): per batch, `numTargets`
// target blocks and one context block with the targets cut out, truncated to the batch minimum
// so every image keeps the same counts and tensors stay rectangular.
//
// Two deliberate deviations from the reference, both because the lab's grid is small (8×8, not
// I-JEPA's 14×14), where the reference's choices leave a quarter of the image untrained:
// - blocks are placed over the whole grid, centred on a uniformly drawn patch (the reference's
//   corner `randint(0, H − h)` is exclusive, so no block ever touched the last row or column: 15
//   of 64 patches were never a target and never context, and the sparse head's edge groups got
//   no prediction gradient);
// - truncation to the batch minimum keeps a random subset of each image's context patches (the
//   reference keeps the first ones in raster order, which drops the bottom rows most often).
// `corners: 'reference'` keeps the reference's draw, for comparison and tests.
//
// MAE's own mask (He et al. 2022, strategy 'random'): per image, a random permutation of the N
// patches; the first round((1 − maskRatio)·N) are visible (context), the rest are masked and
// form one target "block", so the decoder reconstructs every masked patch in one pass.
import { visiblePatches, type LabConfig, type MaskStrategy } from './config';
import type { Rng } from '../shared/rng';

export interface MaskSettings {
  grid: number;
  numTargets: number;
  targetScale: [number, number];
  targetAspect: [number, number];
  contextScale: [number, number];
  minKeep: number;
  /** 'whole-grid' (default): blocks anywhere, random-subset truncation; 'reference': I-JEPA's draw (blockStart). */
  corners?: 'whole-grid' | 'reference';
  /** 'blocks' (default): the multi-block masks above; 'random': MAE's (sampleRandomMasks), the block settings unused. */
  strategy?: MaskStrategy;
  /** strategy 'random': the share of each image's patches masked. */
  maskRatio?: number;
}

/** A run's mask settings on a grid of `grid`×`grid` patches. */
export function maskSettingsOf(c: LabConfig, grid: number): MaskSettings {
  const { numTargets, targetScale, targetAspect, contextScale, minKeep, maskStrategy: strategy, maskRatio } = c;
  return { grid, numTargets, targetScale, targetAspect, contextScale, minKeep, strategy, maskRatio };
}

export interface BatchMasks {
  /** Context patch positions, [B][numContext], each row ascending. */
  context: number[][];
  /** Target patch positions, [numTargets][B][numTarget], each row ascending. */
  targets: number[][][];
  numContext: number;
  numTarget: number;
}

/** nT, the target blocks a batch's masks hold: one (every masked patch) under MAE's random masks, else numTargets. */
export const targetBlocksOf = (c: Pick<LabConfig, 'maskStrategy' | 'numTargets'>): number => (c.maskStrategy === 'random' ? 1 : c.numTargets);

/** Block height and width for a scale and aspect range; one draw sets both, as in the reference. */
export function sampleBlockSize(rng: Rng, grid: number, scale: [number, number], aspect: [number, number]): [number, number] {
  const r = rng.next();
  const maxKeep = Math.floor(grid * grid * (scale[0] + r * (scale[1] - scale[0])));
  const ar = aspect[0] + r * (aspect[1] - aspect[0]);
  let h = Math.round(Math.sqrt(maxKeep * ar));
  let w = Math.round(Math.sqrt(maxKeep / ar));
  while (h >= grid) h--;
  while (w >= grid) w--;
  return [Math.max(h, 1), Math.max(w, 1)];
}

/**
 * Where a block of `size` starts along one axis of the grid.
 * 'reference': uniform over 0…grid−size−1 (I-JEPA's exclusive randint: the last row/column is never covered).
 * 'whole-grid': the block's centre is a uniformly drawn patch, the block then shifted to fit inside
 * the grid. (Corners uniform over 0…grid−size would cover every patch, but on 8×8 a 3×3 block would
 * still cover a corner patch 5× less often than a central one; centring on a uniform patch keeps the
 * least-covered patch at ~0.44 of the average.)
 */
export function blockStart(rng: Rng, grid: number, size: number, corners: 'whole-grid' | 'reference'): number {
  if (corners === 'reference') return rng.int(grid - size);
  const centre = rng.int(grid);
  return Math.min(Math.max(centre - Math.floor(size / 2), 0), grid - size);
}

/**
 * One block at a random place, minus the disallowed regions, keeping more than `minKeep`
 * patches; after 20 failures one constraint is dropped (as the reference does).
 * Returns the kept positions (ascending) and the block's complement (1 = outside the block).
 */
export function sampleBlockMask(
  rng: Rng,
  grid: number,
  [h, w]: [number, number],
  minKeep: number,
  allowedRegions?: Uint8Array[],
  corners: 'whole-grid' | 'reference' = 'whole-grid',
): { positions: number[]; complement: Uint8Array } {
  let tries = 0;
  let timeout = 20;
  for (;;) {
    const top = blockStart(rng, grid, h, corners);
    const left = blockStart(rng, grid, w, corners);
    const mask = new Uint8Array(grid * grid);
    for (let r = top; r < top + h; r++) for (let c = left; c < left + w; c++) mask[r * grid + c] = 1;
    if (allowedRegions) {
      const n = Math.max(allowedRegions.length - tries, 0);
      for (let k = 0; k < n; k++) for (let i = 0; i < mask.length; i++) mask[i] &= allowedRegions[k][i];
    }
    const positions: number[] = [];
    for (let i = 0; i < mask.length; i++) if (mask[i]) positions.push(i);
    if (positions.length > minKeep || tries > (allowedRegions?.length ?? 0)) {
      const complement = new Uint8Array(grid * grid).fill(1);
      for (let r = top; r < top + h; r++) for (let c = left; c < left + w; c++) complement[r * grid + c] = 0;
      return { positions, complement };
    }
    if (--timeout === 0) {
      tries++;
      timeout = 20;
    }
  }
}

/** `k` of the ascending positions in `row`, chosen uniformly at random, kept ascending. */
export function randomSubset(rng: Rng, row: number[], k: number): number[] {
  if (k >= row.length) return row.slice();
  const picked = (rng.shuffle(row.slice()) as number[]).slice(0, k);
  return picked.sort((a, b) => a - b);
}

/**
 * MAE's random masks for B images: per image a random permutation π of the N patches; context =
 * π's first round((1 − maskRatio)·N), ascending; the one target block = the other (masked) patches, ascending.
 */
export function sampleRandomMasks(rng: Rng, B: number, grid: number, maskRatio: number): BatchMasks {
  const N = grid * grid;
  const numContext = visiblePatches(maskRatio, N);
  const context: number[][] = [];
  const masked: number[][] = [];
  for (let b = 0; b < B; b++) {
    const order = rng.shuffle(Array.from({ length: N }, (_, i) => i)) as number[];
    context.push(order.slice(0, numContext).sort((x, y) => x - y));
    masked.push(order.slice(numContext).sort((x, y) => x - y));
  }
  return { context, targets: [masked], numContext, numTarget: N - numContext };
}

/** Masks for one batch of B images: MAE's random ones (strategy 'random') or I-JEPA's multi-block ones. */
export function sampleBatchMasks(rng: Rng, B: number, s: MaskSettings): BatchMasks {
  if (s.strategy === 'random') {
    if (s.maskRatio === undefined) throw new RangeError("mask strategy 'random' needs a maskRatio");
    return sampleRandomMasks(rng, B, s.grid, s.maskRatio);
  }
  const corners = s.corners ?? 'whole-grid';
  const targetSize = sampleBlockSize(rng, s.grid, s.targetScale, s.targetAspect);
  const contextSize = sampleBlockSize(rng, s.grid, s.contextScale, [1, 1]);
  const targets: number[][][] = Array.from({ length: s.numTargets }, () => []);
  const context: number[][] = [];
  let numTarget = s.grid * s.grid;
  let numContext = s.grid * s.grid;
  for (let b = 0; b < B; b++) {
    const complements: Uint8Array[] = [];
    for (let m = 0; m < s.numTargets; m++) {
      const { positions, complement } = sampleBlockMask(rng, s.grid, targetSize, s.minKeep, undefined, corners);
      targets[m].push(positions);
      complements.push(complement);
      numTarget = Math.min(numTarget, positions.length);
    }
    const { positions } = sampleBlockMask(rng, s.grid, contextSize, s.minKeep, complements, corners);
    context.push(positions);
    numContext = Math.min(numContext, positions.length);
  }
  return {
    context: context.map((row) => (corners === 'reference' ? row.slice(0, numContext) : randomSubset(rng, row, numContext))),
    targets: targets.map((rows) => rows.map((row) => row.slice(0, numTarget))),
    numContext,
    numTarget,
  };
}
