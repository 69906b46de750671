import { describe, expect, it } from 'vitest';
import { syntheticDataset } from '../data/synthetic';
import { patchCrop } from '../engine/latentPatches';
import { wasmTrainers } from '../engine/testTrainers';
import * as tf from '../engine/tf';
import { latentsSample } from './latentsSample';

const data = syntheticDataset({ seed: 2, trainPerClass: 6, testPerClass: 2, numClasses: 3 });
const make = wasmTrainers();

describe('latentsSample (the Latents view, between steps)', () => {
  it('every latent’s top patches with their crops and classes, at the run’s step; no tensor left behind', async () => {
    const t = make({ preset: 'micro', mode: 'sparse', batchSize: 4, steps: 5, seed: 5 }, data);
    await t.step();
    await latentsSample(t, 'r', { topN: 3, images: 4 });
    const before = tf.memory().numTensors;
    const s = await latentsSample(t, 'r', { topN: 3, images: 4 });
    expect(tf.memory().numTensors).toBe(before);
    expect(s).toMatchObject({ runId: 'r', step: 1, cropSide: 12 });
    expect(s.result.units).toHaveLength(32);
    expect(s.crops).toHaveLength(32 * 3 * 12 * 12 * 3);
    expect(s.labels).toHaveLength(32 * 3);
    const x = s.result.units[5].top[2];
    expect(s.crops.subarray((5 * 3 + 2) * 432, (5 * 3 + 3) * 432)).toEqual(patchCrop(data.test, x.imageIndex, x.row, x.col, 4));
    expect(s.labels[5 * 3 + 2]).toBe(data.test.classNames[data.test.labels[x.imageIndex]]);
    await expect(latentsSample(t, 'r', { topN: 3, images: 0 })).rejects.toThrow(/images must be/);
  });
});
