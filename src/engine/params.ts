// Named parameters, created from the seeded Rng so every backend starts from identical weights.
import * as tf from './tf';
import { Rng } from '../shared/rng';

/**
 * How a tensor is laid out here vs in the exported PyTorch file.
 * - 'same': identical.
 * - 'linear': here [in, out] (what tf.matMul(x, W) wants), PyTorch Linear is [out, in].
 * - 'patch': here [3·p·p, D] with rows in (c, y, x) order, PyTorch Conv2d is [D, 3, p, p].
 * - 'groupW': here [G, K, D] (rows of one matMul), the paper's W^(g) ∈ R^{D×K} is [G, D, K].
 */
export type Layout = 'same' | 'linear' | 'patch' | 'groupW';

export interface Param {
  /** PyTorch-style name, e.g. "blocks.0.attn.qkv.weight" (without the module prefix). */
  name: string;
  variable: tf.Variable;
  layout: Layout;
  /** Shape in the exported file. */
  exportShape: number[];
  /** AdamW weight decay applies (not to biases and norms; to the mask token, as in I-JEPA's init_opt). */
  decay: boolean;
  /** Fixed, never updated (the sin-cos position embeddings). */
  frozen: boolean;
}

export type Init = { kind: 'zeros' } | { kind: 'ones' } | { kind: 'truncNormal'; std: number } | { kind: 'normal'; std: number };

/** Truncated normal as timm's trunc_normal_(std, a=-2σ, b=2σ): resample outside ±2σ. */
function truncNormal(rng: Rng, n: number, std: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let z = rng.normal();
    while (z < -2 || z > 2) z = rng.normal();
    out[i] = z * std;
  }
  return out;
}

function initValues(init: Init, n: number, rng: Rng): Float32Array {
  switch (init.kind) {
    case 'zeros': return new Float32Array(n);
    case 'ones': return new Float32Array(n).fill(1);
    case 'truncNormal': return truncNormal(rng, n, init.std);
    case 'normal': return Float32Array.from({ length: n }, () => rng.normal() * init.std);
  }
}

let nextSetId = 0;

/** A module's parameters under one name prefix ("context_encoder.", "predictor.", …). */
export class ParamSet {
  readonly params: Param[] = [];
  /** tfjs variable names are global: a per-set id lets several models live side by side. */
  private readonly id = nextSetId++;
  constructor(
    readonly prefix: string,
    private readonly rng: Rng,
    private readonly trainable: boolean,
  ) {}

  add(name: string, shape: number[], init: Init, opts: { layout?: Layout; decay?: boolean; exportShape?: number[] } = {}): tf.Variable {
    const n = shape.reduce((a, b) => a * b, 1);
    return this.register(name, tf.tensor(initValues(init, n, this.rng), shape), opts);
  }

  /** A fixed tensor that is still part of the file (e.g. pos_embed). */
  fixed(name: string, values: Float32Array, shape: number[], exportShape?: number[]): tf.Variable {
    return this.register(name, tf.tensor(values, shape), { exportShape, frozen: true });
  }

  private register(
    name: string,
    value: tf.Tensor,
    opts: { layout?: Layout; decay?: boolean; exportShape?: number[]; frozen?: boolean },
  ): tf.Variable {
    const shape = value.shape;
    const frozen = opts.frozen ?? false;
    const variable = tf.variable(value, this.trainable && !frozen, `s${this.id}/${this.prefix}${name}`);
    value.dispose();
    const layout = opts.layout ?? 'same';
    this.params.push({
      name,
      variable,
      layout,
      exportShape: opts.exportShape ?? exportShapeOf(layout, shape),
      decay: !frozen && (opts.decay ?? shape.length > 1),
      frozen,
    });
    return variable;
  }

  /** Linear layer, weight [in, out] here. timm init: trunc_normal(0.02), zero bias. */
  linear(name: string, inDim: number, outDim: number, std = 0.02): { w: tf.Variable; b: tf.Variable } {
    return {
      w: this.add(`${name}.weight`, [inDim, outDim], { kind: 'truncNormal', std }, { layout: 'linear' }),
      b: this.add(`${name}.bias`, [outDim], { kind: 'zeros' }, { decay: false }),
    };
  }

  layerNorm(name: string, dim: number): { g: tf.Variable; b: tf.Variable } {
    return {
      g: this.add(`${name}.weight`, [dim], { kind: 'ones' }, { decay: false }),
      b: this.add(`${name}.bias`, [dim], { kind: 'zeros' }, { decay: false }),
    };
  }

  /** What the optimiser updates. */
  trainableParams(): Param[] {
    return this.params.filter((p) => !p.frozen);
  }

  /** Copy every value from a set of identical structure (the target encoder starts as a copy). */
  copyFrom(other: ParamSet): void {
    this.params.forEach((p, i) => p.variable.assign(other.params[i].variable));
  }

  dispose(): void {
    for (const p of this.params) p.variable.dispose();
  }
}

export function exportShapeOf(layout: Layout, shape: number[]): number[] {
  switch (layout) {
    case 'same': return shape;
    case 'linear': return [shape[1], shape[0]];
    case 'patch': {
      const p = Math.round(Math.sqrt(shape[0] / 3));
      return [shape[1], 3, p, p];
    }
    case 'groupW': return [shape[0], shape[2], shape[1]];
  }
}

/** Swap the last two axes of a row-major [..., r, c] array. */
function swapLastTwo(data: Float32Array, batch: number, r: number, c: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let b = 0; b < batch; b++) {
    const o = b * r * c;
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[o + j * r + i] = data[o + i * c + j];
  }
  return out;
}

/** Values in the exported (PyTorch) layout from values in our layout. */
export function toExportLayout(p: Param, data: Float32Array): Float32Array {
  const s = p.variable.shape as number[];
  switch (p.layout) {
    case 'same': return data;
    case 'linear':
    case 'patch': return swapLastTwo(data, 1, s[0], s[1]); // [in,out] → [out,in]; [(c,y,x), D] → [D, (c,y,x)]
    case 'groupW': return swapLastTwo(data, s[0], s[1], s[2]);
  }
}

/** Values in our layout from values in the exported layout. */
export function fromExportLayout(p: Param, data: Float32Array): Float32Array {
  const s = p.variable.shape as number[];
  switch (p.layout) {
    case 'same': return data;
    case 'linear':
    case 'patch': return swapLastTwo(data, 1, s[1], s[0]);
    case 'groupW': return swapLastTwo(data, s[0], s[2], s[1]);
  }
}
