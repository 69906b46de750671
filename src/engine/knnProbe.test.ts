import { describe, expect, it } from 'vitest';
import { Rng } from '../shared/rng';
import { knnClassify, knnOptions, l2Normalise, nearestNeighbours, votedTopK, weightedVotes } from './knnProbe';
import * as tf from './tf';

const f32 = (rows: number[][]) => Float32Array.from(rows.flat());
const i32 = (xs: number[]) => Int32Array.from(xs);

describe('DINO k-NN probe maths', () => {
  it('L2-normalises rows; a zero row stays zero', () => {
    expect(l2Normalise(f32([[3, 4], [0, 0], [0, -2]]), 2)).toEqual(f32([[0.6, 0.8], [0, 0], [0, -1]]));
  });

  it('two well-separated clusters: every test image is classified right, whatever the scale of its features', async () => {
    const rng = new Rng(1);
    const around = (c: number[], scale: number) => c.map((v) => scale * (v + 0.05 * rng.normal()));
    const train = [...Array.from({ length: 10 }, () => around([1, 0, 0], 1 + rng.next())), ...Array.from({ length: 10 }, () => around([0, 1, 0], 5))];
    const test = [around([1, 0, 0], 100), around([0, 1, 0], 0.01), around([0, 1, 0], 3)];
    const r = await knnClassify(f32(train), i32([...Array(10).fill(0), ...Array(10).fill(1)]), f32(test), i32([0, 1, 1]), 2, { k: 5 });
    expect(r).toEqual({ top1: 1, top5: 1, trainCount: 20, testCount: 3 });
  });

  it('the temperature: exp(sim / T) breaks a tie of counts for the nearer neighbour; a high T lets the majority outvote a nearer one', async () => {
    // Test image (1, 0); train: class 0 at cosine 0.9, class 1 at cosines 0.6 and 0.5.
    const train = f32([[0.9, Math.sqrt(1 - 0.81)], [0.6, 0.8], [0.5, Math.sqrt(0.75)]]);
    const labels = i32([0, 1, 1]);
    const test = f32([[1, 0]]);
    // k = 2: one vote each, a tie of counts; the weights pick the nearer (class 0) at any T.
    for (const temperature of [0.07, 1, 100]) expect((await knnClassify(train.slice(0, 4), labels.slice(0, 2), test, i32([0]), 2, { k: 2, temperature })).top1).toBe(1);
    // k = 3: class 0 wins at DINO's T (e^(0.9/0.07) > e^(0.6/0.07) + e^(0.5/0.07)), class 1 (two votes) at T = 100.
    expect((await knnClassify(train, labels, test, i32([0]), 2, { k: 3, temperature: 0.07 })).top1).toBe(1);
    expect((await knnClassify(train, labels, test, i32([0]), 2, { k: 3, temperature: 100 })).top1).toBe(0);
    const nb = await nearestNeighbours(train, test, 2, 3, 8);
    expect(Array.from(nb.indices)).toEqual([0, 1, 2]); // nearest first
    const votes = weightedVotes(nb, labels, 2, 0.07);
    expect(votes[0]).toBeCloseTo(Math.exp(0.9 / 0.07), -2);
    expect(votes[1] / (Math.exp(0.6 / 0.07) + Math.exp(0.5 / 0.07))).toBeCloseTo(1, 5);
  });

  it('k larger than the train split: every train image votes', async () => {
    const train = f32([[1, 0], [0.9, 0.1], [0, 1], [0.1, 0.9]]);
    const nb = await nearestNeighbours(l2Normalise(train, 2), f32([[1, 0]]), 2, 50, 4);
    expect(nb.k).toBe(4);
    expect(Array.from(nb.indices)).toEqual([0, 1, 3, 2]);
    const r = await knnClassify(train, i32([0, 0, 1, 1]), f32([[1, 0], [0, 1]]), i32([0, 1]), 2, { k: 50 });
    expect(r).toMatchObject({ top1: 1, trainCount: 4, testCount: 2 });
  });

  it('top-k: a tie counts for the true class, a class no neighbour voted for is never predicted', () => {
    const votes = Float64Array.from([2, 2, 0, 0, /**/ 3, 1, 0, 0, /**/ 1, 0, 0, 0]);
    expect(votedTopK(votes, i32([1, 1, 2]), 4, 1)).toBeCloseTo(1 / 3); // the tie; 1 below 3; no vote for class 2
    expect(votedTopK(votes, i32([1, 1, 2]), 4, 2)).toBeCloseTo(2 / 3); // still no vote for class 2, even at top-2 with 3 classes unvoted
  });

  it('equals a plain reading of DINO’s knn_classifier on random features, in any slice size, with no tensors left', async () => {
    const rng = new Rng(7);
    const [n, m, D, C, k, T] = [60, 23, 5, 4, 7, 0.1];
    const train = Float32Array.from({ length: n * D }, () => rng.normal());
    const test = Float32Array.from({ length: m * D }, () => rng.normal());
    const trainY = Int32Array.from({ length: n }, () => Math.floor(rng.next() * C));
    const testY = Int32Array.from({ length: m }, () => Math.floor(rng.next() * C));
    // The reference: normalise, every cosine, sort, the k largest vote exp(sim / T), the largest total wins.
    const [a, b] = [l2Normalise(train, D), l2Normalise(test, D)];
    let [hits, voted] = [0, 0];
    for (let i = 0; i < m; i++) {
      const sims = Array.from({ length: n }, (_, j) => ({ j, s: Array.from({ length: D }, (_, d) => a[j * D + d] * b[i * D + d]).reduce((x, y) => x + y) }));
      sims.sort((x, y) => y.s - x.s);
      const votes = new Array<number>(C).fill(0);
      for (const { j, s } of sims.slice(0, k)) votes[trainY[j]] += Math.exp(s / T);
      if (votes.indexOf(Math.max(...votes)) === testY[i]) hits++;
      if (votes[testY[i]] > 0) voted++; // 4 classes: top-5 is "its class got a vote"
    }
    const before = tf.memory().numTensors;
    expect(voted).toBeLessThan(m); // the case of an unvoted true class is exercised
    for (const sliceRows of [1, 5, 256]) {
      const r = await knnClassify(train, trainY, test, testY, C, { k, temperature: T, sliceRows });
      expect(r.top1).toBeCloseTo(hits / m, 10);
      expect(r.top5).toBeCloseTo(voted / m, 10);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses bad options by name, and empty splits', async () => {
    expect(() => knnOptions({ k: 0 })).toThrow(/^k: expected a whole number ≥ 1, got 0$/);
    expect(() => knnOptions({ k: 2.5 })).toThrow(/^k: /);
    expect(() => knnOptions({ temperature: 0 })).toThrow(/^temperature: expected a number > 0, got 0$/);
    expect(() => knnOptions({ temperature: NaN })).toThrow(/^temperature: /);
    await expect(knnClassify(new Float32Array(0), new Int32Array(0), f32([[1]]), i32([0]), 1)).rejects.toThrow(/train and test images/);
  });
});
