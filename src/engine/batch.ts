// From sampled images and masks to the tensors of one step (BatchTensors).
import * as tf from './tf';
import type { ModelDims } from './config';
import type { BatchMasks } from './masks';
import type { BatchTensors } from './model';
import type { Rng } from './rng';

/**
 * Upload one batch: patches [B·N, P] plus the index and one-hot tensors the model gathers with.
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

  const allPos = new Int32Array(B * N);
  for (let b = 0; b < B; b++) for (let i = 0; i < N; i++) allPos[b * N + i] = i;

  const contextPos = new Int32Array(B * Nc);
  const contextRows = new Int32Array(B * Nc);
  masks.context.forEach((row, b) =>
    row.forEach((p, j) => {
      contextPos[b * Nc + j] = p;
      contextRows[b * Nc + j] = b * N + p;
    }),
  );

  const M = nT * B * Nt;
  const targetPos = new Int32Array(M);
  const targetRows = new Int32Array(M);
  const groupOneHot = new Float32Array(M * G);
  masks.targets.forEach((rows, m) =>
    rows.forEach((row, b) =>
      row.forEach((p, j) => {
        const i = (m * B + b) * Nt + j;
        targetPos[i] = p;
        targetRows[i] = b * N + p;
        groupOneHot[i * G + groupOfPatch[p]] = 1;
      }),
    ),
  );

  let noise: tf.Tensor2D | null = null;
  if (noiseRng) {
    const eps = new Float32Array(M * K);
    for (let i = 0; i < eps.length; i++) eps[i] = noiseRng.normal();
    noise = tf.tensor2d(eps, [M, K]);
  }

  return {
    B,
    numContext: Nc,
    numTarget: Nt,
    numTargets: nT,
    patches: tf.tensor2d(patches, [B * N, P]),
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
  tf.dispose([b.patches, b.allPos, b.contextRows, b.contextPos, b.targetRows, b.targetPos, b.groupOneHot]);
  if (b.noise) b.noise.dispose();
}
