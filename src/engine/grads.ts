// The layers' maths written out, forward pieces and backwards, shared by the per-layer custom
// gradients (vit.ts) and the whole block's (block.ts). tfjs differentiates op by op and clones
// every saved input; these are the textbook backwards in a few kernels each.
import * as tf from './tf';
import { convProduct, explicitTransposes, product } from './matmul';

export const LN_EPS = 1e-6;

/** Sum over rows, [M, n] → [n], as a product with a row of ones (tfjs-wasm transposes before reducing axis 0, ~30× slower). */
export function columnSums(x: tf.Tensor2D): tf.Tensor1D {
  return tf.reshape(tf.matMul(tf.ones([1, x.shape[0]]), x), [x.shape[1]]);
}

/** x W + b as one kernel: tfjs's fused product called directly (tf.fused.matMul would wrap it in a custom gradient of its own). */
export function biasProduct(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor2D {
  const [m, k] = x.shape;
  const n = w.shape[1];
  const y = tf.engine().runKernel('_FusedMatMul', { a: tf.reshape(x, [1, m, k]), b: tf.reshape(w, [1, k, n]), bias: b }, { transposeA: false, transposeB: false, activation: 'linear' }) as tf.Tensor;
  return tf.reshape(y, [m, n]);
}

/** ∂W = xᵀ ∂y; with explicit transposes (WASM), (∂yᵀ x)ᵀ when ∂y is the narrower of the two tall matrices. */
export function weightGrad(x: tf.Tensor2D, dy: tf.Tensor2D): tf.Tensor2D {
  if (!explicitTransposes() || x.shape[1] <= dy.shape[1]) return product(x, dy, true, false);
  return tf.transpose(tf.matMul(tf.transpose(dy), x)) as tf.Tensor2D;
}

/** Backward of y = x W + b: ∂x = ∂y Wᵀ, ∂W = xᵀ ∂y, ∂b = Σ_rows ∂y. */
export function linearGrads(dy: tf.Tensor2D, x: tf.Tensor2D, w: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D] {
  return [product(dy, w, false, true), weightGrad(x, dy), columnSums(dy)];
}

/** (x − mean)·rsqrt(var + eps) over the last axis, exactly as tf.moments-based LayerNorm computes it. */
export function normalise(x: tf.Tensor2D, eps = LN_EPS): { xhat: tf.Tensor2D; rstd: tf.Tensor2D } {
  const mean = tf.mean(x, -1, true);
  const xc = tf.sub(x, mean);
  const variance = tf.mean(tf.square(xc), -1, true);
  const rstd = tf.rsqrt(tf.add(variance, eps)) as tf.Tensor2D;
  return { xhat: tf.mul(xc, rstd) as tf.Tensor2D, rstd };
}

/** Backward of y = x̂·g + b: ∂x = rstd·(∂x̂ − mean(∂x̂) − x̂·mean(∂x̂·x̂)) with ∂x̂ = ∂y·g; ∂g = Σ_rows ∂y·x̂; ∂b = Σ_rows ∂y. */
export function layerNormGrads(dy: tf.Tensor2D, xhat: tf.Tensor2D, rstd: tf.Tensor2D, g: tf.Tensor1D): [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D] {
  const dxhat = tf.mul(dy, g);
  const m1 = tf.mean(dxhat, -1, true);
  const m2 = tf.mean(tf.mul(dxhat, xhat), -1, true);
  const dx = tf.mul(tf.sub(tf.sub(dxhat, m1), tf.mul(xhat, m2)), rstd) as tf.Tensor2D;
  return [dx, columnSums(tf.mul(dy, xhat) as tf.Tensor2D), columnSums(dy)];
}

/** Exact GELU x·Φ(x), Φ(x) = ½(1 + erf(x/√2)) (PyTorch's nn.GELU()), and Φ(x) for the backward. */
export function geluForward(x: tf.Tensor2D): { y: tf.Tensor2D; phi: tf.Tensor2D } {
  const phi = tf.add(tf.mul(tf.erf(tf.mul(x, Math.SQRT1_2)), 0.5), 0.5) as tf.Tensor2D;
  return { y: tf.mul(x, phi) as tf.Tensor2D, phi };
}

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** Backward of GELU: ∂x = ∂y·(Φ(x) + x·φ(x)), φ(x) = exp(−x²/2)/√(2π). */
export function geluGrad(dy: tf.Tensor2D, x: tf.Tensor2D, phi: tf.Tensor2D): tf.Tensor2D {
  const xpdf = tf.mul(tf.mul(x, tf.exp(tf.mul(tf.square(x), -0.5))), INV_SQRT_2PI);
  return tf.mul(dy, tf.add(phi, xpdf)) as tf.Tensor2D;
}

// ---- attention, heads as a batch (every backend but WASM): q, k, v [B·H, T, hd] ----
// Token matrices are time-major: row t·B + b is token t of image b (see vit.ts).

/** [T·B, 3·H·hd] (q, k, v side by side) → q, k, v as [B·H, T, hd], with one transpose. */
export function headsOf(qkv: tf.Tensor2D, B: number, T: number, H: number): tf.Tensor3D[] {
  const hd = qkv.shape[1] / (3 * H);
  return tf.unstack(tf.reshape(tf.transpose(tf.reshape(qkv, [T, B, 3, H, hd]), [2, 1, 3, 0, 4]), [3, B * H, T, hd])) as tf.Tensor3D[];
}

/** The inverse of headsOf: ∂q, ∂k, ∂v [B·H, T, hd] → [T·B, 3·H·hd]. */
export function headsToTokens(dq: tf.Tensor3D, dk: tf.Tensor3D, dv: tf.Tensor3D, B: number, T: number, H: number): tf.Tensor2D {
  const hd = dq.shape[2];
  return tf.reshape(tf.transpose(tf.reshape(tf.stack([dq, dk, dv]), [3, B, H, T, hd]), [3, 1, 0, 2, 4]), [T * B, 3 * H * hd]) as tf.Tensor2D;
}

/** [B·H, T, hd] → tokens [T·B, H·hd]. */
export function mergeHeads(x: tf.Tensor3D, B: number, T: number, heads: number): tf.Tensor2D {
  const hd = x.shape[2];
  return tf.reshape(tf.transpose(tf.reshape(x, [B, heads, T, hd]), [2, 0, 1, 3]), [T * B, heads * hd]);
}

/** tokens [T·B, H·hd] → [B·H, T, hd]: one head per batch entry for batched matMul. */
export function splitHeads(x: tf.Tensor2D, B: number, T: number, heads: number): tf.Tensor3D {
  const hd = x.shape[1] / heads;
  return tf.reshape(tf.transpose(tf.reshape(x, [T, B, heads, hd]), [1, 2, 0, 3]), [B * heads, T, hd]);
}

/** softmax(q kᵀ·scale) v per (image, head): the output [B·H, T, hd] and the weights P [B·H, T, T]. */
export function headsAttentionForward(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, scale: number): { o: tf.Tensor3D; p: tf.Tensor3D } {
  const p = tf.softmax(tf.mul(tf.matMul(q, k, false, true), scale)) as tf.Tensor3D;
  return { o: tf.matMul(p, v), p };
}

/** ∂P = ∂O vᵀ, ∂S = P ⊙ (∂P − rowsum(∂P ⊙ P))·scale, ∂q = ∂S k, ∂k = ∂Sᵀ q, ∂v = Pᵀ ∂O. */
export function headsAttentionGrads(dO: tf.Tensor3D, q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, p: tf.Tensor3D, scale: number): tf.Tensor3D[] {
  const dp = tf.matMul(dO, v, false, true);
  const ds = softmaxGrad(dp as tf.Tensor3D, p, scale);
  return [tf.matMul(ds, k), tf.matMul(ds, q, true, false), tf.matMul(p, dO, true, false)];
}

/** ∂S from ∂P through P = softmax(S·scale) over the last axis. */
function softmaxGrad(dp: tf.Tensor3D, p: tf.Tensor3D, scale: number): tf.Tensor3D {
  return tf.mul(tf.mul(p, tf.sub(dp, tf.sum(tf.mul(dp, p), -1, true))), scale) as tf.Tensor3D;
}

// ---- attention as depthwise-convolution products (WASM; see matmul.ts) ----
// Tokens [T·B, H·hd] (time-major) viewed as [T, B, H, hd], and g = b·H + h indexing the (image,
// head) products. A convolution product takes its left operand as [shared, rows, g] and its right
// one as [shared, g, cols], and gives [rows, g, cols]. Time-major tokens already are [T, g, hd]:
// the right operand of the value products and every product's output need no transpose at all.
// (As a 4-D transpose: tfjs-wasm's 2-D transpose of the same tall [T·g, hd] matrix is ~4× slower.)
const asSharedRowsG = (x: tf.Tensor, T: number, g: number, hd: number) => tf.reshape(tf.transpose(tf.reshape(x, [T, g, 1, hd]), [3, 0, 1, 2]), [hd, T, g]) as tf.Tensor3D; // [hd, T, g]
const asSharedGT = (x: tf.Tensor, T: number, g: number, hd: number) => tf.transpose(tf.reshape(x, [T, g, hd]), [2, 1, 0]) as tf.Tensor3D; // [hd, g, T]
const asTGShared = (x: tf.Tensor, T: number, g: number, hd: number) => tf.reshape(x, [T, g, hd]) as tf.Tensor3D; // [T, g, hd]
/** softmax(q kᵀ/√hd) v for q, k, v as tokens [T·B, D]: the output as tokens and the weights P [Ti, g, Tj]. */
export function convAttentionForward(q: tf.Tensor2D, k: tf.Tensor2D, v: tf.Tensor2D, B: number, T: number, H: number): { o: tf.Tensor2D; p: tf.Tensor3D } {
  const hd = q.shape[1] / H;
  const g = B * H;
  const s = convProduct(asSharedRowsG(q, T, g, hd), asSharedGT(k, T, g, hd)); // [Ti, g, Tj]
  const p = tf.softmax(tf.mul(s, 1 / Math.sqrt(hd))) as tf.Tensor3D;
  const o = convProduct(tf.transpose(p, [2, 0, 1]), asTGShared(v, T, g, hd)); // [Ti, g, hd]
  return { o: tf.reshape(o, q.shape) as tf.Tensor2D, p };
}

/** The same backward as headsAttentionGrads, in the convolution layouts; ∂q, ∂k, ∂v as tokens. */
export function convAttentionGrads(dy: tf.Tensor2D, q: tf.Tensor2D, k: tf.Tensor2D, v: tf.Tensor2D, p: tf.Tensor3D, B: number, T: number, H: number): tf.Tensor2D[] {
  const hd = q.shape[1] / H;
  const g = B * H;
  const dp = convProduct(asSharedRowsG(dy, T, g, hd), asSharedGT(v, T, g, hd)); // [Ti, g, Tj]
  const ds = softmaxGrad(dp, p, 1 / Math.sqrt(hd));
  const dq = convProduct(tf.transpose(ds, [2, 0, 1]), asTGShared(k, T, g, hd)); // Σ_j ∂S[i,j] k[j]
  const dk = convProduct(tf.transpose(ds, [0, 2, 1]), asTGShared(q, T, g, hd)); // Σ_i ∂S[i,j] q[i]
  const dv = convProduct(tf.transpose(p, [0, 2, 1]), asTGShared(dy, T, g, hd)); // Σ_i P[i,j] ∂O[i]
  return [dq, dk, dv].map((d) => tf.reshape(d, q.shape) as tf.Tensor2D);
}
