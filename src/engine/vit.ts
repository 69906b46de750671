// A pre-norm Vision Transformer over token matrices [B·T, D]: the context encoder, the EMA
// target encoder and (at a narrower width) the predictor are all built from these blocks.
import * as tf from './tf';
import { matMul, matMulTransposeB } from './matmul';
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

/** y = x W + b on a token matrix. */
export function linear(x: tf.Tensor2D, p: LinearParams): tf.Tensor2D {
  return tf.add(matMul(x, p.w as tf.Tensor2D), p.b);
}

/** LayerNorm over the last axis, with affine parameters when given. */
export function layerNorm(x: tf.Tensor2D, p?: LayerNormParams, eps = LN_EPS): tf.Tensor2D {
  const { mean, variance } = tf.moments(x, -1, true);
  const y = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps))) as tf.Tensor2D;
  return p ? tf.add(tf.mul(y, p.g), p.b) : y;
}

/** Exact GELU, 0.5·x·(1 + erf(x/√2)), as PyTorch's nn.GELU(). */
export function gelu(x: tf.Tensor2D): tf.Tensor2D {
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

/** Multi-head self-attention: softmax(q kᵀ / √hd) v, with one fused QKV product. */
export function attention(x: tf.Tensor2D, p: BlockParams, B: number, T: number, heads: number): tf.Tensor2D {
  const D = x.shape[1];
  const qkv = linear(x, p.qkv);
  const [q, k, v] = tf.split(qkv, 3, 1) as tf.Tensor2D[];
  const scale = 1 / Math.sqrt(D / heads);
  const scores = matMulTransposeB(splitHeads(q, B, T, heads), splitHeads(k, B, T, heads));
  const attn = tf.softmax(tf.mul(scores, scale));
  const out = matMul(attn as tf.Tensor3D, splitHeads(v, B, T, heads));
  return linear(mergeHeads(out, B, T, heads), p.proj);
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
