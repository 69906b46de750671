// A pre-norm Vision Transformer over token matrices [B·T, D]: the context encoder, the EMA
// target encoder and (at a narrower width) the predictor are all built from these blocks.
//
// Each layer has two formulations with the same maths: the plain one (tfjs ops, tfjs's own
// gradients) and a fast one (custom gradients; on WASM, attention as depthwise convolutions),
// chosen by fastPaths() (matmul.ts). Why the fast ones are faster on tfjs-wasm (measured, src/bench):
// - linear: the bias rides in XNNPACK's product (tf.fused.matMul); its gradient is a product
//   with a row of ones instead of a column sum (tfjs-wasm transposes before reducing axis 0,
//   ~30× slower); the weight gradient transposes whichever of x and ∂y is narrower.
// - LayerNorm, GELU: the textbook backward in a few ops (tfjs differentiates op by op and
//   clones every saved input).
// - attention: q, k, v from slices of the fused QKV weight (slicing the activation is a slow
//   generic copy in tfjs-wasm), then softmax(q kᵀ/√hd) v as batched products in the layouts a
//   depthwise convolution wants (see matmul.ts), with its own backward.
// Unit tests (vit.test.ts) hold the fast formulations to the plain ones, values and gradients.
import * as tf from './tf';
import { batchedMatMulPath, convProduct, explicitTransposes, fastPaths, matMul, matMulTransposeB, product } from './matmul';
import { ParamSet } from './params';

export const LN_EPS = 1e-6;

export interface LayerNormParams { g: tf.Variable; b: tf.Variable }
export interface LinearParams { w: tf.Variable; b: tf.Variable }

export interface BlockParams {
  norm1: LayerNormParams;
  qkv: LinearParams;
  proj: LinearParams;
  norm2: LayerNormParams;
  fc1: LinearParams;
  fc2: LinearParams;
}

/** Blocks named `${name}.{i}.…` as in timm; output projections scaled by 1/√(2·layer) (I-JEPA fix_init_weight). */
export function makeBlocks(ps: ParamSet, name: string, depth: number, dim: number, mlpRatio: number): BlockParams[] {
  const blocks: BlockParams[] = [];
  for (let i = 0; i < depth; i++) {
    const n = `${name}.${i}`;
    const rescale = 0.02 / Math.sqrt(2 * (i + 1));
    blocks.push({
      norm1: ps.layerNorm(`${n}.norm1`, dim),
      qkv: ps.linear(`${n}.attn.qkv`, dim, 3 * dim),
      proj: ps.linear(`${n}.attn.proj`, dim, dim, rescale),
      norm2: ps.layerNorm(`${n}.norm2`, dim),
      fc1: ps.linear(`${n}.mlp.fc1`, dim, mlpRatio * dim),
      fc2: ps.linear(`${n}.mlp.fc2`, mlpRatio * dim, dim, rescale),
    });
  }
  return blocks;
}

/** Sum over rows, [M, n] → [n], as a product with a row of ones. */
function columnSums(x: tf.Tensor2D): tf.Tensor1D {
  return tf.reshape(tf.matMul(tf.ones([1, x.shape[0]]), x), [x.shape[1]]);
}

/** x W + b as one kernel: tfjs's fused product called directly (tf.fused.matMul would wrap it in a custom gradient of its own). */
function biasProduct(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor2D {
  const [m, k] = x.shape;
  const n = w.shape[1];
  const y = tf.engine().runKernel('_FusedMatMul', { a: tf.reshape(x, [1, m, k]), b: tf.reshape(w, [1, k, n]), bias: b }, { transposeA: false, transposeB: false, activation: 'linear' }) as tf.Tensor;
  return tf.reshape(y, [m, n]);
}

/** y = x W + b with the bias fused into the product. */
const fusedLinear = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, w, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
  save([x, w]);
  return {
    value: biasProduct(x, w, b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, sw] = saved as tf.Tensor2D[];
      const g = dy as tf.Tensor2D;
      const dx = product(g, sw, false, true);
      // ∂W = xᵀ ∂y; with explicit transposes (WASM), (∂yᵀ x)ᵀ when ∂y is the narrower of the two tall matrices.
      const dw = !explicitTransposes() || sx.shape[1] <= g.shape[1] ? product(sx, g, true, false) : tf.transpose(tf.matMul(tf.transpose(g), sx));
      return [dx, dw, columnSums(g)];
    },
  };
}) as unknown as (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;

/** Whether tfjs is recording for a gradient: without it (the EMA target's forward, evaluation) the layers skip their custom gradients. */
const recording = (): boolean => tf.engine().isTapeOn();

/** y = x W + b on a token matrix. */
export function linear(x: tf.Tensor2D, p: { w: tf.Tensor; b: tf.Tensor }): tf.Tensor2D {
  if (fastPaths('linear')) return recording() ? fusedLinear(x, p.w as tf.Tensor2D, p.b as tf.Tensor1D) : biasProduct(x, p.w as tf.Tensor2D, p.b as tf.Tensor1D);
  return tf.add(matMul(x, p.w as tf.Tensor2D), p.b);
}

/** LayerNorm with affine parameters, and its textbook backward. */
const fastLayerNorm = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, g, b, save] = args as [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
  const { xhat, rstd } = normalise(x, LN_EPS);
  save([xhat, rstd, g]);
  return {
    value: tf.add(tf.mul(xhat, g), b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sxhat, srstd, sg] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
      const d = dy as tf.Tensor2D;
      // ∂x = rstd·(∂x̂ − mean(∂x̂) − x̂·mean(∂x̂·x̂)), ∂x̂ = ∂y·g; ∂g = Σ_rows ∂y·x̂; ∂b = Σ_rows ∂y.
      const dxhat = tf.mul(d, sg);
      const m1 = tf.mean(dxhat, -1, true);
      const m2 = tf.mean(tf.mul(dxhat, sxhat), -1, true);
      const dx = tf.mul(tf.sub(tf.sub(dxhat, m1), tf.mul(sxhat, m2)), srstd);
      return [dx, columnSums(tf.mul(d, sxhat) as tf.Tensor2D), columnSums(d)];
    },
  };
}) as unknown as (x: tf.Tensor2D, g: tf.Tensor1D, b: tf.Tensor1D) => tf.Tensor2D;

/** (x − mean)·rsqrt(var + eps) over the last axis, exactly as tf.moments-based LayerNorm computes it. */
function normalise(x: tf.Tensor2D, eps: number): { xhat: tf.Tensor2D; rstd: tf.Tensor2D } {
  const mean = tf.mean(x, -1, true);
  const xc = tf.sub(x, mean);
  const variance = tf.mean(tf.square(xc), -1, true);
  const rstd = tf.rsqrt(tf.add(variance, eps)) as tf.Tensor2D;
  return { xhat: tf.mul(xc, rstd) as tf.Tensor2D, rstd };
}

/** LayerNorm over the last axis, with affine parameters when given. */
export function layerNorm(x: tf.Tensor2D, p?: LayerNormParams, eps = LN_EPS): tf.Tensor2D {
  if (fastPaths('layerNorm') && p && eps === LN_EPS) {
    return recording() ? fastLayerNorm(x, p.g as tf.Tensor1D, p.b as tf.Tensor1D) : tf.add(tf.mul(normalise(x, eps).xhat, p.g), p.b);
  }
  if (fastPaths('layerNorm') && !p) return normalise(x, eps).xhat;
  const { mean, variance } = tf.moments(x, -1, true);
  const y = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps))) as tf.Tensor2D;
  return p ? tf.add(tf.mul(y, p.g), p.b) : y;
}

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** Exact GELU with ∂y/∂x = Φ(x) + x·φ(x). */
const fastGelu = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
  const onePlusErf = tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2)));
  save([x, onePlusErf]);
  return {
    value: tf.mul(tf.mul(x, 0.5), onePlusErf),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, e] = saved;
      const xpdf = tf.mul(sx, tf.mul(tf.exp(tf.mul(tf.square(sx), -0.5)), INV_SQRT_2PI));
      return [tf.mul(dy, tf.add(tf.mul(e, 0.5), xpdf))];
    },
  };
}) as unknown as (x: tf.Tensor2D) => tf.Tensor2D;

/** Exact GELU, 0.5·x·(1 + erf(x/√2)), as PyTorch's nn.GELU(). */
export function gelu(x: tf.Tensor2D): tf.Tensor2D {
  if (fastPaths('gelu') && recording()) return fastGelu(x);
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
}

/** [B·T, H·hd] → [B·H, T, hd]: one head per batch entry for batched matMul. */
function splitHeads(x: tf.Tensor2D, B: number, T: number, heads: number): tf.Tensor3D {
  const hd = x.shape[1] / heads;
  return tf.reshape(tf.transpose(tf.reshape(x, [B, T, heads, hd]), [0, 2, 1, 3]), [B * heads, T, hd]);
}

/** [B·H, T, hd] → [B·T, H·hd]. */
function mergeHeads(x: tf.Tensor3D, B: number, T: number, heads: number): tf.Tensor2D {
  const hd = x.shape[2];
  return tf.reshape(tf.transpose(tf.reshape(x, [B, heads, T, hd]), [0, 2, 1, 3]), [B * T, heads * hd]);
}

// Layouts of the convolution attention, for tokens [B·T, H·hd] viewed as [B, T, H, hd] and
// g = h·B + b indexing the (head, image) products. A convolution product takes its left operand
// as [shared, rows, g] and its right one as [shared, g, cols], and gives [rows, g, cols].
const asSharedRowsG = (x: tf.Tensor, B: number, T: number, H: number, hd: number) => tf.reshape(tf.transpose(tf.reshape(x, [B, T, H, hd]), [3, 1, 2, 0]), [hd, T, H * B]) as tf.Tensor3D; // [hd, T, g]
const asSharedGT = (x: tf.Tensor, B: number, T: number, H: number, hd: number) => tf.reshape(tf.transpose(tf.reshape(x, [B, T, H, hd]), [3, 2, 0, 1]), [hd, H * B, T]) as tf.Tensor3D; // [hd, g, T]
const asTGShared = (x: tf.Tensor, B: number, T: number, H: number, hd: number) => tf.reshape(tf.transpose(tf.reshape(x, [B, T, H, hd]), [1, 2, 0, 3]), [T, H * B, hd]) as tf.Tensor3D; // [T, g, hd]
/** [T, g, hd] → tokens [B·T, H·hd]. */
const tokensFromTG = (x: tf.Tensor, B: number, T: number, H: number, hd: number) => tf.reshape(tf.transpose(tf.reshape(x, [T, H, B, hd]), [2, 0, 1, 3]), [B * T, H * hd]) as tf.Tensor2D;

/**
 * softmax(q kᵀ·scale) v for every (image, head), q, k, v and the result as tokens [B·T, D],
 * as depthwise-convolution products with the backward written out:
 *   ∂P = ∂O vᵀ,  ∂S = P ⊙ (∂P − rowsum(∂P ⊙ P))·scale,  ∂q = ∂S k,  ∂k = ∂Sᵀ q,  ∂v = Pᵀ ∂O.
 */
function convAttention(B: number, T: number, H: number) {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [q, k, v, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
    const hd = q.shape[1] / H;
    const scale = 1 / Math.sqrt(hd);
    const { o, p } = convAttentionForward(q, k, v, B, T, H);
    save([q, k, v, p]);
    return {
      value: o,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sq, sk, sv, sp] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor3D];
        const dp = convProduct(asSharedRowsG(dy, B, T, H, hd), asSharedGT(sv, B, T, H, hd)); // [Ti, g, Tj]
        const ds = tf.mul(tf.mul(sp, tf.sub(dp, tf.sum(tf.mul(dp, sp), -1, true))), scale) as tf.Tensor3D;
        const dq = convProduct(tf.transpose(ds, [2, 0, 1]), asTGShared(sk, B, T, H, hd)); // Σ_j ∂S[i,j] k[j]
        const dk = convProduct(tf.transpose(ds, [0, 2, 1]), asTGShared(sq, B, T, H, hd)); // Σ_i ∂S[i,j] q[i]
        const dv = convProduct(tf.transpose(sp, [0, 2, 1]), asTGShared(dy, B, T, H, hd)); // Σ_i P[i,j] ∂O[i]
        return [tokensFromTG(dq, B, T, H, hd), tokensFromTG(dk, B, T, H, hd), tokensFromTG(dv, B, T, H, hd)];
      },
    };
  }) as unknown as (q: tf.Tensor2D, k: tf.Tensor2D, v: tf.Tensor2D) => tf.Tensor2D;
}

/** The convolution attention's forward: the output as tokens and the attention weights P [Ti, g, Tj]. */
function convAttentionForward(q: tf.Tensor2D, k: tf.Tensor2D, v: tf.Tensor2D, B: number, T: number, H: number): { o: tf.Tensor2D; p: tf.Tensor3D } {
  const hd = q.shape[1] / H;
  const s = convProduct(asSharedRowsG(q, B, T, H, hd), asSharedGT(k, B, T, H, hd)); // [Ti, g, Tj]
  const p = tf.softmax(tf.mul(s, 1 / Math.sqrt(hd))) as tf.Tensor3D;
  const o = convProduct(tf.transpose(p, [2, 0, 1]), asTGShared(v, B, T, H, hd)); // [Ti, g, hd]
  return { o: tokensFromTG(o, B, T, H, hd), p };
}

/** Multi-head self-attention: softmax(q kᵀ / √hd) v, with one fused QKV weight. */
export function attention(x: tf.Tensor2D, p: BlockParams, B: number, T: number, heads: number): tf.Tensor2D {
  const D = x.shape[1];
  const scale = 1 / Math.sqrt(D / heads);
  if (fastPaths('attention') && batchedMatMulPath() === 'conv') {
    // The weight cut in three (one SplitV; its gradient one Concat), not the [B·T, 3D] activation.
    const w = tf.split(p.qkv.w, 3, 1) as tf.Tensor2D[];
    const b = tf.split(p.qkv.b, 3, 0) as tf.Tensor1D[];
    const [q, k, v] = [0, 1, 2].map((i) => linear(x, { w: w[i], b: b[i] }));
    const out = recording() ? convAttention(B, T, heads)(q, k, v) : convAttentionForward(q, k, v, B, T, heads).o;
    return linear(out, p.proj);
  }
  const qkv = linear(x, p.qkv);
  if (fastPaths('attention') && !explicitTransposes()) {
    // q, k and v to [B·H, T, hd] with one transpose of [B, T, 3, H, hd] (its gradient: one more).
    const hd = D / heads;
    const [q, k, v] = tf.unstack(tf.reshape(tf.transpose(tf.reshape(qkv, [B, T, 3, heads, hd]), [2, 0, 3, 1, 4]), [3, B * heads, T, hd])) as tf.Tensor3D[];
    const attn = tf.softmax(tf.mul(matMulTransposeB(q, k), scale)) as tf.Tensor3D;
    return linear(mergeHeads(matMul(attn, v), B, T, heads), p.proj);
  }
  const [q, k, v] = tf.split(qkv, 3, 1) as tf.Tensor2D[];
  const scores = matMulTransposeB(splitHeads(q, B, T, heads), splitHeads(k, B, T, heads));
  const attn = tf.softmax(tf.mul(scores, scale));
  const out = matMul(attn as tf.Tensor3D, splitHeads(v, B, T, heads));
  return linear(mergeHeads(out, B, T, heads), p.proj);
}

/**
 * Rows of a table ([N, D], no gradient needed) at int32 indices: table[idx]. tfjs-wasm gathers
 * element by element (~20 ms for 2048 rows of 192); a one-hot product is exact (1·v + 0·…) and
 * runs in XNNPACK.
 */
export function lookupRows(table: tf.Tensor2D, idx: tf.Tensor1D): tf.Tensor2D {
  if (!fastPaths('lookup')) return tf.gather(table, idx);
  return tf.matMul(tf.oneHot(idx, table.shape[0]), table);
}

/** nT copies of x along a new leading axis, [nT, ...x.shape] (tfjs-wasm's Tile is a slow generic copy). */
export function repeatLeading(x: tf.Tensor, n: number): tf.Tensor {
  const x1 = tf.expandDims(x, 0);
  if (!fastPaths('lookup')) return tf.tile(x1, [n, ...x.shape.map(() => 1)]);
  return tf.concat(Array.from({ length: n }, () => x1), 0);
}

/** Pre-norm block: x + attn(LN(x)), then x + MLP(LN(x)). */
export function block(x: tf.Tensor2D, p: BlockParams, B: number, T: number, heads: number): tf.Tensor2D {
  const h = tf.add(x, attention(layerNorm(x, p.norm1), p, B, T, heads)) as tf.Tensor2D;
  const m = linear(gelu(linear(layerNorm(h, p.norm2), p.fc1)), p.fc2);
  return tf.add(h, m);
}

export function runBlocks(x: tf.Tensor2D, blocks: BlockParams[], B: number, T: number, heads: number): tf.Tensor2D {
  for (const b of blocks) x = block(x, b, B, T, heads);
  return x;
}
