import { describe, expect, it } from 'vitest';
import { Rng } from '../shared/rng';
import { covariance, gram, ledoitWolf, logDet, logDetShrunk, standardise, totalCorrelation } from './multiInformation';

/** `rows` samples of x = L ε, ε ~ N(0, I) (L lower-triangular, row-major d×d): Σ = LLᵀ. */
function gaussian(L: number[][], rows: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const d = L.length;
  const out = new Float64Array(rows * d);
  const eps = new Float64Array(d);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < d; i++) eps[i] = rng.normal();
    for (let i = 0; i < d; i++) for (let j = 0; j <= i; j++) out[r * d + i] += L[i][j] * eps[j];
  }
  return out;
}

const identity = (d: number): number[][] => Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 1 : 0)));

describe('logDet', () => {
  it('is log det by Cholesky, and refuses a matrix that is not positive definite', () => {
    // [[4, 2], [2, 3]]: det 8.
    expect(logDet([4, 2, 2, 3], 2)).toBeCloseTo(Math.log(8), 12);
    expect(() => logDet([1, 2, 2, 1], 2)).toThrow(/positive definite/);
  });
});

describe('totalCorrelation (Gaussian, Ledoit–Wolf shrinkage)', () => {
  it('is ≈ 0 for independent groups (3 groups of 2, correlated inside, 20 000 samples: < 0.003 nats)', () => {
    // Correlation 0.7 inside each group (so S is not ≈ I and δ stays small), none across.
    const c = Math.sqrt(1 - 0.49);
    const L = identity(6);
    for (const g of [0, 2, 4]) [L[g + 1][g], L[g + 1][g + 1]] = [0.7, c];
    const tc = totalCorrelation(gaussian(L, 20_000, 1), 20_000, [2, 2, 2]);
    expect(tc.shrinkage.delta).toBeLessThan(0.05);
    expect(tc.value).toBeGreaterThanOrEqual(0);
    expect(tc.value).toBeLessThan(0.003);
    // White noise: Ledoit–Wolf shrinks all the way to the identity, and the estimate is 0.
    expect(totalCorrelation(gaussian(identity(6), 20_000, 2), 20_000, [2, 2, 2]).value).toBeLessThan(1e-3);
  });

  it('matches the closed form of two groups of 2 with cross-correlation ρ: −log(1 − ρ²) within 0.02 nats', () => {
    // (a1, a2 | b1, b2), corr(a_i, b_i) = ρ, all else 0: det R = (1 − ρ²)², so I = −½ log det R = −log(1 − ρ²).
    for (const rho of [0.3, 0.6, 0.9]) {
      const c = Math.sqrt(1 - rho * rho);
      const L = [
        [1, 0, 0, 0],
        [0, 1, 0, 0],
        [rho, 0, c, 0],
        [0, rho, 0, c],
      ];
      const tc = totalCorrelation(gaussian(L, 20_000, 7), 20_000, [2, 2]);
      expect(Math.abs(tc.value - -Math.log(1 - rho * rho))).toBeLessThan(0.02);
      expect(tc.shrinkage.delta).toBeLessThan(0.01); // plenty of rows: almost no shrinkage
    }
  });

  it('matches the closed form with correlation inside the groups too (3 groups, ½(Σ log det Σ_gg − log det Σ) of a known Σ)', () => {
    const L = [
      [1, 0, 0, 0, 0],
      [0.5, 0.8, 0, 0, 0],
      [0.4, -0.3, 0.9, 0, 0],
      [0, 0.6, 0.2, 0.7, 0],
      [0.3, 0, 0, 0.5, 1],
    ];
    // Σ = LLᵀ, its closed form through logDet of Σ's exact blocks.
    const S = L.map((ri) => L.map((rj) => ri.reduce((s, v, k) => s + v * rj[k], 0)));
    const block = (a: number, b: number) => S.slice(a, b).flatMap((r) => r.slice(a, b));
    const exact = 0.5 * (logDet(block(0, 2), 2) + logDet(block(2, 3), 1) + logDet(block(3, 5), 2) - logDet(S.flat(), 5));
    const tc = totalCorrelation(gaussian(L, 20_000, 3), 20_000, [2, 1, 2]);
    expect(exact).toBeGreaterThan(0.3);
    expect(Math.abs(tc.value - exact)).toBeLessThan(0.02);
  });

  it('stays finite and ≥ 0 with fewer rows than dims (10 rows, 3 groups of 8), shrinkage δ in (0, 1]', () => {
    const x = gaussian(identity(24), 10, 5);
    const tc = totalCorrelation(x, 10, [8, 8, 8]);
    expect(Number.isFinite(tc.value)).toBe(true);
    expect(tc.value).toBeGreaterThanOrEqual(0);
    expect(tc.shrinkage.delta).toBeGreaterThan(0);
    expect(tc.shrinkage.delta).toBeLessThanOrEqual(1);
  });

  it('gives one log det whether through the d×d covariance or the n×n Gram matrix (Sylvester)', () => {
    const s = standardise(gaussian(identity(12), 7, 9), 7, [5, 7]);
    const shrink = ledoitWolf(s);
    for (const [from, to] of [[0, 12], [0, 5], [5, 12]]) {
      expect(logDetShrunk(s, shrink, from, to, 'gram')).toBeCloseTo(logDetShrunk(s, shrink, from, to, 'covariance'), 8);
    }
    // Gram and covariance share their non-zero eigenvalues: the same trace.
    const K = gram(s);
    const S = covariance(s);
    const trK = Array.from({ length: 7 }, (_, i) => K[i * 7 + i]).reduce((a, b) => a + b, 0);
    const trS = Array.from({ length: 12 }, (_, i) => S[i * 12 + i]).reduce((a, b) => a + b, 0);
    expect(trK / 7).toBeCloseTo(trS, 10);
  });

  it('does not change when each variable is scaled by its own factor, and drops constant variables', () => {
    const rho = 0.6;
    const c = Math.sqrt(1 - rho * rho);
    const L = [
      [1, 0, 0],
      [rho, c, 0],
      [0.2, 0.3, 0.9],
    ];
    const rows = 2000;
    const x = gaussian(L, rows, 11);
    const scales = [1e-3, 50, 7e2];
    const scaled = x.map((v, i) => v * scales[i % 3]);
    const a = totalCorrelation(x, rows, [1, 2]);
    const b = totalCorrelation(scaled, rows, [1, 2]);
    expect(b.value).toBeCloseTo(a.value, 9);
    // A fourth, constant column in its own group: nothing changes.
    const withConst = new Float64Array(rows * 4);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < 3; j++) withConst[r * 4 + j] = x[r * 3 + j];
      withConst[r * 4 + 3] = 5;
    }
    const d = totalCorrelation(withConst, rows, [1, 2, 1]);
    expect(d.dims).toBe(3);
    expect(d.value).toBeCloseTo(a.value, 9);
  });

  it('refuses a wrong shape', () => {
    expect(() => totalCorrelation(new Float64Array(6), 3, [1, 2, 1])).toThrow(/rows × dims/);
    expect(() => totalCorrelation(new Float64Array(4), 1, [4])).toThrow(/rows ≥ 2/);
  });
});
