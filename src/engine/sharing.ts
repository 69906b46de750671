// Which patches share latent dimensions: read off the G×K matrix of ‖W^(g)_{·,k}‖₂.
// Latent k is "active" for group g when its column norm is at least the threshold.

export type NormMatrix = ArrayLike<ArrayLike<number>>; // [G][K]

/** A_g = { k : ‖W^(g)_{·,k}‖₂ ≥ threshold } for every group g. */
export function activeSets(norms: NormMatrix, threshold: number): boolean[][] {
  return Array.from({ length: norms.length }, (_, g) => Array.from(norms[g], (x) => x >= threshold));
}

/** A row-major G×K Float32Array (as the worker sends it) as G rows of K. */
export function normRows(data: Float32Array, G: number, K: number): Float32Array[] {
  if (data.length !== G * K) throw new RangeError(`norm matrix has ${data.length} values, expected G·K = ${G}·${K}`);
  return Array.from({ length: G }, (_, g) => data.subarray(g * K, (g + 1) * K));
}

/** Each active set as a bitset (32 latents per word), so overlaps are AND + popcount. */
function bitsets(active: boolean[][]): Uint32Array[] {
  return active.map((row) => {
    const bits = new Uint32Array(Math.ceil(row.length / 32));
    row.forEach((on, k) => {
      if (on) bits[k >>> 5] |= 1 << (k & 31);
    });
    return bits;
  });
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

function overlap(a: Uint32Array, b: Uint32Array): number {
  let n = 0;
  for (let w = 0; w < a.length; w++) n += popcount(a[w] & b[w]);
  return n;
}

/** |A_g ∩ A_h| for every pair of groups: how many active latents two groups share. */
export function sharedCounts(active: boolean[][]): number[][] {
  const G = active.length;
  const bits = bitsets(active);
  const out = Array.from({ length: G }, () => new Array<number>(G).fill(0));
  for (let g = 0; g < G; g++) for (let h = g; h < G; h++) out[g][h] = out[h][g] = overlap(bits[g], bits[h]);
  return out;
}

/** |A_g ∩ A_h| for one group g against every group h (one row of sharedCounts, O(G·K)). */
export function sharedWithGroup(active: boolean[][], g: number): number[] {
  if (!(g >= 0 && g < active.length)) throw new RangeError(`group ${g} is not in 0…${active.length - 1}`);
  return active.map((row) => row.reduce((n, on, k) => n + (on && active[g][k] ? 1 : 0), 0));
}

/** Share of group g's active latents that group h also uses, |A_g ∩ A_h| / |A_g| (0 when A_g is empty). */
export function shareWith(active: boolean[][], g: number): number[] {
  const counts = sharedWithGroup(active, g);
  const own = counts[g];
  return counts.map((n) => (own === 0 ? 0 : n / own));
}

/**
 * For every patch q, how many active latents its group shares with the group of `patch`:
 * |A_{g(patch)} ∩ A_{g(q)}|. The patches of the same group get |A_{g(patch)}|.
 */
export function patchSharedCounts(active: boolean[][], groupOfPatch: ArrayLike<number>, patch: number): number[] {
  if (!(patch >= 0 && patch < groupOfPatch.length)) throw new RangeError(`patch ${patch} is not in 0…${groupOfPatch.length - 1}`);
  const byGroup = sharedWithGroup(active, groupOfPatch[patch]);
  return Array.from(groupOfPatch, (g) => byGroup[g]);
}

/** Latents per group, groups per latent, and how many columns are exactly zero. */
export function sparsitySummary(norms: NormMatrix, threshold: number): { latentsPerGroup: number[]; groupsPerLatent: number[]; exactZeros: number } {
  const active = activeSets(norms, threshold);
  const K = active[0]?.length ?? 0;
  let exactZeros = 0;
  for (const row of Array.from(norms)) for (const x of Array.from(row)) if (x === 0) exactZeros++;
  return {
    latentsPerGroup: active.map((row) => row.filter(Boolean).length),
    groupsPerLatent: Array.from({ length: K }, (_, k) => active.filter((row) => row[k]).length),
    exactZeros,
  };
}

/**
 * Row order for the heatmap: a greedy chain, so groups that share latents sit next to each
 * other. Start at the group with the most active latents; then repeatedly append the unplaced
 * group sharing the most active latents with the last one placed. Ties: more active latents
 * first, then the lower index (so the order is stable for equal matrices).
 */
export function groupOrder(active: boolean[][]): number[] {
  const G = active.length;
  const shared = sharedCounts(active);
  const size = (g: number) => shared[g][g];
  const better = (a: number, b: number, key: (g: number) => number) => key(a) > key(b) || (key(a) === key(b) && (size(a) > size(b) || (size(a) === size(b) && a < b)));
  const placed = new Uint8Array(G);
  const order: number[] = [];
  let last = -1;
  while (order.length < G) {
    let pick = -1;
    const key = last < 0 ? size : (g: number) => shared[last][g];
    for (let g = 0; g < G; g++) if (!placed[g] && (pick < 0 || better(g, pick, key))) pick = g;
    placed[pick] = 1;
    order.push(pick);
    last = pick;
  }
  return order;
}

/**
 * Column order for the heatmap: latents sorted by their strongest group's place in `rowOrder`
 * (so latents owned by the same group, and groups sharing latents, sit together), then by that
 * norm, largest first, then by index (stable). Latents active in no group go last.
 * @param rowOrder the groups' display order (default: by index).
 */
export function latentOrder(norms: NormMatrix, threshold: number, rowOrder?: number[]): number[] {
  const G = norms.length;
  const K = G ? norms[0].length : 0;
  const rank = new Array<number>(G);
  (rowOrder ?? Array.from({ length: G }, (_, g) => g)).forEach((g, i) => (rank[g] = i));
  const key = Array.from({ length: K }, (_, k) => {
    let best = -1;
    let value = -Infinity;
    for (let g = 0; g < G; g++) if (norms[g][k] > value) [best, value] = [g, norms[g][k]];
    return { k, place: value >= threshold ? rank[best] : G, value };
  });
  key.sort((a, b) => a.place - b.place || b.value - a.value || a.k - b.k);
  return key.map((x) => x.k);
}

/** For one latent k, ‖W^(g(q))_{·,k}‖₂ at every patch q: where on the image latent k is used. */
export function latentAtPatches(norms: NormMatrix, groupOfPatch: ArrayLike<number>, k: number): number[] {
  return Array.from(groupOfPatch, (g) => norms[g][k]);
}

/** How strongly each latent is used at one patch: |μ_k| · ‖W^(g)_{·,k}‖₂ for that patch's group g. */
export function latentUseAtPatch(mu: ArrayLike<number>, groupNorms: ArrayLike<number>): number[] {
  return Array.from(mu, (m, k) => Math.abs(m) * groupNorms[k]);
}

/**
 * latentUseAtPatch for every patch of one image: row-major N×K, from μ ([N, K] row-major) and
 * the G×K norms, each patch weighted by its own group's columns.
 */
export function latentUseMap(mu: ArrayLike<number>, norms: NormMatrix, groupOfPatch: ArrayLike<number>): Float32Array {
  const N = groupOfPatch.length;
  const K = norms[0]?.length ?? 0;
  if (mu.length !== N * K) throw new RangeError(`μ has ${mu.length} values, expected N·K = ${N}·${K}`);
  const out = new Float32Array(N * K);
  for (let p = 0; p < N; p++) {
    const w = norms[groupOfPatch[p]];
    for (let k = 0; k < K; k++) out[p * K + k] = Math.abs(mu[p * K + k]) * w[k];
  }
  return out;
}
