import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchSampler } from '../data/sampler';
import { syntheticDataset } from '../data/synthetic';
import { defaultConfig, type LabConfigInput } from './config';
import { sampleBatchMasks } from './masks';
import * as tf from './tf';
import { Trainer } from './trainer';
import {
  activeSets,
  groupOrder,
  latentAtPatches,
  latentOrder,
  latentUseAtPatch,
  latentUseMap,
  normRows,
  patchSharedCounts,
  shareWith,
  sharedCounts,
  sharedWithGroup,
  sparsitySummary,
} from './sharing';
import { Rng } from '../shared/rng';

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
    expect(sharedWithGroup(a, 3)).toEqual([1, 1, 0, 2]);
    expect(shareWith(a, 3)).toEqual([0.5, 0.5, 0, 1]);
    expect(shareWith(activeSets(norms, 10), 0)).toEqual([0, 0, 0, 0]);
    expect(() => sharedWithGroup(a, 4)).toThrow(/group 4 is not in 0…3/);
  });

  it('counts overlaps past one 32-bit word the same as a plain count', () => {
    const rng = new Rng(3);
    const a = Array.from({ length: 9 }, () => Array.from({ length: 70 }, () => rng.next() < 0.4));
    const plain = a.map((x) => a.map((y) => x.filter((on, k) => on && y[k]).length));
    expect(sharedCounts(a)).toEqual(plain);
    a.forEach((_, g) => expect(sharedWithGroup(a, g)).toEqual(plain[g]));
  });

  it('maps sharing onto patches through the grouping', () => {
    const a = activeSets(norms, 0.01);
    const groupOfPatch = [0, 1, 2, 3, 3, 0];
    // Patch 4 is in group 3 (latents 3, 4): groups 0 and 1 share latent 3, group 2 nothing.
    expect(patchSharedCounts(a, groupOfPatch, 4)).toEqual([1, 1, 0, 2, 2, 1]);
    expect(patchSharedCounts(a, groupOfPatch, 0)).toEqual([2, 2, 0, 1, 1, 2]);
    expect(() => patchSharedCounts(a, groupOfPatch, 6)).toThrow(/patch 6/);
    expect(latentAtPatches(norms, groupOfPatch, 3)).toEqual([0.5, 0.6, 0, 0.4, 0.4, 0.5]);
  });

  it('summarises latents per group, groups per latent and exact zeros', () => {
    expect(sparsitySummary(norms, 0.01)).toEqual({ latentsPerGroup: [2, 2, 1, 2], groupsPerLatent: [2, 1, 0, 3, 1], exactZeros: 12 });
  });

  it('chains groups greedily by shared latents', () => {
    // Start at the largest set (g0, lowest index among size 2); g1 shares 2 with it; from g1,
    // g3 shares 1 and g2 none.
    expect(groupOrder(activeSets(norms, 0.01))).toEqual([0, 1, 3, 2]);
    // Disjoint equal sets: index order.
    expect(groupOrder([[true, false], [false, true]])).toEqual([0, 1]);
    // The chain follows overlap, not index: g2 overlaps g0, g1 overlaps nobody.
    expect(groupOrder([[true, true, false, false], [false, false, true, false], [true, false, false, false]])).toEqual([0, 2, 1]);
  });

  it('orders latents by strongest group, then strength, inactive last', () => {
    // strongest groups: k0→g0 (0.9), k1→g2, k2→inactive, k3→g1 (0.6), k4→g3
    expect(latentOrder(norms, 0.01)).toEqual([0, 3, 1, 4, 2]);
    // In the chained row order 0,1,3,2, group 3's latent 4 comes before group 2's latent 1.
    expect(latentOrder(norms, 0.01, [0, 1, 3, 2])).toEqual([0, 3, 4, 1, 2]);
    // Stable under ties: equal columns keep index order.
    expect(latentOrder([[1, 1, 1]], 0.5)).toEqual([0, 1, 2]);
  });

  it('weights |μ| by the column norm at a patch, and at every patch of an image', () => {
    expect(latentUseAtPatch([-2, 0.5, 1], [0.5, 0, 3])).toEqual([1, 0, 3]);
    const mu = [1, -1, 0, 2, 0, -2, 0, 0, 1, 1];
    const use = latentUseMap(mu, norms, [2, 0]);
    const expected = [0, 0.7, 0, 0, 0, 1.8, 0, 0, 0.5, 0];
    expected.forEach((x, i) => expect(use[i]).toBeCloseTo(x, 6));
    expect(() => latentUseMap([1, 2], norms, [2, 0])).toThrow(/μ has 2 values/);
  });

  it('reads the worker’s row-major matrix as rows', () => {
    const rows = normRows(Float32Array.from([1, 2, 3, 4, 5, 6]), 2, 3);
    expect(rows.map((r) => Array.from(r))).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(() => normRows(new Float32Array(5), 2, 3)).toThrow(/5 values/);
  });
});

describe('sharing on a trained model (micro preset, built-in data, WASM backend)', () => {
  beforeAll(() => tf.setBackend('wasm'));
  afterAll(() => tf.setBackend('cpu'));
  const data = syntheticDataset({ seed: 0, trainPerClass: 8, testPerClass: 2, numClasses: 4 });
  const base: LabConfigInput = { preset: 'micro', mode: 'sparse', batchSize: 4, steps: 100, seed: 7, beta: 1e-4, warmupFraction: 0 };
  const trainers: Trainer[] = [];
  const train = async (over: LabConfigInput, steps: number) => {
    const t = Trainer.create({ ...base, ...over }, data);
    trainers.push(t);
    for (let i = 0; i < steps; i++) await t.step();
    return t;
  };
  afterAll(() => trainers.forEach((t) => t.dispose()));

  it('remembers the last batch: its train indices and the masks drawn for it', async () => {
    const t = await train({}, 0);
    expect(t.lastBatch).toBeNull();
    await t.step();
    await t.step();
    const c = t.config;
    // The same streams the trainer seeds (sampler: seed+4, masks: seed+2), replayed for two steps.
    const sampler = new BatchSampler(data.train.size, c.seed + 4);
    const maskRng = new Rng(c.seed + 2);
    const settings = { grid: 8, numTargets: c.numTargets, targetScale: c.targetScale, targetAspect: c.targetAspect, contextScale: c.contextScale, minKeep: c.minKeep };
    sampler.next(4);
    sampleBatchMasks(maskRng, 4, settings);
    const indices = Array.from(sampler.next(4).indices);
    expect(t.lastBatch).toEqual({ step: 2, indices, masks: sampleBatchMasks(maskRng, 4, settings) });
    expect(t.lastBatch!.masks.context).toHaveLength(4);
    expect(t.lastBatch!.masks.targets).toHaveLength(c.numTargets);
  });

  it('with the proximal option and a large λ, groups keep fewer active latents than with λ = 0 (same seed)', async () => {
    const steps = 6;
    const threshold = defaultConfig().zeroThreshold; // the view's default threshold
    const summary = async (t: Trainer) => sparsitySummary((await t.groupNorms())!.groupNorms, threshold);
    const plainRun = await summary(await train({ lambda: 0, groupInit: 'unitNormal' }, steps));
    // η_W·λ = 1.25 per step against W ~ N(0, 1) columns of norm ≈ 8: some columns reach exact zero.
    const sparseRun = await summary(await train({ lambda: 25, proximal: true, groupLr: 0.05, groupInit: 'unitNormal' }, steps));
    const [plain, sparse] = [plainRun.latentsPerGroup, sparseRun.latentsPerGroup];
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    console.log(`active latents per group after ${steps} steps (threshold ${threshold}): λ=0 mean ${mean(plain)} [${plain.join(' ')}]; proximal λ=25 (η_W 0.05) mean ${mean(sparse)} [${sparse.join(' ')}]`);
    expect(mean(sparse)).toBeLessThan(mean(plain));
    // Group by group, never more, and the sparse run has exact zeros.
    sparse.forEach((n, g) => expect(n).toBeLessThanOrEqual(plain[g]));
    expect(sparse.some((n, g) => n < plain[g])).toBe(true);
    expect(plainRun.exactZeros).toBe(0);
    expect(sparseRun.exactZeros).toBeGreaterThan(0);
  });
});
