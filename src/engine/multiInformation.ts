// The multi-information (total correlation) among m groups of variables under a Gaussian,
//   I(G_1; …; G_m) = ½(Σ_g log det Σ_gg − log det Σ)      (SparseJEPA §3, the quantity of Lemma 1 / Theorem 1),
// from samples (rows) of the concatenated variables, in float64. The rows are standardised first
// (so the estimate does not depend on each variable's scale, as the true value does not), then the
// covariance is shrunk by Ledoit & Wolf (2004, "A well-conditioned estimator for large-dimensional
// covariance matrices"): Σ̂ = (1 − δ)S + δμI, δ their optimal intensity — positive definite for
// any number of rows, so the estimate is defined when rows < dims. Σ̂_gg are Σ̂'s own diagonal
// blocks, so the estimate is ≥ 0 (Fischer's inequality). When a block has more dimensions than
// rows, its log det goes through the rows' Gram matrix (Sylvester's identity), n×n instead of d×d.

export interface Standardised {
  /** Row-major rows × dims, each column centred and of unit (population) variance. */
  z: Float64Array;
  rows: number;
  dims: number;
  /** The groups' sizes after constant columns were dropped (a constant carries no information). */
  groupSizes: number[];
}

/** Ledoit–Wolf's shrinkage of S towards μI: Σ̂ = (1 − δ)S + δμI. */
export interface Shrinkage {
  delta: number;
  mu: number;
}

export interface TotalCorrelation {
  /** ½(Σ_g log det Σ̂_gg − log det Σ̂), in nats. */
  value: number;
  shrinkage: Shrinkage;
  rows: number;
  /** Columns used (constant ones dropped). */
  dims: number;
}

/** Smallest δ: with fewer rows than dims S is singular, and δ > 0 keeps Σ̂ positive definite. */
const MIN_DELTA = 1e-9;

function checkShape(x: ArrayLike<number>, rows: number, groupSizes: number[]): number {
  const dims = groupSizes.reduce((s, d) => s + d, 0);
  if (!Number.isInteger(rows) || rows < 2) throw new RangeError(`multi-information needs rows ≥ 2, got ${rows}`);
  if (groupSizes.length < 1 || groupSizes.some((d) => !Number.isInteger(d) || d < 1)) throw new RangeError(`group sizes must be whole numbers ≥ 1, got [${groupSizes.join(', ')}]`);
  if (x.length !== rows * dims) throw new RangeError(`samples hold ${x.length} values, not rows × dims = ${rows} × ${dims}`);
  return dims;
}

/** Columns centred and scaled to unit variance (z = (x − x̄)/s); constant columns dropped. */
export function standardise(x: ArrayLike<number>, rows: number, groupSizes: number[]): Standardised {
  const dims = checkShape(x, rows, groupSizes);
  const mean = new Float64Array(dims);
  const sd = new Float64Array(dims);
  for (let r = 0; r < rows; r++) for (let d = 0; d < dims; d++) mean[d] += x[r * dims + d];
  for (let d = 0; d < dims; d++) mean[d] /= rows;
  for (let r = 0; r < rows; r++) for (let d = 0; d < dims; d++) sd[d] += (x[r * dims + d] - mean[d]) ** 2;
  for (let d = 0; d < dims; d++) sd[d] = Math.sqrt(sd[d] / rows);
  // Constant: below float32's resolution of the column's own magnitude.
  const kept: number[] = [];
  const sizes: number[] = [];
  let start = 0;
  for (const size of groupSizes) {
    let n = 0;
    for (let d = start; d < start + size; d++) if (sd[d] > 1e-7 * Math.max(1, Math.abs(mean[d]))) (kept.push(d), n++);
    if (n > 0) sizes.push(n);
    start += size;
  }
  const z = new Float64Array(rows * kept.length);
  for (let r = 0; r < rows; r++) for (let j = 0; j < kept.length; j++) z[r * kept.length + j] = (x[r * dims + kept[j]] - mean[kept[j]]) / sd[kept[j]];
  return { z, rows, dims: kept.length, groupSizes: sizes };
}

/** The sample covariance of centred columns [from, to): S = ZᵀZ / n (Ledoit–Wolf's S, divided by n). */
export function covariance(s: Standardised, from = 0, to = s.dims): Float64Array {
  const { z, rows, dims } = s;
  const d = to - from;
  const out = new Float64Array(d * d);
  for (let r = 0; r < rows; r++) {
    const o = r * dims + from;
    for (let i = 0; i < d; i++) {
      const zi = z[o + i];
      if (zi === 0) continue;
      for (let j = i; j < d; j++) out[i * d + j] += zi * z[o + j];
    }
  }
  for (let i = 0; i < d; i++) for (let j = i; j < d; j++) out[j * d + i] = out[i * d + j] /= rows;
  return out;
}

/** The rows' Gram matrix of columns [from, to): K = Z Zᵀ (n×n; S's non-zero eigenvalues are K's / n). */
export function gram(s: Standardised, from = 0, to = s.dims): Float64Array {
  const { z, rows, dims } = s;
  const out = new Float64Array(rows * rows);
  for (let a = 0; a < rows; a++) {
    for (let b = a; b < rows; b++) {
      let sum = 0;
      for (let d = from; d < to; d++) sum += z[a * dims + d] * z[b * dims + d];
      out[a * rows + b] = out[b * rows + a] = sum;
    }
  }
  return out;
}

/**
 * Ledoit–Wolf's optimal δ (their Lemma 3.2–3.4, norm ‖A‖² = tr(AAᵀ)/p): μ = tr S/p, d² = ‖S − μI‖²,
 * b̄² = (1/n²) Σ_k ‖z_k z_kᵀ − S‖² = (Σ_k ‖z_k‖⁴ − n‖S‖²_F)/(n²p), δ = min(b̄², d²)/d².
 */
export function ledoitWolf(s: Standardised): Shrinkage {
  const { z, rows: n, dims: p } = s;
  // ‖S‖²_F from whichever of ZᵀZ/n and ZZᵀ/n is smaller (the same non-zero eigenvalues).
  const small = p <= n ? covariance(s) : gram(s).map((v) => v / n);
  let frob = 0;
  for (const v of small) frob += v * v;
  let trace = 0;
  let fourth = 0;
  for (let r = 0; r < n; r++) {
    let sq = 0;
    for (let d = 0; d < p; d++) sq += z[r * p + d] ** 2;
    trace += sq / n;
    fourth += sq * sq;
  }
  const mu = trace / p;
  const d2 = (frob - mu * mu * p) / p;
  const b2 = Math.min(Math.max(0, (fourth - n * frob) / (n * n * p)), d2);
  const delta = d2 > 0 ? b2 / d2 : 1;
  return { delta: Math.max(MIN_DELTA, delta), mu };
}

/** log det A of a symmetric positive definite n×n matrix (row-major), by Cholesky: 2 Σ log L_ii. */
export function logDet(matrix: ArrayLike<number>, n: number): number {
  const L = Float64Array.from(matrix);
  let sum = 0;
  for (let j = 0; j < n; j++) {
    let diag = L[j * n + j];
    for (let k = 0; k < j; k++) diag -= L[j * n + k] ** 2;
    if (!(diag > 0)) throw new RangeError(`logDet: the matrix is not positive definite (pivot ${j} is ${diag})`);
    const ljj = Math.sqrt(diag);
    L[j * n + j] = ljj;
    sum += Math.log(ljj);
    for (let i = j + 1; i < n; i++) {
      let v = L[i * n + j];
      for (let k = 0; k < j; k++) v -= L[i * n + k] * L[j * n + k];
      L[i * n + j] = v / ljj;
    }
  }
  return 2 * sum;
}

/**
 * log det of Σ̂'s block on columns [from, to): (1 − δ)S_gg + δμI_d. d ≤ n: Cholesky of the d×d
 * block; d > n (or 'gram'): Sylvester's identity, d log(δμ) + log det(I_n + (1 − δ)/(δμn) · K_gg).
 */
export function logDetShrunk(s: Standardised, { delta, mu }: Shrinkage, from = 0, to = s.dims, via: 'auto' | 'covariance' | 'gram' = 'auto'): number {
  const d = to - from;
  const n = s.rows;
  if (via === 'covariance' || (via === 'auto' && d <= n)) {
    const block = covariance(s, from, to).map((v) => (1 - delta) * v);
    for (let i = 0; i < d; i++) block[i * d + i] += delta * mu;
    return logDet(block, d);
  }
  const c = (1 - delta) / (delta * mu * n);
  const m = gram(s, from, to).map((v) => c * v);
  for (let i = 0; i < n; i++) m[i * n + i] += 1;
  return d * Math.log(delta * mu) + logDet(m, n);
}

/**
 * I(G_1; …; G_m) = ½(Σ_g log det Σ̂_gg − log det Σ̂) (SparseJEPA §3), from `rows` samples of the
 * concatenated groups (row-major, group g in its own `groupSizes[g]` consecutive columns).
 */
export function totalCorrelation(x: ArrayLike<number>, rows: number, groupSizes: number[]): TotalCorrelation {
  const s = standardise(x, rows, groupSizes);
  if (s.dims === 0) return { value: 0, shrinkage: { delta: 1, mu: 1 }, rows, dims: 0 };
  const shrinkage = ledoitWolf(s);
  let blocks = 0;
  let from = 0;
  for (const size of s.groupSizes) {
    blocks += logDetShrunk(s, shrinkage, from, from + size);
    from += size;
  }
  // The joint log det is the largest; rounding can leave a hair under 0 when the groups are independent.
  const value = Math.max(0, 0.5 * (blocks - logDetShrunk(s, shrinkage)));
  return { value, shrinkage, rows, dims: s.dims };
}
