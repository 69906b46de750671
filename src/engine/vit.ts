// A pre-norm Vision Transformer over token matrices [T·B, D]: the context encoder, the EMA
// target encoder and (at a narrower width) the predictor are all built from these blocks.
// Token matrices are time-major: row t·B + b is token t of image (sequence) b. Only attention
// cares which rows form a sequence; in this order the (image, head) batches of its products are
// already the layout the products want on WASM (grads.ts), which saves most of its transposes.
//
// Each layer has two formulations with the same maths: the plain one (tfjs ops, tfjs's own
// gradients) and a fast one (custom gradients; on WASM, attention as depthwise convolutions),
// chosen by fastPaths() (matmul.ts). Why the fast ones are faster on tfjs-wasm (measured, src/bench):
// - linear: the bias rides in XNNPACK's product (tf.fused.matMul); its gradient is a product
//   with a row of ones instead of a column sum (tfjs-wasm transposes before reducing axis 0,
//   ~30× slower); the weight gradient transposes whichever of x and ∂y is narrower.
// - LayerNorm, GELU: the textbook backward in a few ops (tfjs differentiates op by op and
//   clones every saved input).
// - attention: on WASM q, k, v from thirds of the fused QKV weight (slicing the [T·B, 3D]
//   activation is a slow row-by-row copy in tfjs-wasm), then softmax(q kᵀ/√hd) v as batched
//   products in the layouts a depthwise convolution wants (see matmul.ts); elsewhere one product
//   and one transpose to heads. Both with their own backward.
// - a whole block as one custom gradient (block.ts): one tape entry instead of ten.
// Without a gradient tape (the EMA target's forward, evaluation) the layers skip their custom
// gradients altogether. The maths of the backwards is in grads.ts.
// Unit tests (vit.test.ts) hold the fast formulations to the plain ones, values and gradients.
import * as tf from './tf';
import { fusedBlock } from './block';
import {
  biasProduct, columnSums, convAttentionForward, convAttentionGrads, geluForward, geluGrad, headsAttentionForward, headsOf, layerNormGrads, linearGrads, LN_EPS, mergeHeads, normalise, splitHeads, weightGrad,
} from './grads';
import { batchedMatMulPath, explicitTransposes, fastPaths, matMul, matMulTransposeB } from './matmul';
import { ParamSet } from './params';

export { LN_EPS };

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

/** y = x W + b with the bias fused into the product. */
const fusedLinear = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, w, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
  save([x, w]);
  return {
    value: biasProduct(x, w, b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => linearGrads(dy as tf.Tensor2D, saved[0] as tf.Tensor2D, saved[1] as tf.Tensor2D),
  };
}) as unknown as (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;

/** Whether tfjs is recording for a gradient: without it (the EMA target's forward, evaluation) the layers skip their custom gradients. */
export const recording = (): boolean => tf.engine().isTapeOn();

/** y = x W + b on a token matrix. */
export function linear(x: tf.Tensor2D, p: { w: tf.Tensor; b: tf.Tensor }): tf.Tensor2D {
  if (fastPaths('linear')) return recording() ? fusedLinear(x, p.w as tf.Tensor2D, p.b as tf.Tensor1D) : biasProduct(x, p.w as tf.Tensor2D, p.b as tf.Tensor1D);
  return tf.add(matMul(x, p.w as tf.Tensor2D), p.b);
}

/**
 * y = x W + b where x is data (the image patches): no ∂x is computed. The weights are the custom
 * gradient's only inputs; x rides in its closure, so the tape does not ask for ∂x.
 */
export function inputLinear(x: tf.Tensor2D, p: { w: tf.Tensor; b: tf.Tensor }): tf.Tensor2D {
  if (!fastPaths('linear') || !recording()) return linear(x, p);
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [w, b, save] = args as [tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    save([x]);
    return {
      value: biasProduct(x, w, b),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [weightGrad(saved[0] as tf.Tensor2D, dy as tf.Tensor2D), columnSums(dy as tf.Tensor2D)],
    };
  }) as unknown as (w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;
  return f(p.w as tf.Tensor2D, p.b as tf.Tensor1D);
}

/** LayerNorm with affine parameters, and its textbook backward. */
const fastLayerNorm = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, g, b, save] = args as [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
  const { xhat, rstd } = normalise(x, LN_EPS);
  save([xhat, rstd, g]);
  return {
    value: tf.add(tf.mul(xhat, g), b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => layerNormGrads(dy as tf.Tensor2D, saved[0] as tf.Tensor2D, saved[1] as tf.Tensor2D, saved[2] as tf.Tensor1D),
  };
}) as unknown as (x: tf.Tensor2D, g: tf.Tensor1D, b: tf.Tensor1D) => tf.Tensor2D;

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

/** Exact GELU with ∂y/∂x = Φ(x) + x·φ(x). */
const fastGelu = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
  const { y, phi } = geluForward(x);
  save([x, phi]);
  return { value: y, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [geluGrad(dy as tf.Tensor2D, saved[0] as tf.Tensor2D, saved[1] as tf.Tensor2D)] };
}) as unknown as (x: tf.Tensor2D) => tf.Tensor2D;

/** Exact GELU, 0.5·x·(1 + erf(x/√2)), as PyTorch's nn.GELU(). */
export function gelu(x: tf.Tensor2D): tf.Tensor2D {
  if (fastPaths('gelu')) return recording() ? fastGelu(x) : geluForward(x).y;
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
}

/** softmax(q kᵀ/√hd) v for q, k, v as tokens, as depthwise-convolution products with the backward written out (grads.ts). */
function convAttention(B: number, T: number, H: number) {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [q, k, v, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
    const { o, p } = convAttentionForward(q, k, v, B, T, H);
    save([q, k, v, p]);
    return {
      value: o,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sq, sk, sv, sp] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor3D];
        return convAttentionGrads(dy as tf.Tensor2D, sq, sk, sv, sp, B, T, H);
      },
    };
  }) as unknown as (q: tf.Tensor2D, k: tf.Tensor2D, v: tf.Tensor2D) => tf.Tensor2D;
}

/** Multi-head self-attention: softmax(q kᵀ / √hd) v, with one fused QKV weight. */
export function attention(x: tf.Tensor2D, p: BlockParams, B: number, T: number, heads: number): tf.Tensor2D {
  const D = x.shape[1];
  const scale = 1 / Math.sqrt(D / heads);
  if (fastPaths('attention') && batchedMatMulPath() === 'conv') {
    // The weight cut in three (one SplitV; its gradient one Concat), not the [T·B, 3D] activation.
    const w = tf.split(p.qkv.w, 3, 1) as tf.Tensor2D[];
    const b = tf.split(p.qkv.b, 3, 0) as tf.Tensor1D[];
    const [q, k, v] = [0, 1, 2].map((i) => linear(x, { w: w[i], b: b[i] }));
    const out = recording() ? convAttention(B, T, heads)(q, k, v) : convAttentionForward(q, k, v, B, T, heads).o;
    return linear(out, p.proj);
  }
  const qkv = linear(x, p.qkv);
  if (fastPaths('attention') && !explicitTransposes()) {
    const [q, k, v] = headsOf(qkv, B, T, heads);
    return linear(mergeHeads(headsAttentionForward(q, k, v, scale).o, B, T, heads), p.proj);
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
 * runs in XNNPACK. The one-hot is cast once (matMul would cast both operands to a common type,
 * and tfjs-wasm's OneHot writes integers whatever dtype it is asked for).
 */
export function lookupRows(table: tf.Tensor2D, idx: tf.Tensor1D): tf.Tensor2D {
  if (!fastPaths('lookup')) return tf.gather(table, idx);
  return tf.matMul(tf.cast(tf.oneHot(idx, table.shape[0]), 'float32'), table);
}

/**
 * A fixed table (the sin-cos position embeddings) with a host copy of its values: rows at
 * positions the host knows (the batch's masks) are one upload, where a lookup is a one-hot
 * product (OneHot, Cast, BatchMatMul) on the device.
 */
export class FixedTable {
  private host: Float32Array;
  constructor(
    readonly variable: tf.Variable,
    values: Float32Array,
  ) {
    this.host = Float32Array.from(values);
  }

  /** table[idx], [idx.length, width]: from the host copy for host positions (fast paths on), else lookupRows. */
  rows(idx: tf.Tensor1D | Int32Array): tf.Tensor2D {
    if (!(idx instanceof Int32Array)) return lookupRows(this.variable as tf.Tensor2D, idx);
    if (!fastPaths('lookup')) return tf.tidy(() => lookupRows(this.variable as tf.Tensor2D, tf.tensor1d(idx, 'int32')));
    const width = this.variable.shape[1]!;
    const out = new Float32Array(idx.length * width);
    idx.forEach((p, i) => out.set(this.host.subarray(p * width, (p + 1) * width), i * width));
    return tf.tensor2d(out, [idx.length, width]);
  }

  /** Take the variable's values again after they were replaced (imported weights, a restored checkpoint). */
  async sync(): Promise<void> {
    this.host = Float32Array.from((await this.variable.data()) as Float32Array);
  }
}

/**
 * [A, B, D] → [A, n·B, D]: the batch axis repeated n times (copy k at k·B + b). tfjs-wasm's Tile
 * is a slow generic copy; a concat of n copies is a few block copies, and its gradient sums them.
 */
export function repeatBatch(x: tf.Tensor3D, n: number): tf.Tensor3D {
  if (!fastPaths('lookup')) return tf.tile(x, [1, n, 1]);
  const copies = () => tf.concat(Array.from({ length: n }, () => x), 1) as tf.Tensor3D;
  if (!recording()) return copies();
  const [A, B, D] = x.shape;
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [t] = args as [tf.Tensor3D];
    return {
      value: tf.concat(Array.from({ length: n }, () => t), 1),
      gradFunc: (dy: tf.Tensor) => tf.reshape(tf.sum(tf.reshape(dy, [A, n, B * D]), 1), [A, B, D]),
    };
  }) as unknown as (t: tf.Tensor3D) => tf.Tensor3D;
  return f(x);
}

/** Pre-norm block: x + attn(LN(x)), then x + MLP(LN(x)). */
export function block(x: tf.Tensor2D, p: BlockParams, B: number, T: number, heads: number): tf.Tensor2D {
  if (fastPaths() && recording()) return fusedBlock(x, p, B, T, heads);
  const h = tf.add(x, attention(layerNorm(x, p.norm1), p, B, T, heads)) as tf.Tensor2D;
  const m = linear(gelu(linear(layerNorm(h, p.norm2), p.fc1)), p.fc2);
  return tf.add(h, m);
}

export function runBlocks(x: tf.Tensor2D, blocks: BlockParams[], B: number, T: number, heads: number): tf.Tensor2D {
  for (const b of blocks) x = block(x, b, B, T, heads);
  return x;
}
