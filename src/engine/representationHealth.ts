// Representation health: is the target encoder collapsing? Given its outputs over a fixed batch
// (Z, [rows, D]), the per-dimension standard deviation (a dimension that stopped varying is dead;
// full collapse sends all of them to 0) and the effective rank RankMe (Garrido et al. 2023,
// "RankMe: assessing the downstream performance of pretrained self-supervised representations by
// their rank"): exp of the entropy of the normalised singular values of Z.
// tfjs has no SVD: the singular values are the square roots of the eigenvalues of the Gram
// matrix (ZᵀZ, or ZZᵀ when there are fewer rows than dimensions: the same non-zero eigenvalues),
// found by cyclic Jacobi rotations in float64 (plenty for D ≤ 192).

/** RankMe's ε (Garrido et al. 2023: p_k = σ_k / ‖σ‖₁ + ε). */
export const RANKME_EPS = 1e-7;

export interface RepresentationHealth {
  rows: number;
  dim: number;
  /** Mean over dimensions of each dimension's standard deviation over the rows. */
  stdMean: number;
  /** The smallest per-dimension standard deviation. */
  stdMin: number;
  /** exp(−Σ_k p_k log p_k), p_k = σ_k / Σσ + ε: between 1 (collapsed) and min(rows, D). */
  rankMe: number;
  /** σ_1 ≥ … ≥ σ_min(rows, D) of Z. */
  singularValues: number[];
}

function checkShape(features: ArrayLike<number>, rows: number, dim: number): void {
  if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(dim) || dim < 1) throw new RangeError(`representation health needs rows ≥ 1 and dim ≥ 1, got ${rows} × ${dim}`);
  if (features.length !== rows * dim) throw new RangeError(`features hold ${features.length} values, not rows × dim = ${rows} × ${dim} = ${rows * dim}`);
}

/** Each column's standard deviation over the rows (population: divided by rows). */
export function perDimensionStd(features: ArrayLike<number>, rows: number, dim: number): Float64Array {
  checkShape(features, rows, dim);
  const mean = new Float64Array(dim);
  const sq = new Float64Array(dim);
  for (let r = 0; r < rows; r++) for (let d = 0; d < dim; d++) mean[d] += features[r * dim + d] / rows;
  for (let r = 0; r < rows; r++) for (let d = 0; d < dim; d++) sq[d] += (features[r * dim + d] - mean[d]) ** 2 / rows;
  return sq.map(Math.sqrt);
}

/** Eigenvalues of a symmetric n×n matrix (row-major; not modified) by cyclic Jacobi, descending. */
export function symmetricEigenvalues(matrix: ArrayLike<number>, n: number, maxSweeps = 100): number[] {
  const a = Float64Array.from(matrix);
  let total = 0;
  for (let i = 0; i < n * n; i++) total += a[i] * a[i];
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] ** 2;
    if (off <= 1e-30 * total || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        // The rotation J (c, s) with (JᵀAJ)_pq = 0: t = tan φ, the smaller root of t² + 2θt − 1 = 0.
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
      }
    }
  }
  return Array.from({ length: n }, (_, i) => a[i * n + i]).sort((x, y) => y - x);
}

/** σ_k(Z) = √(eigenvalues of the smaller Gram matrix), descending; rounding below 0 is clamped. */
export function singularValues(features: ArrayLike<number>, rows: number, dim: number): number[] {
  checkShape(features, rows, dim);
  const byDim = rows >= dim; // ZᵀZ is dim×dim; ZZᵀ is rows×rows
  const n = byDim ? dim : rows;
  const gram = new Float64Array(n * n);
  if (byDim) {
    for (let r = 0; r < rows; r++) {
      const o = r * dim;
      for (let i = 0; i < dim; i++) {
        const zi = features[o + i];
        if (zi === 0) continue;
        for (let j = i; j < dim; j++) gram[i * n + j] += zi * features[o + j];
      }
    }
  } else {
    for (let i = 0; i < rows; i++) for (let j = i; j < rows; j++) {
      let s = 0;
      for (let d = 0; d < dim; d++) s += features[i * dim + d] * features[j * dim + d];
      gram[i * n + j] = s;
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) gram[i * n + j] = gram[j * n + i];
  return symmetricEigenvalues(gram, n).map((e) => Math.sqrt(Math.max(0, e)));
}

/** RankMe = exp(−Σ_k p_k log p_k), p_k = σ_k / ‖σ‖₁ + ε (Garrido et al. 2023). */
export function rankMe(singular: number[], eps = RANKME_EPS): number {
  const total = singular.reduce((s, v) => s + v, 0);
  if (!(total > 0)) return 1; // all outputs zero: nothing spans more than a point
  let entropy = 0;
  for (const v of singular) {
    const p = v / total + eps;
    entropy -= p * Math.log(p);
  }
  return Math.exp(entropy);
}

/** The target encoder's health over a fixed batch of outputs [rows, dim]. */
export function representationHealth(features: ArrayLike<number>, rows: number, dim: number): RepresentationHealth {
  const std = perDimensionStd(features, rows, dim);
  const sv = singularValues(features, rows, dim);
  let sum = 0;
  let min = Infinity;
  for (const s of std) {
    sum += s;
    min = Math.min(min, s);
  }
  return { rows, dim, stdMean: sum / dim, stdMin: min, rankMe: rankMe(sv), singularValues: sv };
}
