// AdamW (Loshchilov & Hutter) with decoupled weight decay, as torch.optim.AdamW:
//   θ ← θ − η·wd·θ  (only where decay applies),  θ ← θ − η·m̂/(√v̂ + ε).
// Hand-written because tfjs's AdamOptimizer has no decoupled decay and no per-parameter groups.
// The whole group is one vector (FlatView): the moments live in two flat variables and a step is
// a dozen kernels over the vector, whatever the number of tensors.
import * as tf from './tf';
import { FlatView } from './flat';
import type { Param } from './params';

export class AdamW {
  readonly view: FlatView;
  private readonly m: tf.Variable<tf.Rank.R1>;
  private readonly v: tf.Variable<tf.Rank.R1>;
  /** true where weight decay applies (null: nowhere). */
  private readonly decays: tf.Tensor1D | null;
  private t = 0;

  constructor(
    readonly params: Param[],
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
    readonly eps = 1e-8,
  ) {
    this.view = new FlatView(params.map((p) => p.variable));
    const n = this.view.size;
    // tidy: a variable keeps its own reference to the data; the zeros it starts from are dropped.
    this.m = tf.tidy(() => tf.variable(tf.zeros([n]) as tf.Tensor1D, false));
    this.v = tf.tidy(() => tf.variable(tf.zeros([n]) as tf.Tensor1D, false));
    const mask = new Uint8Array(n);
    params.forEach((p, i) => p.decay && mask.fill(1, this.view.offsets[i], this.view.offsets[i] + this.view.sizes[i]));
    this.decays = mask.includes(1) ? tf.tensor1d(mask, 'bool') : null;
  }

  get stepCount(): number {
    return this.t;
  }

  /** One update of every parameter from its gradient (grads keyed by variable name). */
  apply(grads: tf.NamedTensorMap, lr: number, wd: number): void {
    const g = this.view.gatherGrads(grads);
    try {
      this.applyFlat(g, lr, wd);
    } finally {
      g.dispose();
    }
  }

  /**
   * One update from the group's gradient as one vector (FlatView.gatherGrads); the per-element
   * arithmetic is the per-tensor one, in the same order, so the values are the same.
   */
  applyFlat(g: tf.Tensor1D, lr: number, wd: number): void {
    this.t++;
    const bc1 = 1 - Math.pow(this.beta1, this.t);
    const bc2 = 1 - Math.pow(this.beta2, this.t);
    tf.tidy(() => {
      const p = this.view.gather();
      const m = tf.add(tf.mul(this.m, this.beta1), tf.mul(g, 1 - this.beta1)) as tf.Tensor1D;
      const v = tf.add(tf.mul(this.v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2)) as tf.Tensor1D;
      this.m.assign(m);
      this.v.assign(v);
      const step = tf.div(tf.div(m, bc1), tf.add(tf.sqrt(tf.div(v, bc2)), this.eps));
      const decayed = this.decays && wd > 0 ? tf.where(this.decays, tf.mul(p, 1 - lr * wd), p) : p;
      this.view.scatter(tf.sub(decayed, tf.mul(step, lr)) as tf.Tensor1D);
    });
  }

  /** Moments per parameter (in `params` order), read back for a checkpoint. */
  async state(): Promise<{ t: number; m: Float32Array[]; v: Float32Array[] }> {
    const [m, v] = await Promise.all([this.m.data(), this.v.data()]);
    return { t: this.t, m: this.view.unpack(m as Float32Array), v: this.view.unpack(v as Float32Array) };
  }

  /** Continue from a checkpoint: the step count (bias correction) and the moments per parameter. */
  restore(t: number, m: Float32Array[], v: Float32Array[]): void {
    if (m.length !== this.params.length || v.length !== this.params.length) throw new Error('AdamW: checkpoint has a different parameter count');
    const mFlat = this.view.pack(m);
    const vFlat = this.view.pack(v);
    tf.tidy(() => {
      this.m.assign(tf.tensor1d(mFlat));
      this.v.assign(tf.tensor1d(vFlat));
    });
    this.t = t;
  }

  dispose(): void {
    this.m.dispose();
    this.v.dispose();
    this.decays?.dispose();
  }
}
