import { describe, expect, it } from 'vitest';
import { fitLinearProbe, standardise, topKAccuracy } from './probe';
import { Rng } from '../shared/rng';
import * as tf from './tf';

/** n points per class around well-separated class centres in D dims. */
function blobs(nPerClass: number, C: number, D: number, spread: number, seed: number) {
  const rng = new Rng(seed);
  const centres = Array.from({ length: C }, () => Array.from({ length: D }, () => rng.normal() * 3));
  const x = new Float32Array(nPerClass * C * D);
  const y = new Int32Array(nPerClass * C);
  for (let i = 0; i < nPerClass * C; i++) {
    y[i] = i % C;
    for (let d = 0; d < D; d++) x[i * D + d] = centres[y[i]][d] + spread * rng.normal();
  }
  return { x, y };
}

describe('linear probe', () => {
  it('computes top-1 and top-5 on a hand-made case', () => {
    const logits = Float32Array.from([
      0.9, 0.1, 0, 0, 0, 0, 0, // true 0: top-1 hit
      0.5, 0.4, 0.3, 0.2, 0.1, 0.05, 0, // true 4 (5th largest): top-5 hit, top-1 miss
      0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0, // true 6 (smallest): miss
    ]);
    const labels = Int32Array.from([0, 4, 6]);
    expect(topKAccuracy(logits, labels, 7, 1)).toBeCloseTo(1 / 3, 10);
    expect(topKAccuracy(logits, labels, 7, 5)).toBeCloseTo(2 / 3, 10);
    expect(topKAccuracy(logits, labels, 7, 7)).toBe(1);
  });

  it('reaches near-perfect accuracy on linearly separable features', async () => {
    const train = blobs(40, 5, 8, 0.3, 1);
    const test = blobs(20, 5, 8, 0.3, 1); // same centres (seed), fresh noise
    const s = standardise(train.x, test.x, 8);
    const tensors = tf.memory().numTensors;
    const r = await fitLinearProbe(s.train, train.y, s.test, test.y, 5, { epochs: 30, batchSize: 64 });
    expect(tf.memory().numTensors).toBe(tensors); // the weights, moments, data and labels all disposed
    expect(r.top1).toBeGreaterThan(0.97);
    expect(r.top5).toBe(1);
    expect(r.trainCount).toBe(200);
    expect(r.testCount).toBe(100);
  });

  it('stays at chance when the labels are shuffled', async () => {
    const C = 5;
    const train = blobs(60, C, 8, 0.3, 2);
    const test = blobs(60, C, 8, 0.3, 2);
    const rng = new Rng(7);
    rng.shuffle(train.y);
    rng.shuffle(test.y);
    const s = standardise(train.x, test.x, 8);
    const r = await fitLinearProbe(s.train, train.y, s.test, test.y, C, { epochs: 20, batchSize: 64 });
    expect(r.top1).toBeGreaterThan(0.05);
    expect(r.top1).toBeLessThan(0.35); // chance is 0.2
  });

  it('standardises with the train split statistics', () => {
    const { train, test } = standardise(Float32Array.from([1, 10, 3, 30]), Float32Array.from([2, 20]), 2);
    expect(Array.from(train)).toEqual([expect.closeTo(-1, 4), expect.closeTo(-1, 4), expect.closeTo(1, 4), expect.closeTo(1, 4)]);
    expect(Array.from(test)).toEqual([expect.closeTo(0, 4), expect.closeTo(0, 4)]);
  });
});
