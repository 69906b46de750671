import { describe, expect, it } from 'vitest';
import { Rng } from '../shared/rng';
import { cosineNeighbours } from './neighbours';
import { pca } from './pca';

describe('PCA and cosine neighbours (the projector)', () => {
  it('finds the direction of most variance first, and its share of the variance', () => {
    // Points spread 10× more along (1, 1, 0)/√2 than along (1, −1, 0)/√2, none along z.
    const rng = new Rng(1);
    const n = 2000;
    const x = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) {
      const a = 10 * rng.normal();
      const b = rng.normal();
      x.set([(a + b) / Math.SQRT2 + 5, (a - b) / Math.SQRT2 - 2, 0], i * 3);
    }
    const p = pca(x, n, 3, 2);
    expect(p.components).toBe(2);
    expect(p.explained[0]).toBeCloseTo(100 / 101, 2);
    expect(p.explained[1]).toBeCloseTo(1 / 101, 2);
    // The first coordinate is the projection on (1, 1, 0)/√2 (up to sign) about the mean.
    let dot = 0;
    let norm = 0;
    for (let i = 0; i < n; i++) {
      const along = (x[i * 3] - 5 + x[i * 3 + 1] + 2) / Math.SQRT2;
      dot += along * p.coords[i * 2];
      norm += along * along;
    }
    expect(Math.abs(dot / norm)).toBeCloseTo(1, 2);
  });

  it('lists each row’s most similar other rows by cosine, never itself', () => {
    const x = Float32Array.from([1, 0, 0.9, 0.1, 0, 1, 0.1, 0.9, -1, 0]);
    const nb = cosineNeighbours(x, 5, 2, 2);
    expect(nb.k).toBe(2);
    expect([...nb.index.subarray(0, 2)]).toEqual([1, 3]);
    expect([...nb.index.subarray(4, 6)]).toEqual([3, 1]);
    expect(nb.similarity[0]).toBeCloseTo(0.9 / Math.hypot(0.9, 0.1), 6);
    expect(cosineNeighbours(x, 5, 2, 10).k).toBe(4); // at most the other rows
  });
});
