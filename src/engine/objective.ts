// The SparseJEPA objective from the predictor's output on, as one custom gradient:
//   L = predictionLoss(ŝ, s) + β·klLoss(μ, log σ²) + λ·groupLasso(W)     (losses.ts)
// with ŝ = W^(g) u + b^(g), u = μ + σ ⊙ ε (heads.ts). The forward is the same functions; the
// backward is each term's gradient written out and chained through the head, a few dozen kernels
// where tfjs's op-by-op differentiation of the same expressions takes about twice as many.
import * as tf from './tf';
import { biasProduct, linearGrads, weightGrad } from './grads';
import type { SparseGroupHead } from './heads';
import { groupColumnNorms, klLoss, predictionLossOf, predictionLossScale, type PredictionReduction } from './losses';
import { product } from './matmul';

export interface ObjectiveTerms {
  total: tf.Scalar;
  pred: tf.Scalar;
  kl: tf.Scalar;
  penalty: tf.Scalar;
}

export interface ObjectiveInputs {
  /** s, the targets [M, D]. */
  targets: tf.Tensor2D;
  /**
   * Whether s itself takes a gradient (targetEncoder 'online-no-stopgrad': s = f_θ(x), no
   * stop-gradient): then s is an input of the custom gradient, with ∂L/∂s = −∂L/∂ŝ. Otherwise it
   * is a constant the gradient does not reach (no kernel spent on it).
   */
  targetsTrained?: boolean;
  /** one-hot of g(p) for each target token, [M, G]. */
  groupOneHot: tf.Tensor2D;
  /** ε [M, K]; null: u = μ (evaluation). */
  noise: tf.Tensor2D | null;
  /** λ in the loss (0 when the group lasso is applied as a proximal step instead). */
  lambda: number;
  beta: number;
  reduction: PredictionReduction;
  /** M, the number of target blocks, for the 'paper' reduction. */
  blocks: number;
}

/** The objective's terms from h [M, D_p]; pred, kl and penalty are kept (the caller disposes them). */
export function sparseObjective(head: SparseGroupHead, h: tf.Tensor2D, o: ObjectiveInputs): ObjectiveTerms {
  const { latentDim: K, numGroups: G, embedDim: D } = head.dims;
  let side: Omit<ObjectiveTerms, 'total'> | undefined;
  const f = (...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const [x, aMu, bMu, aLv, bLv, W, b, trainedTargets] = args as tf.Tensor[];
    const targets = (o.targetsTrained ? trainedTargets : o.targets) as tf.Tensor2D;
    const M = x.shape[0];
    const mu = biasProduct(x as tf.Tensor2D, aMu as tf.Tensor2D, bMu as tf.Tensor1D);
    const logVar = biasProduct(x as tf.Tensor2D, aLv as tf.Tensor2D, bLv as tf.Tensor1D);
    const sigma = tf.exp(tf.mul(logVar, 0.5));
    const noiseTerm = o.noise ? tf.mul(sigma, o.noise) : null;
    const u = noiseTerm ? tf.add(mu, noiseTerm) : mu;
    const routed = tf.reshape(tf.mul(tf.reshape(o.groupOneHot, [M, G, 1]), tf.reshape(u, [M, 1, K])), [M, G * K]) as tf.Tensor2D;
    const Wf = tf.reshape(W, [G * K, D]) as tf.Tensor2D;
    const pred = tf.add(tf.matMul(routed, Wf), tf.matMul(o.groupOneHot, b as tf.Tensor2D)) as tf.Tensor2D;
    const residual = tf.sub(pred, targets) as tf.Tensor2D;
    const predLoss = predictionLossOf(residual, o.reduction, o.blocks);
    const kl = klLoss(mu, logVar);
    const norms = groupColumnNorms(W as tf.Tensor3D, 1e-12);
    const penalty = tf.sum(norms) as tf.Scalar;
    let total = tf.add(predLoss, tf.mul(o.beta, kl)) as tf.Scalar;
    if (o.lambda > 0) total = tf.add(total, tf.mul(o.lambda, penalty));
    side = { pred: tf.keep(predLoss), kl: tf.keep(kl), penalty: tf.keep(penalty) };
    save([x, aMu, aLv, W, mu, sigma, noiseTerm ?? sigma, routed, residual, norms]);
    return {
      value: total,
      gradFunc: (dy: tf.Tensor, s: tf.Tensor[]) => {
        const [sx, sAMu, sALv, sW, sMu, sSigma, sNoise, sRouted, sResidual, sNorms] = s as tf.Tensor2D[];
        // ∂L/∂ŝ = c·(ŝ − s), c = 2/M ('paper') or 2/(rows·D) ('mean').
        const dPred = tf.mul(sResidual, tf.mul(dy, predictionLossScale(sResidual, o.reduction, o.blocks))) as tf.Tensor2D;
        // ŝ = routed·W + onehot·b
        let dW = tf.reshape(weightGrad(sRouted, dPred), [G, K, D]) as tf.Tensor;
        // ∂(λ Σ‖W_{g,k}‖)/∂W = λ·W/‖W_{g,k}‖
        if (o.lambda > 0) dW = tf.add(dW, tf.mul(tf.div(sW, tf.expandDims(sNorms, 2)), tf.mul(dy, o.lambda)));
        const db = product(o.groupOneHot, dPred, true, false);
        // u_p sits in its group's K slots: ∂u = Σ_g onehot_g ∂routed_g
        const dRouted = product(dPred, tf.reshape(sW, [G * K, D]) as tf.Tensor2D, false, true);
        const du = tf.sum(tf.mul(tf.reshape(dRouted, [-1, G, K]), tf.reshape(o.groupOneHot, [-1, G, 1])), 1) as tf.Tensor2D;
        // KL: ∂/∂μ = μ/P, ∂/∂log σ² = ½(σ² − 1)/P, times β (P = rows); u = μ + σε: ∂u/∂log σ² = ½σε.
        const cKl = tf.mul(dy, o.beta / sMu.shape[0]);
        const dMu = tf.add(du, tf.mul(sMu, cKl)) as tf.Tensor2D;
        const klPart = tf.mul(tf.sub(tf.square(sSigma), 1), cKl);
        const dLv = tf.mul(o.noise ? tf.add(tf.mul(du, sNoise), klPart) : klPart, 0.5) as tf.Tensor2D;
        const [dx1, dAMu, dbMu] = linearGrads(dMu, sx, sAMu);
        const [dx2, dALv, dbLv] = linearGrads(dLv, sx, sALv);
        const grads = [tf.add(dx1, dx2), dAMu, dbMu, dALv, dbLv, dW, db];
        // ŝ − s: ∂L/∂s = −∂L/∂ŝ
        return o.targetsTrained ? [...grads, tf.neg(dPred)] : grads;
      },
    };
  };
  const total = (tf.customGrad(f as Parameters<typeof tf.customGrad>[0]) as unknown as (...xs: tf.Tensor[]) => tf.Scalar)(
    h, head.mu.w, head.mu.b, head.logVar.w, head.logVar.b, head.W, head.b, ...(o.targetsTrained ? [o.targets] : []),
  );
  return { total, ...side! };
}
