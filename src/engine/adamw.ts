// AdamW (Loshchilov & Hutter) with decoupled weight decay, as torch.optim.AdamW:
//   θ ← θ − η·wd·θ  (only where decay applies),  θ ← θ − η·m̂/(√v̂ + ε).
// Hand-written because tfjs's AdamOptimizer has no decoupled decay and no per-parameter groups.
import * as tf from './tf';
import type { Param } from './params';

export class AdamW {
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private t = 0;

  constructor(
    readonly params: Param[],
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
    readonly eps = 1e-8,
  ) {
    // tidy: a variable keeps its own reference to the data; the zeros it starts from are dropped.
    this.m = params.map((p) => tf.tidy(() => tf.variable(tf.zerosLike(p.variable), false)));
    this.v = params.map((p) => tf.tidy(() => tf.variable(tf.zerosLike(p.variable), false)));
  }

  get stepCount(): number {
    return this.t;
  }

  /** One update of every parameter from its gradient (grads keyed by variable name). */
  apply(grads: tf.NamedTensorMap, lr: number, wd: number): void {
    this.t++;
    const bc1 = 1 - Math.pow(this.beta1, this.t);
    const bc2 = 1 - Math.pow(this.beta2, this.t);
    tf.tidy(() => {
      this.params.forEach((p, i) => {
        const g = grads[p.variable.name];
        if (!g) throw new Error(`AdamW: no gradient for ${p.variable.name}`);
        const m = tf.add(tf.mul(this.m[i], this.beta1), tf.mul(g, 1 - this.beta1));
        const v = tf.add(tf.mul(this.v[i], this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        this.m[i].assign(m);
        this.v[i].assign(v);
        const step = tf.div(tf.div(m, bc1), tf.add(tf.sqrt(tf.div(v, bc2)), this.eps));
        const decayed = p.decay && wd > 0 ? tf.mul(p.variable, 1 - lr * wd) : p.variable;
        p.variable.assign(tf.sub(decayed, tf.mul(step, lr)));
      });
    });
  }

  /** Moments, for checkpoints. */
  state(): { t: number; m: tf.Variable[]; v: tf.Variable[] } {
    return { t: this.t, m: this.m, v: this.v };
  }

  /** Continue from a checkpoint: the step count (bias correction) and the moments. */
  restore(t: number, m: Float32Array[], v: Float32Array[]): void {
    if (m.length !== this.m.length || v.length !== this.v.length) throw new Error('AdamW: checkpoint has a different parameter count');
    tf.tidy(() => {
      this.m.forEach((x, i) => x.assign(tf.tensor(m[i], x.shape)));
      this.v.forEach((x, i) => x.assign(tf.tensor(v[i], x.shape)));
    });
    this.t = t;
  }

  dispose(): void {
    for (const x of [...this.m, ...this.v]) x.dispose();
  }
}
