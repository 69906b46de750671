// The paper's multi-information, measured on a model (SparseJEPA §3, Lemma 1 / Theorem 1: sparse
// grouping should reduce the redundant information shared among the groups). On the health read-out's
// fixed images, each group g is predicted from the rest of its image — context every other patch
// (f_θ), targets g's patches (g_φ), the evaluation head (u = μ) — and multiInformation.ts estimates
//   groups:  I(G_1; …; G_G), G_g = the group's outputs on its patches, one row per image:
//            W^(g) u_j for SparseJEPA (without b^(g), a constant), the predictor's outputs ŝ_j
//            (predictor_proj, part of I-JEPA's predictor) for JEPA; |g|·D variables per group;
//   latents: I(u_1; …; u_K), the K latents as K groups of one, one row per patch (SparseJEPA only).
// MAE has neither (its decoder predicts pixels, not groups' embeddings): null.
import type { ModelDims } from './config';
import { matMul } from './matmul';
import type { JepaModel } from './model';
import { totalCorrelation } from './multiInformation';
import { readAndDispose } from './readBack';
import * as tf from './tf';
import { linear } from './vit';
import type { LinearHead } from './heads';

export interface GroupInformation {
  /** I(G_1; …; G_G) over the images, nats. */
  groups: number;
  /** I(u_1; …; u_K) over the patches, nats (SparseJEPA only). */
  latents?: number;
}

/** The patches of each non-empty group, ascending (g(p) from config.grouping). */
export function patchesByGroup(groupOf: Int32Array): number[][] {
  const byGroup = new Map<number, number[]>();
  groupOf.forEach((g, p) => byGroup.set(g, [...(byGroup.get(g) ?? []), p]));
  return [...byGroup.keys()].sort((a, b) => a - b).map((g) => byGroup.get(g)!);
}

/**
 * One group's outputs, predicted from the rest of each image: [B, |g|·D] (image-major) and, with a
 * sparse head, μ at its patches [|g|·B, K]. `patches` is the fixed batch, time-major [N·B, P].
 */
async function groupOutputs(model: JepaModel, dims: ModelDims, g: number, targets: number[], patches: Float32Array, B: number): Promise<{ outputs: Float32Array; mu: Float32Array | null }> {
  const { numPatches: N, patchDim: P, embedDim: D, latentDim: K } = dims;
  const inGroup = new Set(targets);
  const context = Array.from({ length: N }, (_, p) => p).filter((p) => !inGroup.has(p));
  const Nc = context.length;
  const Nt = targets.length;
  // Time-major rows: context patch i of image b at row i·B + b, target j at row j·B + b (one target block).
  const ctxPatches = new Float32Array(Nc * B * P);
  context.forEach((p, i) => ctxPatches.set(patches.subarray(p * B * P, (p + 1) * B * P), i * B * P));
  const ctxPos = Int32Array.from({ length: Nc * B }, (_, r) => context[Math.floor(r / B)]);
  const tgtPos = Int32Array.from({ length: Nt * B }, (_, r) => targets[Math.floor(r / B)]);
  const sparse = model.sparseHead;
  const [outputs, mu] = tf.tidy(() => {
    const ctx = model.context.forward(tf.tensor2d(ctxPatches, [Nc * B, P]), ctxPos, B, Nc);
    const h = model.predictor.forward(ctx, ctxPos, tgtPos, B, Nc, 1, Nt); // [Nt·B, D_p]
    let out: tf.Tensor2D;
    let m: tf.Tensor2D | null = null;
    if (sparse) {
      m = linear(h, sparse.mu); // u = μ (evaluation)
      out = matMul(m, tf.reshape(tf.slice(sparse.W, [g, 0, 0], [1, K, D]), [K, D]) as tf.Tensor2D); // W^(g) u_j
    } else {
      out = (model.head as LinearHead).forward(h).pred;
    }
    // [Nt, B, D] → [B, Nt·D]: one row per image.
    const rows = tf.reshape(tf.transpose(tf.reshape(out, [Nt, B, D]), [1, 0, 2]), [B, Nt * D]);
    return m ? [rows, m] : [rows];
  });
  return { outputs: await readAndDispose(outputs), mu: mu ? await readAndDispose(mu) : null };
}

/**
 * The groups' (and, for SparseJEPA, the latents') multi-information of a model on a fixed batch
 * (time-major patches of B images); null for MAE. G forward passes, one read-back each; call it between steps.
 */
export async function groupInformation(model: JepaModel, dims: ModelDims, groupOf: Int32Array, batch: { B: number; patches: Float32Array }): Promise<GroupInformation | null> {
  if (model.config.mode === 'mae') return null;
  const { B, patches } = batch;
  const { embedDim: D, latentDim: K } = dims;
  const groups = patchesByGroup(groupOf);
  const sizes = groups.map((ps) => ps.length * D);
  const width = sizes.reduce((s, d) => s + d, 0);
  const joint = new Float32Array(B * width); // row b: group 0's outputs, then group 1's, …
  const latents: Float32Array[] = [];
  let offset = 0;
  for (let i = 0; i < groups.length; i++) {
    const g = groupOf[groups[i][0]];
    const { outputs, mu } = await groupOutputs(model, dims, g, groups[i], patches, B);
    for (let b = 0; b < B; b++) joint.set(outputs.subarray(b * sizes[i], (b + 1) * sizes[i]), b * width + offset);
    offset += sizes[i];
    if (mu) latents.push(mu);
  }
  const result: GroupInformation = { groups: totalCorrelation(joint, B, sizes).value };
  if (latents.length > 0) {
    const rows = latents.reduce((s, m) => s + m.length / K, 0);
    const all = new Float32Array(rows * K);
    let at = 0;
    for (const m of latents) (all.set(m, at), (at += m.length));
    result.latents = totalCorrelation(all, rows, Array(K).fill(1)).value;
  }
  return result;
}
