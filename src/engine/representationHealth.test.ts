import { describe, expect, it } from 'vitest';
import { perDimensionStd, rankMe, RANKME_EPS, representationHealth, singularValues, symmetricEigenvalues } from './representationHealth';
import { Rng } from '../shared/rng';

/** k orthonormal columns of length n (Gram–Schmidt on seeded normals), column-major [k][n]. */
function orthonormal(n: number, k: number, rng: Rng): number[][] {
  const cols: number[][] = [];
  while (cols.length < k) {
    const v = Array.from({ length: n }, () => rng.normal());
    for (const c of cols) {
      const dot = c.reduce((s, x, i) => s + x * v[i], 0);
      c.forEach((x, i) => (v[i] -= dot * x));
    }
    const norm = Math.hypot(...v);
    cols.push(v.map((x) => x / norm));
  }
  return cols;
}

/** Z = U diag(σ) Vᵀ, [rows, dim] with the given singular values (and no others). */
function withSingularValues(rows: number, dim: number, sigma: number[], seed: number): Float32Array {
  const rng = new Rng(seed);
  const U = orthonormal(rows, sigma.length, rng);
  const V = orthonormal(dim, sigma.length, rng);
  const z = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) for (let d = 0; d < dim; d++) z[r * dim + d] = sigma.reduce((s, sk, k) => s + sk * U[k][r] * V[k][d], 0);
  return z;
}

/** RankMe of known singular values, from its definition. */
function expectedRankMe(sigma: number[]): number {
  const total = sigma.reduce((a, b) => a + b, 0);
  return Math.exp(-sigma.reduce((h, s) => h + (s / total + RANKME_EPS) * Math.log(s / total + RANKME_EPS), 0));
}

describe('representation health', () => {
  it('Jacobi finds the eigenvalues of a hand-made symmetric matrix', () => {
    // [[2,1,0],[1,2,0],[0,0,5]]: eigenvalues 5, 3, 1.
    expect(symmetricEigenvalues([2, 1, 0, 1, 2, 0, 0, 0, 5], 3).map((x) => Number(x.toFixed(12)))).toEqual([5, 3, 1]);
    // Q diag(9, 4, 4, 1, 0, −2) Qᵀ: repeated, zero and negative eigenvalues.
    const lam = [9, 4, 4, 1, 0, -2];
    const Q = orthonormal(6, 6, new Rng(3));
    const A = Array.from({ length: 36 }, (_, ij) => lam.reduce((s, l, k) => s + l * Q[k][Math.floor(ij / 6)] * Q[k][ij % 6], 0));
    symmetricEigenvalues(A, 6).forEach((e, i) => expect(e).toBeCloseTo(lam[i], 10));
  });

  it('recovers known singular values, with more rows than dims and fewer', () => {
    const sigma = [6, 3, 2, 0.5];
    const tall = singularValues(withSingularValues(40, 10, sigma, 1), 40, 10);
    expect(tall).toHaveLength(10);
    sigma.forEach((s, i) => expect(tall[i]).toBeCloseTo(s, 4));
    for (const s of tall.slice(4)) expect(s).toBeLessThan(1e-3); // rank 4: the rest are (float32) zeros
    const wide = singularValues(withSingularValues(5, 30, sigma, 2), 5, 30);
    expect(wide).toHaveLength(5);
    sigma.forEach((s, i) => expect(wide[i]).toBeCloseTo(s, 4));
    expect(wide[4]).toBeLessThan(1e-3);
  });

  it('RankMe: r equal singular values give r; known unequal ones give their entropy; a collapsed batch gives 1', () => {
    for (const r of [1, 3, 8]) {
      const h = representationHealth(withSingularValues(64, 16, Array(r).fill(2), 10 + r), 64, 16);
      expect(h.rankMe).toBeCloseTo(r, 3);
    }
    const sigma = [5, 2, 1, 1, 0.25];
    const h = representationHealth(withSingularValues(50, 12, sigma, 4), 50, 12);
    expect(h.rankMe).toBeCloseTo(expectedRankMe([...sigma, ...Array(7).fill(0)]), 3);
    expect(h.rankMe).toBeGreaterThan(3);
    expect(h.rankMe).toBeLessThan(5);
    // Every row the same vector: one direction (σ_1 = ‖row‖·√rows), every dimension's std 0.
    const row = [0.3, -1, 2, 0.5];
    const collapsed = Float32Array.from({ length: 20 * 4 }, (_, i) => row[i % 4]);
    const c = representationHealth(collapsed, 20, 4);
    expect(c.rankMe).toBeCloseTo(1, 4);
    expect(c.stdMean).toBeCloseTo(0, 6);
    expect(c.stdMin).toBeCloseTo(0, 6);
    expect(c.singularValues[0]).toBeCloseTo(Math.hypot(...row) * Math.sqrt(20), 4);
    expect(representationHealth(new Float32Array(12), 3, 4).rankMe).toBe(1);
    expect(rankMe([1, 1])).toBeCloseTo(2, 5);
  });

  it('per-dimension standard deviation (mean and minimum) by hand', () => {
    // Columns: [1, 3] (std 1), [0, 0] (std 0), [−2, 2] (std 2).
    const z = Float32Array.from([1, 0, -2, 3, 0, 2]);
    expect(Array.from(perDimensionStd(z, 2, 3))).toEqual([1, 0, 2]);
    const h = representationHealth(z, 2, 3);
    expect(h.stdMean).toBeCloseTo(1, 12);
    expect(h.stdMin).toBe(0);
    expect(h.rows).toBe(2);
    expect(h.dim).toBe(3);
  });

  it('names a shape that does not fit', () => {
    expect(() => representationHealth(new Float32Array(10), 3, 4)).toThrow('features hold 10 values, not rows × dim = 3 × 4 = 12');
    expect(() => representationHealth(new Float32Array(0), 0, 4)).toThrow(/rows ≥ 1 and dim ≥ 1/);
  });

  it('works at the lab’s widest encoder, D = 192 (singular values 1/k)', () => {
    const sigma = Array.from({ length: 192 }, (_, k) => 1 / (k + 1));
    const z = withSingularValues(256, 192, sigma, 5);
    const h = representationHealth(z, 256, 192);
    h.singularValues.slice(0, 20).forEach((s, i) => expect(s).toBeCloseTo(sigma[i], 3));
    expect(h.rankMe).toBeCloseTo(expectedRankMe(sigma), 1);
  });
});
