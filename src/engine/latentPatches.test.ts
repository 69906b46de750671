// latentPatches: each unit's top patches over test images, and which groups read each latent.
import { describe, expect, it } from 'vitest';
import { makeImageBatch } from '../data/batch';
import { syntheticDataset } from '../data/synthetic';
import { IMAGE_SIZE } from '../data/types';
import { latentPatches, OUTSIDE_GREY, patchCrop, TopN } from './latentPatches';
import { wasmTrainers } from './testTrainers';
import * as tf from './tf';

const data = syntheticDataset({ seed: 0, trainPerClass: 8, testPerClass: 3, numClasses: 4 });
const make = wasmTrainers();
const base = { preset: 'micro', batchSize: 4, steps: 10, seed: 3 } as const;

describe('TopN', () => {
  it('keeps the n largest, largest first, the earlier of equal values', () => {
    const t = new TopN(3);
    [5, 1, 7, 5, 9, 0, 7].forEach((v, i) => t.offer(v, i, 0));
    expect(t.items.map((x) => [x.value, x.imageIndex])).toEqual([
      [9, 4],
      [7, 2],
      [7, 6],
    ]);
  });
});

describe('latentPatches', () => {
  it('SparseJEPA: every latent’s top patches, sorted, each value μ_k recomputed at that patch alone; no tensor left behind', async () => {
    const t = make({ ...base, mode: 'sparse' }, data);
    await t.step();
    await t.step();
    const { latentDim: K, grid, numGroups: G, patchSize } = t.dims;
    await latentPatches(t.model, t.dims, data.test, { topN: 5, batchSize: 5 }); // first use builds tables
    const before = tf.memory().numTensors;
    const r = await latentPatches(t.model, t.dims, data.test, { topN: 5, batchSize: 5 });
    expect(tf.memory().numTensors).toBe(before);
    expect(r).toMatchObject({ kind: 'latents', mode: 'sparse', space: K, images: data.test.size, grid, patchSize });
    expect(r.units.map((u) => u.unit)).toEqual(Array.from({ length: K }, (_, k) => k));
    const mus = new Map<number, Float32Array>();
    const muOf = async (i: number) => mus.get(i) ?? mus.set(i, (await t.patchLatents(makeImageBatch(data.test, [i], patchSize)))!).get(i)!;
    for (const u of r.units) {
      expect(u.top).toHaveLength(5);
      const values = u.top.map((x) => x.value);
      expect([...values].sort((a, b) => b - a)).toEqual(values);
      for (const x of u.top) {
        expect(x.patch).toBe(x.row * grid + x.col);
        const mu = await muOf(x.imageIndex); // one image through viewSamples.patchLatents, B = 1
        expect(x.value).toBeCloseTo(mu[x.patch * K + u.unit], 4);
      }
      expect(u.variance).toBeGreaterThan(0);
    }
    // The top value is the largest over all images and patches.
    let best = -Infinity;
    for (let i = 0; i < data.test.size; i++) {
      const mu = await muOf(i);
      for (let p = 0; p < grid * grid; p++) best = Math.max(best, mu[p * K]);
    }
    expect(r.units[0].top[0].value).toBeCloseTo(best, 4);
    // Groups and latents are the same relation read both ways, from the norms at zeroThreshold.
    expect(r.groups).toHaveLength(G);
    for (const u of r.units) for (const g of u.groups) expect(r.groups[g].latents).toContain(u.unit);
    for (const { group, latents } of r.groups) for (const k of latents) expect(r.norms![group][k]).toBeGreaterThanOrEqual(r.zeroThreshold);
  });

  it('a latent whose W column is zero in every group is read by no group, and no group lists it', async () => {
    const t = make({ ...base, mode: 'sparse', grouping: 'quadrants' }, data);
    const W = t.model.sparseHead!.W;
    const [G, K, D] = W.shape;
    const dead = 3;
    tf.tidy(() => W.assign(tf.mul(W, tf.tensor3d(Array.from({ length: G * K * D }, (_, i) => (Math.floor(i / D) % K === dead ? 0 : 1)), [G, K, D]))));
    const r = await latentPatches(t.model, t.dims, data.test, { topN: 2, images: 4 });
    expect(r.images).toBe(4);
    expect(r.units[dead].groups).toEqual([]);
    expect(r.groups.every((g) => !g.latents.includes(dead))).toBe(true);
    expect(r.units[dead].top).toHaveLength(2); // μ does not depend on W: it still has top patches
    const live = r.units.filter((u) => u.unit !== dead);
    expect(live.every((u) => u.groups.length === G)).toBe(true); // N(0,1)/trunc-normal columns are far above 0.01 at init
  });

  it('JEPA: the target encoder’s dimensions by variance, each value the encoder’s output at that patch', async () => {
    const t = make({ ...base, mode: 'jepa' }, data);
    const D = t.dims.embedDim;
    const N = t.dims.numPatches;
    const r = await latentPatches(t.model, t.dims, data.test, { topN: 3, dimensions: 6, images: 5 });
    expect(r).toMatchObject({ kind: 'dimensions', space: D, norms: null, groups: [] });
    expect(r.units).toHaveLength(6);
    const vars = r.units.map((u) => u.variance);
    expect([...vars].sort((a, b) => b - a)).toEqual(vars);
    const enc = await t.encode(makeImageBatch(data.test, [0, 1, 2, 3, 4], t.dims.patchSize), 5); // [B, N, D]
    // Variance of the first listed dimension over the 5·N patch tokens, and no other is larger.
    const varOf = (d: number) => {
      const xs = Array.from({ length: 5 * N }, (_, r) => enc[r * D + d]);
      const m = xs.reduce((a, b) => a + b, 0) / xs.length;
      return xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length;
    };
    expect(r.units[0].variance).toBeCloseTo(varOf(r.units[0].unit), 5);
    for (let d = 0; d < D; d++) expect(varOf(d)).toBeLessThanOrEqual(r.units[0].variance + 1e-6);
    for (const u of r.units) {
      expect(u.groups).toEqual([]);
      for (const x of u.top) expect(x.value).toBeCloseTo(enc[(x.imageIndex * N + x.patch) * D + u.unit], 4);
    }
  });

  it('MAE: the context encoder (it has no target encoder)', async () => {
    const t = make({ ...base, mode: 'mae' }, data);
    const r = await latentPatches(t.model, t.dims, data.test, { topN: 2, dimensions: 4, images: 3 });
    expect(r.kind).toBe('dimensions');
    expect(r.source).toMatch(/^context encoder/);
    expect(r.units).toHaveLength(4);
  });
});

describe('patchCrop', () => {
  it('cuts a patch with one patch around it, grey beyond the image', () => {
    const p = 4;
    const crop = patchCrop(data.test, 2, 0, 7, p); // top-right corner patch
    expect(crop).toHaveLength(12 * 12 * 3);
    const plane = IMAGE_SIZE * IMAGE_SIZE;
    const img = data.test.images.subarray(2 * 3 * plane);
    // Crop pixel (y, x) = image pixel (y − 4, 24 + x); the first row is above the image.
    expect(crop[0]).toBe(OUTSIDE_GREY);
    expect(crop[3 * (12 * 4 + 0) + 1]).toBe(img[plane + 0 * IMAGE_SIZE + 24]);
    expect(crop[3 * (12 * 5 + 7) + 2]).toBe(img[2 * plane + 1 * IMAGE_SIZE + 31]);
    expect(crop[3 * (12 * 5 + 8)]).toBe(OUTSIDE_GREY); // right of the image
  });
});
