// One pre-norm transformer block as one custom gradient: h = x + attn(LN₁(x)), y = h + MLP(LN₂(h)),
// the forward of its layers and their written-out backwards (grads.ts) in reverse order. One tape
// entry per block instead of ten, only the tensors the backward reads are kept, and what the
// layers share is computed once (on WASM: one transpose of the LN₁ output serves the three
// ∂W of q, k and v, one transpose of W_qkv their ∂x).
import * as tf from './tf';
import {
  biasProduct, columnSums, convAttentionForward, convAttentionGrads, geluForward, geluGrad, headsAttentionForward, headsAttentionGrads, headsOf, headsToTokens, layerNormGrads, linearGrads, mergeHeads, normalise, splitHeads,
} from './grads';
import { batchedMatMulPath, explicitTransposes, product } from './matmul';
import type { BlockParams } from './vit';

type Grad = (...args: (tf.Tensor | tf.GradSaveFunc)[]) => { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[] };

/** The block y(x) with its gradient for x and all twelve parameters. */
export function fusedBlock(x: tf.Tensor2D, p: BlockParams, B: number, T: number, heads: number): tf.Tensor2D {
  const conv = batchedMatMulPath() === 'conv';
  const scale = 1 / Math.sqrt(x.shape[1] / heads);
  const f: Grad = (...args) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const [x, g1, b1, wqkv, bqkv, wp, bp, g2, b2, w1, c1, w2, c2] = args.slice(0, -1) as tf.Tensor2D[];
    // Attention half.
    const n1 = normalise(x);
    const y1 = tf.add(tf.mul(n1.xhat, g1), b1) as tf.Tensor2D;
    let qkv: tf.Tensor[];
    let o: tf.Tensor2D;
    let probs: tf.Tensor3D;
    if (conv) {
      const w = tf.split(wqkv, 3, 1) as tf.Tensor2D[];
      const b = tf.split(bqkv, 3, 0) as tf.Tensor1D[];
      qkv = [0, 1, 2].map((i) => biasProduct(y1, w[i], b[i]));
      ({ o, p: probs } = convAttentionForward(qkv[0] as tf.Tensor2D, qkv[1] as tf.Tensor2D, qkv[2] as tf.Tensor2D, B, T, heads));
    } else {
      qkv = headsOf(biasProduct(y1, wqkv, bqkv as unknown as tf.Tensor1D), B, T, heads);
      const r = headsAttentionForward(qkv[0] as tf.Tensor3D, qkv[1] as tf.Tensor3D, qkv[2] as tf.Tensor3D, scale);
      o = mergeHeads(r.o, B, T, heads);
      probs = r.p;
    }
    const h = tf.add(x, biasProduct(o, wp, bp as unknown as tf.Tensor1D)) as tf.Tensor2D;
    // MLP half.
    const n2 = normalise(h);
    const y2 = tf.add(tf.mul(n2.xhat, g2), b2) as tf.Tensor2D;
    const u = biasProduct(y2, w1, c1 as unknown as tf.Tensor1D);
    const { y: a, phi } = geluForward(u);
    const out = tf.add(h, biasProduct(a, w2, c2 as unknown as tf.Tensor1D));
    save([n1.xhat, n1.rstd, g1, y1, wqkv, ...qkv, probs, o, wp, n2.xhat, n2.rstd, g2, y2, w1, u, phi, a, w2]);
    return {
      value: out,
      gradFunc: (dy: tf.Tensor, s: tf.Tensor[]) => {
        const [xhat1, rstd1, sg1, sy1, swqkv, q, k, v, P, so, swp, xhat2, rstd2, sg2, sy2, sw1, su, sphi, sa, sw2] = s as tf.Tensor2D[];
        const d = dy as tf.Tensor2D;
        // y = h + a W₂ + c₂, a = GELU(u), u = y₂ W₁ + c₁, y₂ = LN₂(h)
        const [da, dw2, dc2] = linearGrads(d, sa, sw2);
        const [dy2, dw1, dc1] = linearGrads(geluGrad(da, su, sphi), sy2, sw1);
        const [dh2, dg2, db2] = layerNormGrads(dy2, xhat2, rstd2, sg2 as unknown as tf.Tensor1D);
        const dh = tf.add(d, dh2) as tf.Tensor2D;
        // h = x + o W_p + b_p, o = attention(y₁ W_qkv + b_qkv), y₁ = LN₁(x)
        const [dO, dwp, dbp] = linearGrads(dh, so, swp);
        let dy1: tf.Tensor2D;
        let dwqkv: tf.Tensor2D;
        let dbqkv: tf.Tensor1D;
        if (conv) {
          const ds = convAttentionGrads(dO, q, k, v, P as unknown as tf.Tensor3D, B, T, heads);
          [dy1, dwqkv, dbqkv] = thirdsGrads(ds, sy1, swqkv);
        } else {
          const [dq, dk, dv] = headsAttentionGrads(splitHeads(dO, B, T, heads), q as unknown as tf.Tensor3D, k as unknown as tf.Tensor3D, v as unknown as tf.Tensor3D, P as unknown as tf.Tensor3D, scale);
          [dy1, dwqkv, dbqkv] = linearGrads(headsToTokens(dq, dk, dv, B, T, heads), sy1, swqkv);
        }
        const [dx1, dg1, db1] = layerNormGrads(dy1, xhat1, rstd1, sg1 as unknown as tf.Tensor1D);
        return [tf.add(dh, dx1), dg1, db1, dwqkv, dbqkv, dwp, dbp, dg2, db2, dw1, dc1, dw2, dc2];
      },
    };
  };
  const params = [p.norm1.g, p.norm1.b, p.qkv.w, p.qkv.b, p.proj.w, p.proj.b, p.norm2.g, p.norm2.b, p.fc1.w, p.fc1.b, p.fc2.w, p.fc2.b];
  return (tf.customGrad(f as Parameters<typeof tf.customGrad>[0]) as unknown as (...xs: tf.Tensor[]) => tf.Tensor2D)(x, ...params);
}

/**
 * Backward of the three products q, k, v = y W_i + b_i, W_i the thirds of W_qkv [D, 3D]:
 * ∂y = Σ_i ∂q_i W_iᵀ, ∂W_qkv = [yᵀ∂q | yᵀ∂k | yᵀ∂v], ∂b_qkv = [Σ∂q | Σ∂k | Σ∂v].
 */
function thirdsGrads(ds: tf.Tensor2D[], y: tf.Tensor2D, wqkv: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D] {
  if (!explicitTransposes()) {
    const w = tf.split(wqkv, 3, 1) as tf.Tensor2D[];
    const dy = ds.map((d, i) => product(d, w[i], false, true)).reduce((a, b) => tf.add(a, b));
    const dw = ds.map((d) => product(y, d, true, false));
    return [dy as tf.Tensor2D, tf.concat(dw, 1) as tf.Tensor2D, tf.concat(ds.map(columnSums), 0) as tf.Tensor1D];
  }
  // One transpose of W_qkv cut in row thirds (contiguous) for ∂y; one of y, with a row of ones
  // under it, for all of ∂W and ∂b: [yᵀ; 1]·∂q_i = [yᵀ∂q_i; Σ∂q_i].
  const [D, M] = [y.shape[1], y.shape[0]];
  const wT = tf.split(tf.transpose(wqkv), 3, 0) as tf.Tensor2D[];
  const dy = ds.map((d, i) => tf.matMul(d, wT[i])).reduce((a, b) => tf.add(a, b));
  const yT1 = tf.concat([tf.transpose(y), tf.ones([1, M])], 0);
  const [dw, db] = tf.split(tf.concat(ds.map((d) => tf.matMul(yT1, d)), 1), [D, 1], 0);
  return [dy as tf.Tensor2D, dw as tf.Tensor2D, tf.reshape(db, [-1]) as tf.Tensor1D];
}
