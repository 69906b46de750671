// What turns the predictor's output h_p into a prediction ŝ_p of the target embedding.
import * as tf from './tf';
import type { ModelDims } from './config';
import { matMul } from './matmul';
import { ParamSet } from './params';
import type { Rng } from '../shared/rng';
import { linear, type LinearParams } from './vit';

export interface HeadOutput {
  pred: tf.Tensor2D; // ŝ, [M, D]
  mu?: tf.Tensor2D; // [M, K]
  logVar?: tf.Tensor2D; // [M, K]
}

/** One linear map of the predictor's outputs, h_p A + a, its parameters named `prefix + name` (their PyTorch names). */
export class ProjectionHead {
  readonly params: ParamSet;
  readonly proj: LinearParams;
  constructor(prefix: string, name: string, inDim: number, outDim: number, rng: Rng) {
    this.params = new ParamSet(prefix, rng, true);
    this.proj = this.params.linear(name, inDim, outDim);
  }
  forward(h: tf.Tensor2D): HeadOutput {
    return { pred: linear(h, this.proj) };
  }
}

/** JEPA baseline: ŝ_p = h_p A + a (I-JEPA's predictor_proj). */
export class LinearHead extends ProjectionHead {
  constructor(dims: ModelDims, rng: Rng) {
    super('predictor.', 'predictor_proj', dims.predictorDim, dims.embedDim, rng);
  }
}

/**
 * SparseJEPA's sparse group head (after oi-VAE): μ_p = h_p A_μ, log σ²_p = h_p A_σ,
 * u_p = μ_p + σ_p ⊙ ε (u_p = μ_p in evaluation), ŝ_p = W^(g(p)) u_p + b^(g(p)).
 */
export class SparseGroupHead {
  readonly params: ParamSet;
  readonly mu: LinearParams;
  readonly logVar: LinearParams;
  /** W^(g) stored as [G, K, D] so that [M, G·K] × [G·K, D] is one product. */
  readonly W: tf.Variable;
  readonly b: tf.Variable; // [G, D]

  constructor(readonly dims: ModelDims, rng: Rng, init: 'unitNormal' | 'truncNormal' = 'unitNormal') {
    const { predictorDim: Dp, latentDim: K, numGroups: G, embedDim: D } = dims;
    this.params = new ParamSet('group_head.', rng, true);
    this.mu = this.params.linear('mu', Dp, K);
    this.logVar = this.params.linear('logvar', Dp, K);
    // oi-VAE starts W from N(0, 1) "so that proximal gradient descent doesn't prematurely kill them";
    // W is never weight-decayed: the group lasso is its only regulariser.
    const wInit = init === 'unitNormal' ? ({ kind: 'normal', std: 1 } as const) : ({ kind: 'truncNormal', std: 0.02 } as const);
    this.W = this.params.add('W', [G, K, D], wInit, { layout: 'groupW', decay: false });
    this.b = this.params.add('b', [G, D], { kind: 'zeros' }, { decay: false });
  }

  /**
   * @param h [M, D_p] predictor outputs at the target positions.
   * @param groupOneHot [M, G] one-hot of g(p) for each target token.
   * @param noise ε ~ N(0, I), [M, K]; null for evaluation (u = μ).
   */
  forward(h: tf.Tensor2D, groupOneHot: tf.Tensor2D, noise: tf.Tensor2D | null): HeadOutput {
    const { latentDim: K, numGroups: G, embedDim: D } = this.dims;
    const M = h.shape[0];
    const mu = linear(h, this.mu);
    const logVar = linear(h, this.logVar);
    const u = noise ? tf.add(mu, tf.mul(tf.exp(tf.mul(logVar, 0.5)), noise)) : mu; // reparameterisation
    // Place u_p in its group's K slots: [M, G, 1] ⊙ [M, 1, K] → [M, G·K]; then one product with W.
    const routed = tf.reshape(tf.mul(tf.reshape(groupOneHot, [M, G, 1]), tf.reshape(u, [M, 1, K])), [M, G * K]);
    const pred = tf.add(matMul(routed as tf.Tensor2D, tf.reshape(this.W, [G * K, D])), matMul(groupOneHot, this.b as tf.Tensor2D)) as tf.Tensor2D;
    return { pred, mu, logVar };
  }
}
