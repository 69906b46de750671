// The SparseJEPA objective, one function per term (docs/design.md §1.4, paper §4.2):
//   L = predictionLoss + β·klLoss + λ·groupLasso,   or the λ term as a proximal step.
import * as tf from './tf';

/**
 * How the prediction term is reduced. 'paper': (1/M) Σ_i Σ_{j∈B_i} ‖ŝ_j − s_j‖², summed over a
 * block's patches and features, averaged over the M blocks (the paper's §4.2, and oi-VAE's
 * per-example log-likelihood, which sums over features). 'mean': averaged over tokens and
 * features as well — the lab's first version; it weighs β and λ ~D·|B_i| times more.
 */
export type PredictionReduction = 'paper' | 'mean';

/** (1/M) Σ_i Σ_{j∈B_i} ‖ŝ_j − s_j‖² over M = `blocks` target blocks ('paper'), or the plain MSE ('mean'). */
export function predictionLoss(pred: tf.Tensor2D, target: tf.Tensor2D, reduction: PredictionReduction = 'mean', blocks = 1): tf.Scalar {
  return predictionLossOf(tf.sub(pred, target), reduction, blocks);
}

/** The same from the residual ŝ − s. */
export function predictionLossOf(residual: tf.Tensor2D, reduction: PredictionReduction = 'mean', blocks = 1): tf.Scalar {
  const sq = tf.square(residual);
  return reduction === 'paper' ? tf.div(tf.sum(sq), blocks) : tf.mean(sq);
}

/** MAE's norm-pix ε: each target patch is divided by √(var + ε). */
export const NORM_PIX_EPS = 1e-6;

/**
 * MAE's per-patch normalised pixel targets: x̃_p = (x_p − mean(x_p)) / √(var(x_p) + ε) over the
 * patch's 3·p·p pixels, rows [M, P]. The variance is the unbiased one, as MAE's reference
 * (`target.var(dim=-1)` in PyTorch) computes it.
 */
export function normalisedPixels(x: tf.Tensor2D, eps = NORM_PIX_EPS): tf.Tensor2D {
  return tf.tidy(() => {
    const P = x.shape[1];
    const centred = tf.sub(x, tf.mean(x, 1, true));
    const variance = tf.div(tf.sum(tf.square(centred), 1, true), P - 1);
    return tf.div(centred, tf.sqrt(tf.add(variance, eps))) as tf.Tensor2D;
  });
}

/**
 * MAE's loss over the masked (target) patches, (1/M) Σ_i Σ_{j∈B_i} ‖x̂_j − x_j‖² over M = `blocks`
 * target blocks, summed over a block's patches and pixels ('paper', the prediction term's scale),
 * or the mean over patches and pixels ('mean', MAE's reference). x_j: raw or normalised pixels.
 */
export function reconstructionLoss(pred: tf.Tensor2D, pixels: tf.Tensor2D, reduction: PredictionReduction = 'mean', blocks = 1): tf.Scalar {
  return predictionLoss(pred, pixels, reduction, blocks);
}

/** c in ∂predictionLoss/∂ŝ = c·(ŝ − s): 2/M ('paper'), 2/(rows·D) ('mean'). */
export function predictionLossScale(residual: tf.Tensor2D, reduction: PredictionReduction = 'mean', blocks = 1): number {
  return reduction === 'paper' ? 2 / blocks : 2 / residual.size;
}

/** mean_p KL(N(μ_p, σ_p²) ‖ N(0, I)) = mean_p Σ_k ½(μ² + σ² − 1 − log σ²). */
export function klLoss(mu: tf.Tensor2D, logVar: tf.Tensor2D): tf.Scalar {
  const perDim = tf.mul(0.5, tf.sub(tf.sub(tf.add(tf.square(mu), tf.exp(logVar)), 1), logVar));
  return tf.mean(tf.sum(perDim, 1));
}

/** ‖W^(g)_{·,k}‖₂ for every group g and latent k: W stored [G, K, D] → [G, K]. */
export function groupColumnNorms(W: tf.Tensor3D, eps = 0): tf.Tensor2D {
  const sq = tf.sum(tf.square(W), 2) as tf.Tensor2D;
  return tf.sqrt(eps > 0 ? tf.add(sq, eps) : sq) as tf.Tensor2D;
}

/** Group lasso Σ_g Σ_k ‖W^(g)_{·,k}‖₂ (eps keeps the gradient finite at an exact zero column). */
export function groupLasso(W: tf.Tensor3D, eps = 1e-12): tf.Scalar {
  return tf.sum(groupColumnNorms(W, eps));
}

/** Group soft-threshold (oi-VAE's proximal step): W_{g,k} ← W_{g,k}·max(0, 1 − t/‖W_{g,k}‖), t = ηλ. */
export function proximalGroupShrink(W: tf.Tensor3D, threshold: number): tf.Tensor3D {
  return tf.tidy(() => {
    const norms = groupColumnNorms(W);
    const safe = tf.maximum(norms, 1e-30); // a zero column stays zero: factor is 0 either way
    const factor = tf.relu(tf.sub(1, tf.div(threshold, safe)));
    return tf.mul(W, tf.expandDims(factor, 2));
  });
}

/**
 * One step on W as oi-VAE takes it: a plain gradient step of size η, then — with λ > 0 — the
 * group soft-threshold by η·λ, so W ← prox_{ηλ‖·‖}(W − η∇W) is a true proximal-gradient step.
 * With λ = 0 it is plain SGD (gradient mode: λ's subgradient is already in ∇W).
 */
export function groupHeadStep(W: tf.Tensor3D, grad: tf.Tensor3D, eta: number, lambda: number): tf.Tensor3D {
  return tf.tidy(() => {
    const stepped = tf.sub(W, tf.mul(grad, eta)) as tf.Tensor3D;
    return lambda > 0 ? proximalGroupShrink(stepped, eta * lambda) : stepped;
  });
}
