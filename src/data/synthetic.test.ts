import { describe, expect, it } from 'vitest';
import { PALETTES } from './shapes';
import { SYNTHETIC_MAX_CLASSES, syntheticClass, syntheticDataset } from './synthetic';
import { sameBytes } from './test-helpers';
import { DatasetError, IMAGE_BYTES, type ImageDataset } from './types';

/** Nearest-class-mean test accuracy on per-image features: how much of the class a feature carries. */
function nearestMeanAccuracy(train: ImageDataset, test: ImageDataset, feature: (ds: ImageDataset, i: number) => Float64Array): number {
  const C = train.classNames.length;
  const means: Float64Array[] = [];
  const counts = new Float64Array(C);
  for (let i = 0; i < train.size; i++) {
    const f = feature(train, i);
    const l = train.labels[i];
    means[l] ??= new Float64Array(f.length);
    counts[l]++;
    for (let j = 0; j < f.length; j++) means[l][j] += f[j];
  }
  means.forEach((m, c) => m.forEach((_, j) => (m[j] /= counts[c])));
  let correct = 0;
  for (let i = 0; i < test.size; i++) {
    const f = feature(test, i);
    let best = -1;
    let bestDist = Infinity;
    means.forEach((m, c) => {
      let d = 0;
      for (let j = 0; j < f.length; j++) d += (f[j] - m[j]) ** 2;
      if (d < bestDist) [bestDist, best] = [d, c];
    });
    if (best === test.labels[i]) correct++;
  }
  return correct / test.size;
}

const pixel = (ds: ImageDataset, i: number, c: number, p: number) => ds.images[i * IMAGE_BYTES + c * 1024 + p] / 255;
/** The raw pixels. */
const rawPixels = (ds: ImageDataset, i: number) => Float64Array.from(ds.images.subarray(i * IMAGE_BYTES, (i + 1) * IMAGE_BYTES));
/** The image's mean colour: what a linear read-out of pooled pixels sees. */
function meanColour(ds: ImageDataset, i: number): Float64Array {
  const v = new Float64Array(3);
  for (let c = 0; c < 3; c++) for (let p = 0; p < 1024; p++) v[c] += pixel(ds, i, c, p) / 1024;
  return v;
}
/** Which palette colours some pixel shows (within 0.15 per channel on average): a bag of patch appearances. */
function coloursPresent(ds: ImageDataset, i: number): Float64Array {
  const v = new Float64Array(PALETTES.length);
  for (let p = 0; p < 1024; p++) {
    PALETTES.forEach(({ rgb }, k) => {
      let d = 0;
      for (let c = 0; c < 3; c++) d += (pixel(ds, i, c, p) - rgb[c]) ** 2;
      if (d < 3 * 0.15 ** 2) v[k] = 1;
    });
  }
  return v;
}

describe('syntheticDataset', () => {
  const t0 = performance.now();
  const data = syntheticDataset({ seed: 3 });
  const ms = performance.now() - t0;

  it('has the default sizes, balanced classes and readable names', () => {
    console.log(`synthetic dataset, 10 classes × (500 + 100) images: ${ms.toFixed(0)} ms`);
    expect(data.train.size).toBe(5000);
    expect(data.test.size).toBe(1000);
    expect(data.train.images.length).toBe(5000 * IMAGE_BYTES);
    for (const split of [data.train, data.test]) {
      const counts = new Int32Array(10);
      for (const l of split.labels) counts[l]++;
      expect([...counts]).toEqual(Array(10).fill(split.size / 10));
    }
    expect(data.train.classNames.slice(0, 3)).toEqual(['red + cyan', 'cyan + orange', 'orange + blue']);
    expect(data.train.classNames).toEqual(data.test.classNames);
    expect(data.train.name).toBe('synthetic/train');
  });

  it('is deterministic from the seed, and image k does not depend on the split size', () => {
    const again = syntheticDataset({ seed: 3, trainPerClass: 20, testPerClass: 5 });
    expect(sameBytes(again.train.images, data.train.images.subarray(0, 200 * IMAGE_BYTES))).toBe(true);
    expect(sameBytes(again.test.images, data.test.images.subarray(0, 50 * IMAGE_BYTES))).toBe(true);
    const other = syntheticDataset({ seed: 4, trainPerClass: 20, testPerClass: 5 });
    expect(sameBytes(other.train.images, again.train.images)).toBe(false);
    expect(sameBytes(again.test.images.subarray(0, IMAGE_BYTES), again.train.images.subarray(0, IMAGE_BYTES))).toBe(false);
  });

  it('varies images within a class (not one template per class)', () => {
    const a = data.train.images.subarray(0, IMAGE_BYTES); // class 0
    const b = data.train.images.subarray(10 * IMAGE_BYTES, 11 * IMAGE_BYTES); // class 0 again
    let diff = 0;
    for (let j = 0; j < IMAGE_BYTES; j++) diff += Math.abs(a[j] - b[j]);
    expect(diff / IMAGE_BYTES).toBeGreaterThan(10);
  });

  it('has class structure across patches: which colours occur together, not the mean colour', () => {
    const raw = nearestMeanAccuracy(data.train, data.test, rawPixels);
    const mean = nearestMeanAccuracy(data.train, data.test, meanColour);
    const present = nearestMeanAccuracy(data.train, data.test, coloursPresent);
    console.log(`synthetic nearest-class-mean test accuracy (chance 10%): raw pixels ${(raw * 100).toFixed(1)}%, mean colour ${(mean * 100).toFixed(1)}%, colours present ${(present * 100).toFixed(1)}%`);
    expect(raw).toBeGreaterThan(0.15);
    expect(raw).toBeLessThan(0.5);
    expect(mean).toBeLessThan(0.35);
    expect(present).toBeGreaterThan(0.95);
  });

  it('puts every colour in exactly two of the first 10 classes, and names all 45 pairs once', () => {
    const uses = new Array(PALETTES.length).fill(0);
    for (let c = 0; c < 10; c++) for (const k of syntheticClass(c).colours) uses[k]++;
    expect(uses).toEqual(Array(PALETTES.length).fill(2));
    expect(SYNTHETIC_MAX_CLASSES).toBe(45);
    const pairs = new Set(Array.from({ length: 45 }, (_, c) => [...syntheticClass(c).colours].sort().join()));
    expect(pairs.size).toBe(45);
    const names = new Set(Array.from({ length: 45 }, (_, c) => syntheticClass(c).name));
    expect(names.size).toBe(45);
    const big = syntheticDataset({ seed: 0, numClasses: 45, trainPerClass: 1, testPerClass: 1 });
    expect(big.train.classNames.length).toBe(45);
    expect(() => syntheticClass(45)).toThrow('no synthetic class 45 (0..44)');
  });

  it('rejects impossible options', () => {
    expect(() => syntheticDataset({ seed: 0, numClasses: 46 })).toThrow(DatasetError);
    expect(() => syntheticDataset({ seed: 0, numClasses: 0 })).toThrow('synthetic dataset: numClasses 0 must be a whole number in 1..45');
    expect(() => syntheticDataset({ seed: 0, trainPerClass: 0 })).toThrow('synthetic dataset: trainPerClass 0 must be a positive whole number');
  });
});
