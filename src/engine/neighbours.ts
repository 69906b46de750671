// Nearest neighbours in an embedding by cosine similarity (the projector's "click a point"): each
// row's k most similar other rows, most similar first.

export interface Neighbours {
  k: number;
  /** [n, k] row indices. */
  index: Int32Array;
  /** [n, k] cosine similarities. */
  similarity: Float32Array;
}

/** Rows scaled to unit length (a zero row stays zero). */
export function unitRows(x: Float32Array, n: number, D: number): Float32Array {
  const out = new Float32Array(n * D);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let d = 0; d < D; d++) s += x[i * D + d] ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let d = 0; d < D; d++) out[i * D + d] = x[i * D + d] * inv;
  }
  return out;
}

/** For each row, the k other rows of highest cos(x_i, x_j) = x̂_i · x̂_j. */
export function cosineNeighbours(x: Float32Array, n: number, D: number, k = 10): Neighbours {
  const kk = Math.max(0, Math.min(k, n - 1));
  const u = unitRows(x, n, D);
  const index = new Int32Array(n * kk);
  const similarity = new Float32Array(n * kk);
  for (let i = 0; i < n; i++) {
    // The k best so far, kept sorted (k is small: an insertion beats sorting all n).
    const best = index.subarray(i * kk, (i + 1) * kk);
    const bestSim = similarity.subarray(i * kk, (i + 1) * kk);
    bestSim.fill(-Infinity);
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      let s = 0;
      for (let d = 0; d < D; d++) s += u[i * D + d] * u[j * D + d];
      if (kk === 0 || s <= bestSim[kk - 1]) continue;
      let r = kk - 1;
      for (; r > 0 && bestSim[r - 1] < s; r--) {
        bestSim[r] = bestSim[r - 1];
        best[r] = best[r - 1];
      }
      bestSim[r] = s;
      best[r] = j;
    }
  }
  return { k: kk, index, similarity };
}

/** Share of all rows' first k neighbours that have the row's own label (chance: about 1 / classes). */
export function sameClassShare(nb: Neighbours, labels: ArrayLike<number>, k = nb.k): number {
  const kk = Math.min(k, nb.k);
  const n = labels.length;
  let same = 0;
  for (let i = 0; i < n; i++) for (let r = 0; r < kk; r++) same += Number(labels[nb.index[i * nb.k + r]] === labels[i]);
  return n && kk ? same / (n * kk) : 0;
}
