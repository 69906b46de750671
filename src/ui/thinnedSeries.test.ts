// The thinning rule: at most capacity + 1 points however many are pushed, the first and the
// latest always there, the kept points evenly strided in push order (the stride a power of two).
import { describe, expect, it } from 'vitest';
import { ThinnedSeries } from './thinnedSeries';

const steps = (s: ThinnedSeries) => Array.from({ length: s.size }, (_, i) => s.stepAt(i));

/** Push steps 0…n-1 with the value step·10 in column 0. */
function filled(n: number, capacity = 8): ThinnedSeries {
  const s = new ThinnedSeries(capacity, 1);
  for (let k = 0; k < n; k++) s.push(k, [k * 10]);
  return s;
}

describe('ThinnedSeries', () => {
  it('keeps every point until it is full', () => {
    expect(steps(filled(8))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(filled(8).stride).toBe(1);
  });

  it('when full drops every other point and doubles the stride; the latest is kept off the stride', () => {
    const s = filled(9);
    expect(s.stride).toBe(2);
    expect(steps(s)).toEqual([0, 2, 4, 6, 8]);
    const t = filled(10);
    expect(steps(t)).toEqual([0, 2, 4, 6, 8, 9]); // 9 is the latest, held apart
    expect(steps(filled(11))).toEqual([0, 2, 4, 6, 8, 10]); // 10 is on the stride: 9 is gone
  });

  it('for any length: bounded, first and latest kept, evenly strided, values with their steps', () => {
    for (let n = 1; n <= 600; n++) {
      const s = filled(n);
      const got = steps(s);
      expect(got.length, `n=${n}`).toBeLessThanOrEqual(s.capacity + 1);
      expect(got[0]).toBe(0);
      expect(got[got.length - 1], `n=${n}`).toBe(n - 1);
      const onStride = got[got.length - 1] % s.stride === 0 ? got : got.slice(0, -1);
      onStride.forEach((step, i) => expect(step, `n=${n} point ${i}`).toBe(i * s.stride));
      // Never thinner than needed: more than half the capacity is kept once it has filled.
      if (n > s.capacity) expect(onStride.length).toBeGreaterThan(s.capacity / 2);
      for (let i = 0; i < s.size; i++) expect(s.valueAt(0, i)).toBe(s.stepAt(i) * 10);
    }
  });

  it('a million points in a thousand slots', () => {
    const s = new ThinnedSeries(1000, 2);
    const row = new Float64Array(2);
    for (let k = 0; k < 1_000_000; k++) {
      row[0] = k;
      row[1] = -k;
      s.push(k + 1, row);
    }
    expect(s.size).toBeLessThanOrEqual(1001);
    expect(s.stride).toBe(1024);
    expect(s.stepAt(0)).toBe(1);
    expect(s.stepAt(s.size - 1)).toBe(1_000_000);
    expect(s.valueAt(1, s.size - 1)).toBe(-999_999);
  });

  it('missing columns read NaN; clear starts again', () => {
    const s = new ThinnedSeries(4, 2);
    s.push(5, [1]);
    expect(s.valueAt(1, 0)).toBeNaN();
    s.clear();
    expect(s.size).toBe(0);
    s.push(7, [2, 3]);
    expect([s.size, s.stepAt(0), s.valueAt(1, 0), s.count]).toEqual([1, 7, 3, 1]);
  });

  it('refuses an odd capacity (a new point would miss the doubled stride)', () => {
    expect(() => new ThinnedSeries(7, 1)).toThrow(/even/);
  });
});
