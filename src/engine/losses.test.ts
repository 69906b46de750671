import * as tf from './tf';
import { describe, expect, it } from 'vitest';
import { groupColumnNorms, groupHeadStep, groupLasso, klLoss, normalisedPixels, predictionLoss, proximalGroupShrink, reconstructionLoss } from './losses';
import { Rng } from '../shared/rng';

const randn = (rng: Rng, n: number, s = 1) => Float64Array.from({ length: n }, () => rng.normal() * s);

// The same terms in plain double-precision JS, written from the formulas.
const klByHand = (mu: ArrayLike<number>, lv: ArrayLike<number>, M: number, K: number) => {
  let s = 0;
  for (let i = 0; i < M * K; i++) s += 0.5 * (mu[i] ** 2 + Math.exp(lv[i]) - 1 - lv[i]);
  return s / M;
};
const lassoByHand = (W: ArrayLike<number>, G: number, K: number, D: number) => {
  let s = 0;
  for (let g = 0; g < G; g++)
    for (let k = 0; k < K; k++) {
      let sq = 0;
      for (let d = 0; d < D; d++) sq += W[(g * K + k) * D + d] ** 2;
      s += Math.sqrt(sq);
    }
  return s;
};

/** Central finite differences of a double-precision function. */
function finiteDiff(f: (x: Float64Array) => number, x: Float64Array, h = 1e-6): Float64Array {
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const xp = Float64Array.from(x);
    const xm = Float64Array.from(x);
    xp[i] += h;
    xm[i] -= h;
    g[i] = (f(xp) - f(xm)) / (2 * h);
  }
  return g;
}

function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, tol: number) {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(tol * (1 + Math.abs(b[i])));
}

describe('predictionLoss', () => {
  it('is the mean over tokens and features of the squared error', () => {
    const pred = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
    const target = tf.tensor2d([[0, 2, 5], [4, 8, 6]]);
    // (1 + 0 + 4 + 0 + 9 + 0) / 6
    expect(predictionLoss(pred, target).dataSync()[0]).toBeCloseTo(14 / 6, 6);
  });

  it("'paper' sums over a block's patches and features and averages over blocks", () => {
    // Two blocks of two patches each (rows 0–1 and 2–3), D = 2, written out by hand:
    // block 0: ‖(1,0)‖² + ‖(0,2)‖² = 1 + 4 = 5; block 1: ‖(3,0)‖² + ‖(1,1)‖² = 9 + 2 = 11.
    const pred = tf.tensor2d([[1, 0], [0, 2], [3, 0], [1, 1]]);
    const target = tf.zeros([4, 2]) as tf.Tensor2D;
    expect(predictionLoss(pred, target, 'paper', 2).dataSync()[0]).toBeCloseTo((5 + 11) / 2, 6);
    expect(predictionLoss(pred, target, 'mean', 2).dataSync()[0]).toBeCloseTo(16 / 8, 6);
  });
});

describe('MAE: normalisedPixels and reconstructionLoss', () => {
  it('normalises each patch by its own mean and unbiased variance, (x − m)/√(var + 1e-6)', () => {
    // Patch [1, 2, 3, 4]: mean 2.5, unbiased var (2.25 + 0.25 + 0.25 + 2.25)/3 = 5/3.
    // Patch [2, 2, 2, 2]: var 0 → (x − 2)/√1e-6 = 0 everywhere (a flat patch stays flat, no NaN).
    const out = normalisedPixels(tf.tensor2d([[1, 2, 3, 4], [2, 2, 2, 2]])).arraySync();
    const s = Math.sqrt(5 / 3 + 1e-6);
    [-1.5, -0.5, 0.5, 1.5].forEach((c, i) => expect(out[0][i]).toBeCloseTo(c / s, 6));
    expect(out[1]).toEqual([0, 0, 0, 0]);
  });

  it("sums a block's patches and pixels and averages over blocks ('paper'), or is the MSE ('mean')", () => {
    // Two blocks of one patch of 3 pixels: errors (1, 0, 2) and (0, 3, 0): Σ = 5 and 9.
    const pred = tf.tensor2d([[1, 0, 2], [0, 3, 0]]);
    const pixels = tf.zeros([2, 3]) as tf.Tensor2D;
    expect(reconstructionLoss(pred, pixels, 'paper', 2).dataSync()[0]).toBeCloseTo((5 + 9) / 2, 6);
    expect(reconstructionLoss(pred, pixels, 'mean', 2).dataSync()[0]).toBeCloseTo(14 / 6, 6);
  });
});

describe('klLoss', () => {
  const rng = new Rng(3);
  const M = 5;
  const K = 4;
  const mu = randn(rng, M * K);
  const lv = randn(rng, M * K, 0.5);

  it('matches ½ Σ_k (μ² + σ² − 1 − log σ²), averaged over tokens', () => {
    const v = klLoss(tf.tensor2d(Float32Array.from(mu), [M, K]), tf.tensor2d(Float32Array.from(lv), [M, K])).dataSync()[0];
    expect(v).toBeCloseTo(klByHand(mu, lv, M, K), 5);
    // N(0, I) against itself is 0.
    expect(klLoss(tf.zeros([M, K]), tf.zeros([M, K])).dataSync()[0]).toBe(0);
  });

  it('has the gradients finite differences give', () => {
    const g = tf.grads((m: tf.Tensor, l: tf.Tensor) => klLoss(m as tf.Tensor2D, l as tf.Tensor2D));
    const [gm, gl] = g([tf.tensor2d(Float32Array.from(mu), [M, K]), tf.tensor2d(Float32Array.from(lv), [M, K])]);
    expectClose(gm.dataSync(), finiteDiff((x) => klByHand(x, lv, M, K), mu), 1e-4);
    expectClose(gl.dataSync(), finiteDiff((x) => klByHand(mu, x, M, K), lv), 1e-4);
  });
});

describe('groupLasso', () => {
  const rng = new Rng(4);
  const [G, K, D] = [3, 4, 5];
  const W = randn(rng, G * K * D);
  const Wt = () => tf.tensor3d(Float32Array.from(W), [G, K, D]);

  it('sums the L2 norms of every latent column of every group', () => {
    expect(groupLasso(Wt()).dataSync()[0]).toBeCloseTo(lassoByHand(W, G, K, D), 4);
    const norms = groupColumnNorms(tf.tensor3d([[[3, 4], [0, 0]]])).arraySync();
    expect(norms).toEqual([[5, 0]]);
  });

  it('has the gradient finite differences give', () => {
    const gw = tf.grad((w: tf.Tensor) => groupLasso(w as tf.Tensor3D))(Wt());
    expectClose(gw.dataSync(), finiteDiff((x) => lassoByHand(x, G, K, D), W), 1e-4);
  });

  it('stays finite at an exact zero column', () => {
    const gw = tf.grad((w: tf.Tensor) => groupLasso(w as tf.Tensor3D))(tf.zeros([2, 2, 3]));
    for (const v of gw.dataSync()) expect(Number.isFinite(v)).toBe(true);
  });
});

describe('proximalGroupShrink', () => {
  it('zeroes columns under the threshold exactly and shrinks the rest by t/‖W‖', () => {
    // Group 0: columns with norms 5 and 0.3; group 1: norms 1 and 2.
    const W = tf.tensor3d([
      [[3, 4], [0.3, 0]],
      [[0, 1], [2, 0]],
    ]);
    const t = 0.5;
    const out = proximalGroupShrink(W, t).arraySync();
    expect(out[0][1]).toEqual([0, 0]); // 0.3 < 0.5 → exact zero
    const f5 = 1 - t / 5;
    expect(out[0][0][0]).toBeCloseTo(3 * f5, 6);
    expect(out[0][0][1]).toBeCloseTo(4 * f5, 6);
    expect(out[1][0][0]).toBe(0);
    expect(out[1][0][1]).toBeCloseTo(0.5, 6); // norm 1 → factor 1 − 0.5/1
    expect(out[1][1][0]).toBeCloseTo(2 * (1 - t / 2), 6);
    // Norms after the step are max(0, ‖W‖ − t).
    const after = groupColumnNorms(proximalGroupShrink(W, t)).arraySync();
    expect(after[0][0]).toBeCloseTo(4.5, 5);
    expect(after[1][1]).toBeCloseTo(1.5, 5);
  });

  it('keeps zero columns at zero', () => {
    expect(proximalGroupShrink(tf.zeros([1, 2, 3]), 0.1).dataSync().every((v) => v === 0)).toBe(true);
  });
});

describe('groupHeadStep (oi-VAE: an SGD step on W, then the group shrink)', () => {
  it('equals W − η∇W, then each column scaled by max(0, 1 − ηλ/‖col‖), by hand', () => {
    // G = 1, K = 2 columns of D = 2: W = [[3, 4], [0.3, 0.4]], ∇W = [[1, 0], [0, 1]], η = 0.5, λ = 1.
    const W = tf.tensor3d([[[3, 4], [0.3, 0.4]]]);
    const g = tf.tensor3d([[[1, 0], [0, 1]]]);
    // Stepped: [[2.5, 4], [0.3, −0.1]]; norms √22.25 = 4.717 and √0.1 = 0.316; threshold ηλ = 0.5.
    const out = groupHeadStep(W, g, 0.5, 1).arraySync()[0];
    const f = 1 - 0.5 / Math.sqrt(22.25);
    expect(out[0][0]).toBeCloseTo(2.5 * f, 6);
    expect(out[0][1]).toBeCloseTo(4 * f, 6);
    expect(out[1].map(Math.abs)).toEqual([0, 0]); // 0.316 < 0.5: an exact zero column
    // λ = 0: plain SGD.
    const sgd = groupHeadStep(W, g, 0.5, 0).arraySync()[0].flat();
    [2.5, 4, 0.3, -0.1].forEach((x, i) => expect(sgd[i]).toBeCloseTo(x, 6));
  });
});
