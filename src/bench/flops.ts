// FLOPs of one training step, from the architecture (docs/design.md §1), for the benchmark.
//
// What is counted: the multiply-adds of the matrix products, 2 FLOPs each. Elementwise work
// (LayerNorm, GELU, softmax, the losses, AdamW, the EMA) is O(activations) or O(parameters)
// and left out, as is usual for "model FLOPs".
//
// One ViT block over S sequences of T tokens of width d (n = S·T tokens, MLP ratio r):
//   linear layers  2·n·d·(3d + d + r·d + r·d) = 2·n·d²·(4 + 2r)     (qkv, proj, fc1, fc2)
//   attention      2·S·T²·d · 2                                     (q kᵀ over heads, then A v)
// An encoder adds the patch embedding, 2·n·P·D (P = 3·p·p).
//
// A step (B images, N patches each, Nc context and nT target blocks of Nt tokens):
//   target encoder  f_θ̄ on B sequences of N tokens                   forward only (no gradient)
//   context encoder f_θ on B sequences of Nc tokens                    forward + backward
//   predictor       D→D_p embedding on B·Nc tokens, then its blocks on nT·B sequences of
//                   Nc + Nt tokens at width D_p                        forward + backward
//   head (M = nT·B·Nt target tokens)                                   forward + backward
//     sparse: μ and log σ² (2·M·D_p·K each), u_p W^(g(p)) (2·M·K·D: one group per token, the
//             useful work, whatever the engine spends on routing); JEPA: 2·M·D_p·D
// Backward costs twice the forward (one product for the input's gradient, one for the weight's),
// so a trained part counts 3× its forward FLOPs. The patch-embedding input gradient, which
// nothing needs, is counted too; it is under 0.5% of a step.
import type { LabConfig, ModelDims } from '../engine/config';

export interface StepShape {
  B: number;
  numContext: number; // Nc
  numTarget: number; // Nt per target block
  numTargets: number; // nT
}

export interface StepFlops {
  /** FLOPs of the whole step (forward + backward where trained). */
  total: number;
  /** Forward FLOPs of each part. */
  forward: { target: number; context: number; predictor: number; head: number };
}

/** Forward FLOPs of `depth` ViT blocks over S sequences of T tokens at width d. */
export function blocksFlops(S: number, T: number, d: number, depth: number, mlpRatio: number): number {
  const n = S * T;
  const linear = 2 * n * d * d * (4 + 2 * mlpRatio);
  const attention = 2 * 2 * S * T * T * d;
  return depth * (linear + attention);
}

/** Forward FLOPs of an encoder (patch embedding + blocks) over B sequences of T tokens. */
export function encoderFlops(dims: ModelDims, B: number, T: number): number {
  return 2 * B * T * dims.patchDim * dims.embedDim + blocksFlops(B, T, dims.embedDim, dims.depth, dims.mlpRatio);
}

export function stepFlops(dims: ModelDims, mode: LabConfig['mode'], s: StepShape): StepFlops {
  const { B, numContext: Nc, numTarget: Nt, numTargets: nT } = s;
  const { embedDim: D, predictorDim: Dp, latentDim: K, numPatches: N } = dims;
  const M = nT * B * Nt;
  const target = encoderFlops(dims, B, N);
  const context = encoderFlops(dims, B, Nc);
  const predictor = 2 * B * Nc * D * Dp + blocksFlops(nT * B, Nc + Nt, Dp, dims.predictorDepth, dims.mlpRatio);
  const head = mode === 'sparse' ? 2 * M * Dp * K * 2 + 2 * M * K * D : 2 * M * Dp * D;
  return { total: target + 3 * (context + predictor + head), forward: { target, context, predictor, head } };
}

/** The step's largest matrix product, [m, k] × [k, n]: the MLP of the target encoder over all B·N tokens. */
export function largestProduct(dims: ModelDims, B: number): [number, number, number] {
  return [B * dims.numPatches, dims.embedDim, dims.mlpRatio * dims.embedDim];
}
