// Which patches share latent dimensions: read off the G×K matrix of ‖W^(g)_{·,k}‖₂.
// Latent k is "active" for group g when its column norm is at least the threshold.

export type NormMatrix = ArrayLike<ArrayLike<number>>; // [G][K]

/** A_g = { k : ‖W^(g)_{·,k}‖₂ ≥ threshold } for every group g. */
export function activeSets(norms: NormMatrix, threshold: number): boolean[][] {
  return Array.from({ length: norms.length }, (_, g) => Array.from(norms[g], (x) => x >= threshold));
}

/** |A_g ∩ A_h| for every pair of groups: how many active latents two groups share. */
export function sharedCounts(active: boolean[][]): number[][] {
  const G = active.length;
  const out = Array.from({ length: G }, () => new Array<number>(G).fill(0));
  for (let g = 0; g < G; g++) {
    for (let h = g; h < G; h++) {
      let n = 0;
      for (let k = 0; k < active[g].length; k++) if (active[g][k] && active[h][k]) n++;
      out[g][h] = out[h][g] = n;
    }
  }
  return out;
}

/** Share of group g's active latents that group h also uses, |A_g ∩ A_h| / |A_g| (0 when A_g is empty). */
export function shareWith(active: boolean[][], g: number): number[] {
  const counts = sharedCounts(active)[g];
  const own = counts[g];
  return counts.map((n) => (own === 0 ? 0 : n / own));
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
 * Column order for the heatmap: latents sorted by their strongest group (so latents owned by the
 * same group, and groups sharing latents, sit together), then by that norm, largest first, then
 * by index (stable). Latents active in no group go last.
 */
export function latentOrder(norms: NormMatrix, threshold: number): number[] {
  const G = norms.length;
  const K = G ? norms[0].length : 0;
  const key = Array.from({ length: K }, (_, k) => {
    let best = -1;
    let value = -Infinity;
    for (let g = 0; g < G; g++) if (norms[g][k] > value) [best, value] = [g, norms[g][k]];
    return { k, group: value >= threshold ? best : G, value };
  });
  key.sort((a, b) => a.group - b.group || b.value - a.value || a.k - b.k);
  return key.map((x) => x.k);
}

/** How strongly each latent is used at one patch: |μ_k| · ‖W^(g)_{·,k}‖₂ for that patch's group g. */
export function latentUseAtPatch(mu: ArrayLike<number>, groupNorms: ArrayLike<number>): number[] {
  return Array.from(mu, (m, k) => Math.abs(m) * groupNorms[k]);
}
