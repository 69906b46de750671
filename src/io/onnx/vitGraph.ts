// The encoder's maths (engine/encoder.ts, vit.ts) as ONNX nodes on [batch, N, D] token tensors:
// the Conv2d patch embedding (its weight already in PyTorch's [D, 3, p, p] layout), the fixed
// sin-cos positions, pre-norm blocks, the final LayerNorm, and the probe's mean over patches.
import type { ModelDims } from '../../engine/config';
import { LN_EPS } from '../../engine/vit';
import type { EncoderWeights } from './encoderWeights';
import type { GraphBuilder } from './graphBuilder';

/** Linear weights are [out, in] in the file; MatMul on [.., in] tokens wants [in, out]. */
function transposed(w: Float32Array, out: number, inp: number): Float32Array {
  const t = new Float32Array(w.length);
  for (let o = 0; o < out; o++) for (let i = 0; i < inp; i++) t[i * out + o] = w[o * inp + i];
  return t;
}

class VitGraph {
  constructor(
    private readonly g: GraphBuilder,
    private readonly w: EncoderWeights,
    private readonly d: ModelDims,
  ) {}

  private param(name: string, dims: number[]): string {
    return this.g.weight(this.w.prefix + name, dims, this.w.get(name));
  }

  /** y = x Wᵀ + b (PyTorch's Linear) on the last axis. */
  linear(x: string, name: string, inp: number, out: number): string {
    const w = this.g.weight(`${this.w.prefix}${name}.weight.T`, [inp, out], transposed(this.w.get(`${name}.weight`), out, inp));
    return this.g.op1('Add', [this.g.op1('MatMul', [x, w]), this.param(`${name}.bias`, [out])]);
  }

  /** LayerNorm over features with the blocks' eps (LN_EPS = 1e-6, timm's partial(nn.LayerNorm, eps=1e-6)). */
  layerNorm(x: string, name: string, out?: string): string {
    const D = this.d.embedDim;
    const inputs = [x, this.param(`${name}.weight`, [D]), this.param(`${name}.bias`, [D])];
    return this.g.op('LayerNormalization', inputs, { axis: -1, epsilon: { f: LN_EPS } }, out ? [out] : 1)[0];
  }

  /** Exact GELU, 0.5·x·(1 + erf(x/√2)) (engine/grads.ts geluForward; PyTorch's nn.GELU()). */
  gelu(x: string): string {
    const g = this.g;
    const erf = g.op1('Erf', [g.op1('Mul', [x, g.scalar(Math.SQRT1_2)])]);
    return g.op1('Mul', [g.op1('Mul', [x, g.scalar(0.5)]), g.op1('Add', [erf, g.scalar(1)])]);
  }

  /**
   * Multi-head attention, softmax(q kᵀ/√hd) v: the fused qkv's columns are (q|k|v, head, channel),
   * timm's reshape(B, N, 3, H, hd) (engine/grads.ts headsOf).
   */
  attention(x: string, b: string): string {
    const { g, d } = this;
    const D = d.embedDim;
    const H = d.heads;
    const hd = D / H;
    const qkv = this.linear(x, `${b}attn.qkv`, D, 3 * D);
    const [q, k, v] = g.op('Split', [qkv, g.ints([D, D, D])], { axis: 2 }, 3);
    const heads = (t: string, perm: number[]) => g.op1('Transpose', [g.op1('Reshape', [t, g.ints([0, 0, H, hd])])], { perm });
    const scores = g.op1('MatMul', [heads(q, [0, 2, 1, 3]), heads(k, [0, 2, 3, 1])]); // [B, H, N, N]
    const p = g.op1('Softmax', [g.op1('Mul', [scores, g.scalar(1 / Math.sqrt(hd))])], { axis: -1 });
    const o = g.op1('MatMul', [p, heads(v, [0, 2, 1, 3])]); // [B, H, N, hd]
    const merged = g.op1('Reshape', [g.op1('Transpose', [o], { perm: [0, 2, 1, 3] }), g.ints([0, 0, D])]);
    return this.linear(merged, `${b}attn.proj`, D, D);
  }

  /** Pre-norm block: h = x + attn(LN₁(x)), x + MLP(LN₂(h)). */
  block(x: string, i: number): string {
    const { g, d } = this;
    const b = `blocks.${i}.`;
    const h = g.op1('Add', [x, this.attention(this.layerNorm(x, `${b}norm1`), b)]);
    const hidden = this.gelu(this.linear(this.layerNorm(h, `${b}norm2`), `${b}mlp.fc1`, d.embedDim, d.mlpRatio * d.embedDim));
    return g.op1('Add', [h, this.linear(hidden, `${b}mlp.fc2`, d.mlpRatio * d.embedDim, d.embedDim)]);
  }

  /** pixels [B, 3, H, W] → tokens [B, N, D], patches in row-major grid order (data/batch.ts writePatches). */
  tokens(pixels: string): string {
    const { g, d } = this;
    const { embedDim: D, patchSize: p, numPatches: N } = d;
    // A Conv2d with kernel = stride = p is the engine's Linear on (c, y, x)-flattened patches.
    const conv = g.op1('Conv', [pixels, this.param('patch_embed.proj.weight', [D, 3, p, p]), this.param('patch_embed.proj.bias', [D])], {
      kernel_shape: [p, p], strides: [p, p],
    });
    const flat = g.op1('Transpose', [g.op1('Reshape', [conv, g.ints([0, D, N])])], { perm: [0, 2, 1] }); // [B, N, D]
    let x = g.op1('Add', [flat, this.param('pos_embed', [1, N, D])]);
    for (let i = 0; i < d.depth; i++) x = this.block(x, i);
    return x;
  }
}

/** Add the encoder to `g`: `pixels` in, the final-norm tokens and their mean over patches (the probe's pool) out. */
export function encoderGraph(g: GraphBuilder, w: EncoderWeights, d: ModelDims, names: { pixels: string; tokens: string; pooled: string }): void {
  const vit = new VitGraph(g, w, d);
  vit.layerNorm(vit.tokens(names.pixels), 'norm', names.tokens);
  g.op('ReduceMean', [names.tokens], { axes: [1], keepdims: 0 }, [names.pooled]);
}
