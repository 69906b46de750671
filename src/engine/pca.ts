// Principal components of an embedding (the projector's first view): the top eigenvectors of the
// features' covariance, by power iteration with deflation, in float64. D is at most a few hundred
// (the encoder's width), so the D×D covariance is small; the n×D features are read once per pass.
import { Rng } from '../shared/rng';

export interface Pca {
  /** [n, components] coordinates of each row on the components. */
  coords: Float64Array;
  components: number;
  /** Share of the total variance each component explains. */
  explained: number[];
}

/** Σ = (1/n) Σ_i (x_i − x̄)(x_i − x̄)ᵀ, and the mean x̄. */
export function covariance(x: Float32Array, n: number, D: number): { mean: Float64Array; cov: Float64Array } {
  const mean = new Float64Array(D);
  for (let i = 0; i < n; i++) for (let d = 0; d < D; d++) mean[d] += x[i * D + d] / n;
  const cov = new Float64Array(D * D);
  const row = new Float64Array(D);
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < D; d++) row[d] = x[i * D + d] - mean[d];
    for (let a = 0; a < D; a++) for (let b = a; b < D; b++) cov[a * D + b] += (row[a] * row[b]) / n;
  }
  for (let a = 0; a < D; a++) for (let b = 0; b < a; b++) cov[a * D + b] = cov[b * D + a];
  return { mean, cov };
}

/** The leading eigenvector v and eigenvalue λ of a symmetric matrix: v ← Σv / ‖Σv‖ until it settles. */
function leadingEigen(cov: Float64Array, D: number, rng: Rng, iterations = 500): { vector: Float64Array; value: number } {
  let v = Float64Array.from({ length: D }, () => rng.normal());
  let value = 0;
  for (let it = 0; it < iterations; it++) {
    const w = new Float64Array(D);
    for (let a = 0; a < D; a++) for (let b = 0; b < D; b++) w[a] += cov[a * D + b] * v[b];
    const norm = Math.hypot(...w);
    if (norm === 0) return { vector: v, value: 0 };
    for (let a = 0; a < D; a++) w[a] /= norm;
    const moved = Math.abs(norm - value);
    v = w;
    value = norm;
    if (moved <= 1e-12 * value) break;
  }
  return { vector: v, value };
}

/** The top `components` principal components of the rows of x [n, D], and each row's coordinates on them. */
export function pca(x: Float32Array, n: number, D: number, components = 2, seed = 0): Pca {
  const { mean, cov } = covariance(x, n, D);
  let total = 0;
  for (let d = 0; d < D; d++) total += cov[d * D + d];
  const rng = new Rng(seed);
  const vectors: Float64Array[] = [];
  const explained: number[] = [];
  for (let c = 0; c < Math.min(components, D); c++) {
    const { vector, value } = leadingEigen(cov, D, rng);
    vectors.push(vector);
    explained.push(total > 0 ? value / total : 0);
    // Deflate: Σ ← Σ − λ v vᵀ, so the next pass finds the next component.
    for (let a = 0; a < D; a++) for (let b = 0; b < D; b++) cov[a * D + b] -= value * vector[a] * vector[b];
  }
  const k = vectors.length;
  const coords = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let d = 0; d < D; d++) s += (x[i * D + d] - mean[d]) * vectors[c][d];
      coords[i * k + c] = s;
    }
  }
  return { coords, components: k, explained };
}
