import { describe, expect, it } from 'vitest';
import { Rng } from '../shared/rng';
import { UmapLayout } from './umapLayout';

/** n points in D dimensions around `clusters` far-apart centres; point i is in cluster i mod clusters. */
function clustered(n: number, D: number, clusters: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const centres = Array.from({ length: clusters }, () => Array.from({ length: D }, () => rng.normal() * 10));
  const x = new Float32Array(n * D);
  for (let i = 0; i < n; i++) for (let d = 0; d < D; d++) x[i * D + d] = centres[i % clusters][d] + rng.normal() * 0.5;
  return x;
}

const dist = (c: Float32Array, i: number, j: number) => Math.hypot(c[2 * i] - c[2 * j], c[2 * i + 1] - c[2 * j + 1]);

describe('UmapLayout', () => {
  it('keeps clusters apart: each point is nearer, on average, to its own cluster than to the others', () => {
    const n = 90;
    const layout = new UmapLayout(clustered(n, 16, 3, 1), n, 16, 7);
    expect(layout.epochs).toBe(500);
    while (!layout.advance(37));
    expect(layout.epoch).toBe(layout.epochs);
    const c = layout.coords();
    expect(c.every(Number.isFinite)).toBe(true);
    let within = 0;
    let between = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        if (i === j) continue;
        if (i % 3 === j % 3) within += dist(c, i, j);
        else between += dist(c, i, j);
      }
    const nWithin = n * (n / 3 - 1);
    const nBetween = n * (n - n / 3);
    expect(within / nWithin).toBeLessThan((between / nBetween) * 0.5);
  });

  it('is the same layout for the same seed, however it is sliced; another seed gives another', () => {
    const n = 40;
    const x = clustered(n, 8, 2, 3);
    const a = new UmapLayout(x, n, 8, 5);
    a.advance(10_000);
    const b = new UmapLayout(x, n, 8, 5);
    while (!b.advance(3));
    expect(Array.from(b.coords())).toEqual(Array.from(a.coords()));
    const c = new UmapLayout(x, n, 8, 6);
    c.advance(10_000);
    expect(Array.from(c.coords())).not.toEqual(Array.from(a.coords()));
  });

  it('refuses too few points, naming how many it needs', () => {
    expect(() => new UmapLayout(new Float32Array(10 * 4), 10, 4, 0)).toThrow(/more than 15 points, got 10/);
  });
});
