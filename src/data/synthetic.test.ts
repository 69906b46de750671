import { describe, expect, it } from 'vitest';
import { syntheticClass, syntheticDataset } from './synthetic';
import { sameBytes } from './test-helpers';
import { DatasetError, IMAGE_BYTES, type ImageDataset } from './types';

/** Nearest-class-mean accuracy on raw pixels: a floor any learned feature should beat. */
function nearestMeanAccuracy(train: ImageDataset, test: ImageDataset): number {
  const C = train.classNames.length;
  const D = IMAGE_BYTES;
  const means = new Float64Array(C * D);
  const counts = new Float64Array(C);
  for (let i = 0; i < train.size; i++) {
    const l = train.labels[i];
    counts[l]++;
    for (let j = 0; j < D; j++) means[l * D + j] += train.images[i * D + j];
  }
  for (let c = 0; c < C; c++) for (let j = 0; j < D; j++) means[c * D + j] /= counts[c];
  let correct = 0;
  for (let i = 0; i < test.size; i++) {
    let best = -1;
    let bestDist = Infinity;
    for (let c = 0; c < C; c++) {
      let d = 0;
      for (let j = 0; j < D; j++) {
        const e = test.images[i * D + j] - means[c * D + j];
        d += e * e;
      }
      if (d < bestDist) [bestDist, best] = [d, c];
    }
    if (best === test.labels[i]) correct++;
  }
  return correct / test.size;
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
    expect(data.train.classNames.slice(0, 3)).toEqual(['red disc', 'red square', 'blue disc']);
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

  it('has class structure: nearest class mean on raw pixels beats chance clearly, but is far from solved', () => {
    const acc = nearestMeanAccuracy(data.train, data.test);
    console.log(`synthetic nearest-class-mean test accuracy: ${(acc * 100).toFixed(1)}% (chance 10%)`);
    expect(acc).toBeGreaterThan(0.2);
    expect(acc).toBeLessThan(0.9);
  });

  it('gives all 100 (shape, colour) classes distinct names', () => {
    const names = new Set(Array.from({ length: 100 }, (_, c) => syntheticClass(c).name));
    expect(names.size).toBe(100);
    const big = syntheticDataset({ seed: 0, numClasses: 100, trainPerClass: 1, testPerClass: 1 });
    expect(big.train.classNames.length).toBe(100);
  });

  it('rejects impossible options', () => {
    expect(() => syntheticDataset({ seed: 0, numClasses: 101 })).toThrow(DatasetError);
    expect(() => syntheticDataset({ seed: 0, numClasses: 0 })).toThrow('synthetic dataset: numClasses 0 must be a whole number in 1..100');
    expect(() => syntheticDataset({ seed: 0, trainPerClass: 0 })).toThrow('synthetic dataset: trainPerClass 0 must be a positive whole number');
  });
});
