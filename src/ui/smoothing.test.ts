import { describe, expect, it } from 'vitest';
import { downsampleIndices, logSafe, smoothEma } from './smoothing';

describe('smoothEma', () => {
  it('is the identity at weight 0', () => {
    expect(smoothEma([3, 1, 4, 1, 5], 0)).toEqual([3, 1, 4, 1, 5]);
  });

  it('is de-biased: a constant series stays constant', () => {
    const s = smoothEma([2, 2, 2, 2], 0.9);
    for (const v of s) expect(v).toBeCloseTo(2, 12);
  });

  it('matches the TensorBoard formula', () => {
    const w = 0.6;
    const xs = [1, 3, 2, 8];
    let last = 0;
    const expected = xs.map((x, i) => {
      last = last * w + (1 - w) * x;
      return last / (1 - Math.pow(w, i + 1));
    });
    const got = smoothEma(xs, w);
    got.forEach((g, i) => expect(g).toBeCloseTo(expected[i], 12));
    expect(got[0]).toBeCloseTo(1, 12);
  });

  it('smooths noise: variance falls as the weight rises', () => {
    const xs = Array.from({ length: 400 }, (_, i) => 1 + (i % 2 ? 0.5 : -0.5));
    const variance = (a: number[]) => {
      const t = a.slice(50);
      const m = t.reduce((x, y) => x + y, 0) / t.length;
      return t.reduce((x, y) => x + (y - m) ** 2, 0) / t.length;
    };
    expect(variance(smoothEma(xs, 0.9))).toBeLessThan(variance(smoothEma(xs, 0.5)));
    expect(variance(smoothEma(xs, 0.5))).toBeLessThan(variance(xs));
  });

  it('passes non-finite values through without poisoning the average', () => {
    const s = smoothEma([1, NaN, 1], 0.5);
    expect(s[1]).toBeNaN();
    expect(s[2]).toBeCloseTo(1, 12);
  });
});

describe('downsampleIndices', () => {
  it('keeps everything when under the cap', () => {
    expect(downsampleIndices(5, 10)).toEqual([0, 1, 2, 3, 4]);
  });
  it('caps the count and keeps both ends', () => {
    const idx = downsampleIndices(10_000, 300);
    expect(idx.length).toBeLessThanOrEqual(300);
    expect(idx.length).toBeGreaterThan(290);
    expect(idx[0]).toBe(0);
    expect(idx[idx.length - 1]).toBe(9_999);
    for (let i = 1; i < idx.length; i++) expect(idx[i]).toBeGreaterThan(idx[i - 1]);
  });
  it('handles empty input', () => {
    expect(downsampleIndices(0, 10)).toEqual([]);
  });
});

describe('logSafe', () => {
  it('clamps non-positive values to the floor', () => {
    expect(logSafe(0)).toBe(1e-12);
    expect(logSafe(-3, 1e-6)).toBe(1e-6);
    expect(logSafe(0.5)).toBe(0.5);
  });
});
