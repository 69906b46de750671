import { describe, expect, it } from 'vitest';
import { activeSets, latentOrder, latentUseAtPatch, shareWith, sharedCounts, sparsitySummary } from './sharing';

// 4 groups × 5 latents. Latent 0: groups 0,1; latent 1: group 2; latent 2: nobody;
// latent 3: groups 0,1,3; latent 4: group 3 (weakly active).
const norms = [
  [0.9, 0.0, 0.001, 0.5, 0.0],
  [0.8, 0.0, 0.0, 0.6, 0.0],
  [0.0, 0.7, 0.0, 0.0, 0.0],
  [0.0, 0.0, 0.0, 0.4, 0.05],
];

describe('latent sharing', () => {
  it('finds active sets and their overlaps', () => {
    const a = activeSets(norms, 0.01);
    expect(a[0]).toEqual([true, false, false, true, false]);
    expect(sharedCounts(a)).toEqual([
      [2, 2, 0, 1],
      [2, 2, 0, 1],
      [0, 0, 1, 0],
      [1, 1, 0, 2],
    ]);
    expect(shareWith(a, 3)).toEqual([0.5, 0.5, 0, 1]);
    expect(shareWith(activeSets(norms, 10), 0)).toEqual([0, 0, 0, 0]);
  });

  it('summarises latents per group, groups per latent and exact zeros', () => {
    expect(sparsitySummary(norms, 0.01)).toEqual({ latentsPerGroup: [2, 2, 1, 2], groupsPerLatent: [2, 1, 0, 3, 1], exactZeros: 12 });
  });

  it('orders latents by strongest group, then strength, inactive last', () => {
    // strongest groups: k0→g0 (0.9), k1→g2, k2→inactive, k3→g1 (0.6), k4→g3
    expect(latentOrder(norms, 0.01)).toEqual([0, 3, 1, 4, 2]);
    // Stable under ties: equal columns keep index order.
    expect(latentOrder([[1, 1, 1]], 0.5)).toEqual([0, 1, 2]);
  });

  it('weights |μ| by the column norm at a patch', () => {
    expect(latentUseAtPatch([-2, 0.5, 1], [0.5, 0, 3])).toEqual([1, 0, 3]);
  });
});
