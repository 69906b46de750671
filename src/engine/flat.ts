// Many parameter tensors seen as one vector, so that the bookkeeping of a step (AdamW, weight
// decay, the EMA target, ‖∇‖²) is a handful of kernels over one buffer rather than a dozen per
// tensor: the small preset has 123 trained tensors. The per-tensor variables stay the source of
// truth (the model reads them, checkpoints name them); a step gathers them into one vector,
// updates it, and gives each variable its part back.
import * as tf from './tf';
import { gatherOnGpu, scatterOnGpu } from './flatWebgpu';

/** A fixed list of variables as one vector [n]: their values one after another, each row-major. */
export class FlatView {
  readonly sizes: number[];
  readonly offsets: number[];
  /** n, the number of values. */
  readonly size: number;

  constructor(readonly variables: tf.Variable[]) {
    if (variables.length === 0) throw new Error('FlatView: no variables');
    this.sizes = variables.map((v) => v.size);
    this.offsets = [];
    let n = 0;
    for (const s of this.sizes) {
      this.offsets.push(n);
      n += s;
    }
    this.size = n;
  }

  /** Every variable's values in one vector [n]. */
  gather(): tf.Tensor1D {
    return concatFlat(this.variables, this.size);
  }

  /** The variables' gradients in the same layout (grads keyed by variable name, as tf.variableGrads gives them). */
  gatherGrads(grads: tf.NamedTensorMap): tf.Tensor1D {
    return concatFlat(
      this.variables.map((v) => {
        const g = grads[v.name];
        if (!g) throw new Error(`no gradient for ${v.name}`);
        return g;
      }),
      this.size,
    );
  }

  /** Give each variable its part of `flat` [n] (assign moves no data; the parts are new tensors). */
  scatter(flat: tf.Tensor1D): void {
    if (flat.size !== this.size) throw new Error(`FlatView.scatter: expected ${this.size} values, got ${flat.size}`);
    const parts = scatterOnGpu(flat, this.sizes) ?? scatterOnHost(flat, this.sizes) ?? tf.split(flat, this.sizes);
    this.variables.forEach((v, i) => {
      const part = tf.reshape(parts[i], v.shape);
      v.assign(part);
      part.dispose();
      parts[i].dispose();
    });
  }

  /** Values read back from a flat vector, cut into one array per variable. */
  unpack(values: Float32Array): Float32Array[] {
    if (values.length !== this.size) throw new Error(`FlatView.unpack: expected ${this.size} values, got ${values.length}`);
    return this.sizes.map((s, i) => values.slice(this.offsets[i], this.offsets[i] + s));
  }

  /** One flat vector from one array per variable (the inverse of unpack). */
  pack(parts: Float32Array[]): Float32Array {
    if (parts.length !== this.variables.length) throw new Error(`FlatView.pack: expected ${this.variables.length} arrays, got ${parts.length}`);
    const out = new Float32Array(this.size);
    parts.forEach((p, i) => {
      if (p.length !== this.sizes[i]) throw new Error(`FlatView.pack: array ${i} has ${p.length} values, expected ${this.sizes[i]}`);
      out.set(p, this.offsets[i]);
    });
    return out;
  }
}

/**
 * flat cut into 1-D tensors on the host, where tensors live in host memory (CPU, WASM): tfjs-wasm's
 * SplitV reads its whole input out of the heap once per output (122 copies of 12 MB for the small
 * preset, ~1.5 s); here it is read once and each part written once. null on other backends.
 */
function scatterOnHost(flat: tf.Tensor1D, sizes: number[]): tf.Tensor1D[] | null {
  const backend = tf.getBackend();
  if (backend !== 'wasm' && backend !== 'cpu') return null;
  const values = flat.dataSync() as Float32Array;
  let offset = 0;
  return sizes.map((s) => {
    const part = tf.tensor1d(values.subarray(offset, offset + s));
    offset += s;
    return part;
  });
}

/** Tensors flattened and concatenated: one Concat, or buffer copies on WebGPU. */
function concatFlat(xs: tf.Tensor[], size: number): tf.Tensor1D {
  const onGpu = gatherOnGpu(xs, size);
  if (onGpu) return onGpu;
  return tf.tidy(() => tf.concat(xs.map((x) => tf.reshape(x, [-1])), 0) as tf.Tensor1D);
}
