import { describe, expect, it } from 'vitest';
import { syntheticDataset } from '../data/synthetic';
import { groupOfPatch } from './config';
import { patchesByGroup } from './groupInformation';
import { wasmTrainers } from './testTrainers';
import * as tf from './tf';

const data = syntheticDataset({ seed: 0, trainPerClass: 8, testPerClass: 2, numClasses: 4 });
const make = wasmTrainers();
const base = { preset: 'micro', batchSize: 4, steps: 10, seed: 3 } as const;

describe('patchesByGroup', () => {
  it("lists each group's patches: 2×2 blocks of the 8×8 grid are 16 groups of 4", () => {
    const groups = patchesByGroup(groupOfPatch('blocks2x2', 8));
    expect(groups).toHaveLength(16);
    expect(groups[0]).toEqual([0, 1, 8, 9]);
    expect(groups.every((g) => g.length === 4)).toBe(true);
  });
});

describe('Trainer.totalCorrelation (the groups’ multi-information on the health images)', () => {
  it('SparseJEPA: groups and latents, finite and ≥ 0, and no tensor left behind', async () => {
    const t = make({ ...base, mode: 'sparse' }, data);
    await t.step();
    const first = await t.totalCorrelation(16);
    const before = tf.memory().numTensors;
    const again = await t.totalCorrelation(16);
    expect(tf.memory().numTensors).toBe(before);
    expect(again).toEqual(first); // the same images, the evaluation head: deterministic
    expect(first!.groups).toBeGreaterThanOrEqual(0);
    expect(Number.isFinite(first!.groups)).toBe(true);
    expect(first!.latents).toBeGreaterThanOrEqual(0);
    expect(Number.isFinite(first!.latents)).toBe(true);
  });

  it('SparseJEPA with every W^(g) but one at zero: one group varies, so there is nothing shared (0)', async () => {
    const t = make({ ...base, mode: 'sparse', grouping: 'quadrants' }, data);
    const W = t.model.sparseHead!.W;
    const [G, K, D] = W.shape;
    tf.tidy(() => W.assign(tf.concat([tf.slice(W, [0, 0, 0], [1, K, D]), tf.zeros([G - 1, K, D])], 0)));
    const tc = await t.totalCorrelation(16);
    expect(tc!.groups).toBe(0);
    expect(tc!.latents).toBeGreaterThan(0); // u does not depend on W
  });

  it('JEPA: the groups only (its predictor outputs split by the grouping); MAE: none', async () => {
    const j = await make({ ...base, mode: 'jepa' }, data).totalCorrelation(16);
    expect(Number.isFinite(j!.groups)).toBe(true);
    expect(j!.groups).toBeGreaterThan(0);
    expect(j).not.toHaveProperty('latents');
    expect(await make({ ...base, mode: 'mae' }, data).totalCorrelation(16)).toBeNull();
  });
});
