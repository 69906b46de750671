// From sampled images and masks to the tensors of one step (BatchTensors).
//
// Token rows are time-major (vit.ts): row t·B + b is token t of image b, so the attention's
// batched products need fewer transposes. The host puts every row where it belongs: the patches,
// the positions, the context patches, and the target tokens in (patch j, target block m, image b)
// order — the order the predictor's output comes in.
import * as tf from './tf';
import type { ModelDims } from './config';
import type { BatchMasks } from './masks';
import type { BatchTensors } from './model';
import type { Rng } from '../shared/rng';

/** Image-major [B, T, P] rows → time-major [T, B, P] rows. */
export function toTimeMajor(x: Float32Array, B: number, T: number, P: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) out.set(x.subarray((b * T + t) * P, (b * T + t + 1) * P), (t * B + b) * P);
  return out;
}

/** Time-major [T, B, P] rows → image-major [B, T, P] rows. */
export function fromTimeMajor(x: Float32Array, B: number, T: number, P: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) out.set(x.subarray((t * B + b) * P, (t * B + b + 1) * P), (b * T + t) * P);
  return out;
}

/**
 * Upload one batch: patches [N·B, P] plus the index and one-hot tensors the model gathers with.
 * @param patches B·N·P floats, image-major, patches in grid order.
 * @param noiseRng draws ε for the reparameterisation; null = evaluation (u = μ).
 */
export function batchTensors(
  dims: ModelDims,
  patches: Float32Array,
  B: number,
  masks: BatchMasks,
  groupOfPatch: Int32Array,
  noiseRng: Rng | null,
): BatchTensors {
  const { numPatches: N, patchDim: P, numGroups: G, latentDim: K } = dims;
  const nT = masks.targets.length;
  const Nc = masks.numContext;
  const Nt = masks.numTarget;
  const row = (t: number, b: number) => t * B + b; // a patch's row in the time-major [N·B, P] matrix

  const allPos = new Int32Array(N * B);
  for (let t = 0; t < N; t++) allPos.fill(t, t * B, (t + 1) * B);

  const contextPos = new Int32Array(Nc * B);
  const contextRows = new Int32Array(Nc * B);
  masks.context.forEach((ctx, b) =>
    ctx.forEach((p, j) => {
      contextPos[row(j, b)] = p;
      contextRows[row(j, b)] = row(p, b);
    }),
  );
  const contextPatches = new Float32Array(Nc * B * P);
  contextRows.forEach((r, i) => {
    const b = r % B;
    const p = (r - b) / B;
    contextPatches.set(patches.subarray((b * N + p) * P, (b * N + p + 1) * P), i * P);
  });

  // Target tokens (j, m, b): patch j of target block m of image b, at row (j·nT + m)·B + b.
  const M = nT * B * Nt;
  const target = (m: number, b: number, j: number) => (j * nT + m) * B + b;
  const targetPos = new Int32Array(M);
  const targetRows = new Int32Array(M);
  const groupOneHot = new Float32Array(M * G);
  masks.targets.forEach((rows, m) =>
    rows.forEach((blk, b) =>
      blk.forEach((p, j) => {
        const i = target(m, b, j);
        targetPos[i] = p;
        targetRows[i] = row(p, b);
        groupOneHot[i * G + groupOfPatch[p]] = 1;
      }),
    ),
  );

  let noise: tf.Tensor2D | null = null;
  if (noiseRng) {
    // Drawn block by block, image by image, patch by patch (as ever), placed at each token's row.
    const eps = new Float32Array(M * K);
    for (let m = 0; m < nT; m++) {
      for (let b = 0; b < B; b++) {
        for (let j = 0; j < Nt; j++) {
          const o = target(m, b, j) * K;
          for (let k = 0; k < K; k++) eps[o + k] = noiseRng.normal();
        }
      }
    }
    noise = tf.tensor2d(eps, [M, K]);
  }

  return {
    B,
    numContext: Nc,
    numTarget: Nt,
    numTargets: nT,
    patches: tf.tensor2d(toTimeMajor(patches, B, N, P), [N * B, P]),
    contextPatches: tf.tensor2d(contextPatches, [Nc * B, P]),
    hostPos: { all: allPos, context: contextPos, target: targetPos },
    allPos: tf.tensor1d(allPos, 'int32'),
    contextRows: tf.tensor1d(contextRows, 'int32'),
    contextPos: tf.tensor1d(contextPos, 'int32'),
    targetRows: tf.tensor1d(targetRows, 'int32'),
    targetPos: tf.tensor1d(targetPos, 'int32'),
    groupOneHot: tf.tensor2d(groupOneHot, [M, G]),
    noise,
  };
}

export function disposeBatch(b: BatchTensors): void {
  tf.dispose([b.patches, b.contextPatches, b.allPos, b.contextRows, b.contextPos, b.targetRows, b.targetPos, b.groupOneHot]);
  if (b.noise) b.noise.dispose();
}
