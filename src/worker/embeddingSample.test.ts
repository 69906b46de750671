import { describe, expect, it } from 'vitest';
import { syntheticDataset } from '../data/synthetic';
import { IMAGE_BYTES } from '../data/types';
import { pooledFeatures } from '../engine/probe';
import { wasmTrainers } from '../engine/testTrainers';
import * as tf from '../engine/tf';
import { UMAP_NEIGHBOURS } from '../engine/umapLayout';
import { embeddingSample, spreadImages } from './embeddingSample';
import { rgbBytes } from './sharingSample';

const data = syntheticDataset({ seed: 3, trainPerClass: 6, testPerClass: 8, numClasses: 3 });
const make = wasmTrainers();

describe('spreadImages', () => {
  it('takes images evenly over the split (a class-ordered split gives every class), with their labels', () => {
    const { images, indices } = spreadImages(data.test, 6);
    expect(Array.from(indices)).toEqual([0, 4, 8, 12, 16, 20]);
    expect(new Set(images.labels).size).toBe(3);
    expect(images.labels[3]).toBe(data.test.labels[12]);
    expect(images.images.subarray(3 * IMAGE_BYTES, 4 * IMAGE_BYTES)).toEqual(data.test.images.subarray(12 * IMAGE_BYTES, 13 * IMAGE_BYTES));
    expect(spreadImages(data.test, 1000).images.size).toBe(data.test.size);
  });
});

describe('embeddingSample (the projector, between steps)', () => {
  it("the probed encoder's pooled features of the test split, PCA, cosine neighbours and the images; no tensor left behind", async () => {
    const t = make({ preset: 'micro', mode: 'sparse', batchSize: 4, steps: 5, seed: 5 }, data);
    await t.step();
    await embeddingSample(t, 'r', { images: 12, neighbours: 4 });
    const before = tf.memory().numTensors;
    const s = await embeddingSample(t, 'r', { images: 12, neighbours: 4 });
    expect(tf.memory().numTensors).toBe(before);
    expect(s).toMatchObject({ runId: 'r', step: 1, mode: 'sparse', seed: 5, n: 12, dim: t.dims.embedDim });
    const { images } = spreadImages(data.test, 12);
    expect(Array.from(s.features)).toEqual(Array.from(await pooledFeatures(t, images)));
    expect(s.pca).toHaveLength(24);
    expect(s.explained[0]).toBeGreaterThan(0);
    expect(s.explained[0]).toBeGreaterThanOrEqual(s.explained[1]);
    // UMAP's 14 neighbours are there even when fewer are asked for; none is the point itself.
    expect(s.neighbours.k).toBe(Math.min(UMAP_NEIGHBOURS - 1, 11));
    for (let i = 0; i < s.n; i++) expect(Array.from(s.neighbours.index.subarray(i * s.neighbours.k, (i + 1) * s.neighbours.k))).not.toContain(i);
    expect(s.rgb.subarray(5 * IMAGE_BYTES, 6 * IMAGE_BYTES)).toEqual(rgbBytes(data.test, s.testIndices[5]));
    await expect(embeddingSample(t, 'r', { images: 1, neighbours: 4 })).rejects.toThrow(/images must be/);
  });
});
