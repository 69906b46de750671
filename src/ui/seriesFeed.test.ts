// The feed reads only the steps added since its last look, starts again on a new history, skips
// steps without a value, and smooths over every step exactly as smoothEma does over the whole.
import { describe, expect, it } from 'vitest';
import { SeriesFeed } from './seriesFeed';
import { smoothEma } from './smoothing';

type M = { step: number; loss: number; z?: number };
const history = (n: number): M[] => Array.from({ length: n }, (_, i) => ({ step: i + 1, loss: 10 / (i + 1), ...(i % 5 === 0 ? { z: i } : {}) }));

describe('SeriesFeed', () => {
  it('reads a growing history incrementally: each step is read once', () => {
    let reads = 0;
    const feed = new SeriesFeed<M>({ columns: [(m) => (reads++, m.loss)], capacity: 100 });
    const items = history(50);
    feed.update(items);
    expect(reads).toBe(50);
    items.push(...history(70).slice(50));
    const s = feed.update(items);
    expect(reads).toBe(70);
    feed.update(items);
    expect(reads).toBe(70);
    expect([s.size, s.stepAt(0), s.stepAt(69)]).toEqual([70, 1, 70]);
  });

  it('a new history array, or a shorter one, is read from its start', () => {
    const feed = new SeriesFeed<M>({ columns: [(m) => m.loss], capacity: 100 });
    const items = history(30);
    feed.update(items);
    const s = feed.update(history(10));
    expect([s.size, s.stepAt(9)]).toEqual([10, 10]);
    items.length = 5;
    expect(feed.update(items).size).toBe(5);
  });

  it('smooths over every step, also the ones thinned away', () => {
    const items = history(5000);
    const s = new SeriesFeed<M>({ columns: [(m) => m.loss], smoothing: 0.9, capacity: 100 }).update(items);
    const want = smoothEma(
      items.map((m) => m.loss),
      0.9,
    );
    expect(s.size).toBeLessThanOrEqual(101);
    for (let i = 0; i < s.size; i++) expect(s.valueAt(1, i)).toBeCloseTo(want[s.stepAt(i) - 1], 12);
    expect(s.stepAt(s.size - 1)).toBe(5000);
  });

  it('steps without a value are not points', () => {
    const s = new SeriesFeed<M>({ columns: [(m) => m.z] }).update(history(20));
    expect(Array.from({ length: s.size }, (_, i) => s.stepAt(i))).toEqual([1, 6, 11, 16]);
  });
});
