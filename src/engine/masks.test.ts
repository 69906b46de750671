import { describe, expect, it } from 'vitest';
import { sampleBatchMasks, sampleBlockSize, type MaskSettings } from './masks';
import { Rng } from '../shared/rng';

const settings: MaskSettings = {
  grid: 8,
  numTargets: 4,
  targetScale: [0.15, 0.2],
  targetAspect: [0.75, 1.5],
  contextScale: [0.85, 1.0],
  minKeep: 4,
};

describe('I-JEPA multi-block masks', () => {
  it('block sizes follow scale and aspect and fit the grid', () => {
    const rng = new Rng(1);
    for (let i = 0; i < 500; i++) {
      const [h, w] = sampleBlockSize(rng, 8, [0.15, 0.2], [0.75, 1.5]);
      expect(h).toBeGreaterThanOrEqual(1);
      expect(h).toBeLessThan(8);
      expect(w).toBeLessThan(8);
      expect(h * w).toBeGreaterThanOrEqual(Math.floor(64 * 0.15) - 4);
      expect(h * w).toBeLessThanOrEqual(Math.ceil(64 * 0.2) + 4);
    }
    expect(sampleBlockSize(new Rng(2), 8, [0.85, 1], [1, 1])).toEqual([7, 7]);
  });

  it('gives rectangular batches: same counts for every image, positions in range and ascending', () => {
    for (let seed = 0; seed < 50; seed++) {
      const m = sampleBatchMasks(new Rng(seed), 16, settings);
      expect(m.context).toHaveLength(16);
      expect(m.targets).toHaveLength(4);
      for (const row of m.context) {
        expect(row).toHaveLength(m.numContext);
        expect([...row].sort((a, b) => a - b)).toEqual(row);
        for (const p of row) expect(p >= 0 && p < 64).toBe(true);
      }
      for (const rows of m.targets) {
        expect(rows).toHaveLength(16);
        for (const row of rows) expect(row).toHaveLength(m.numTarget);
      }
      expect(m.numTarget).toBeGreaterThan(settings.minKeep);
      expect(m.numContext).toBeGreaterThanOrEqual(1);
    }
  });

  it('target blocks are rectangles and the context avoids every target patch', () => {
    let contextSeen = 0;
    for (let seed = 0; seed < 50; seed++) {
      const m = sampleBatchMasks(new Rng(seed), 8, settings);
      for (let b = 0; b < 8; b++) {
        const targetSet = new Set(m.targets.flatMap((rows) => rows[b]));
        for (const p of m.context[b]) expect(targetSet.has(p)).toBe(false);
        contextSeen += m.context[b].length;
      }
      for (const rows of m.targets) {
        for (const row of rows) {
          const rs = row.map((p) => Math.floor(p / 8));
          const cs = row.map((p) => p % 8);
          const h = Math.max(...rs) - Math.min(...rs) + 1;
          const w = Math.max(...cs) - Math.min(...cs) + 1;
          expect(h * w).toBe(row.length); // a full rectangle
        }
      }
    }
    expect(contextSeen).toBeGreaterThan(0);
  });

  it('is reproducible from the seed and differs across seeds', () => {
    expect(sampleBatchMasks(new Rng(7), 4, settings)).toEqual(sampleBatchMasks(new Rng(7), 4, settings));
    expect(sampleBatchMasks(new Rng(7), 4, settings)).not.toEqual(sampleBatchMasks(new Rng(8), 4, settings));
  });

  // How often each patch of the 8×8 grid is a target / context over many batches, after truncation.
  function coverage(corners: 'whole-grid' | 'reference', batches = 2000, B = 8) {
    const target = new Float64Array(64);
    const context = new Float64Array(64);
    const rng = new Rng(11);
    for (let i = 0; i < batches; i++) {
      const m = sampleBatchMasks(rng, B, { ...settings, corners });
      for (const rows of m.targets) for (const row of rows) for (const p of row) target[p]++;
      for (const row of m.context) for (const p of row) context[p]++;
    }
    const worst = (a: Float64Array) => Math.min(...a) / (a.reduce((x, y) => x + y, 0) / a.length);
    return { target: worst(target), context: worst(context) };
  }

  it('covers the whole grid: every patch is a target and context at least a third as often as the average patch', () => {
    const c = coverage('whole-grid');
    expect(c.target).toBeGreaterThanOrEqual(1 / 3);
    expect(c.context).toBeGreaterThanOrEqual(1 / 3);
  });

  it("the reference's exclusive corner draw leaves the last row and column uncovered (why the lab deviates)", () => {
    const c = coverage('reference', 300);
    expect(c.target).toBeLessThan(1 / 3);
    expect(c.context).toBeLessThan(1 / 3);
  });

  it('truncates context to the batch minimum with a random subset of each image’s patches', () => {
    const m = sampleBatchMasks(new Rng(3), 32, settings);
    const full = sampleBatchMasks(new Rng(3), 32, { ...settings, corners: 'reference' });
    expect(m.numContext).toBeGreaterThan(0);
    // Not always the first positions in raster order: some kept row has a gap a prefix would not.
    const lastRowSeen = m.context.some((row) => row.some((p) => p >= 56));
    expect(lastRowSeen).toBe(true);
    expect(full.context.every((row) => row.every((p) => p < 56))).toBe(true);
  });
});

describe("MAE's random masks (He et al.)", () => {
  const random: MaskSettings = { ...settings, strategy: 'random', maskRatio: 0.75 };

  it('per image: round(0.25·N) visible patches, every other patch masked in one block, disjoint, ascending', () => {
    for (let seed = 0; seed < 20; seed++) {
      const m = sampleBatchMasks(new Rng(seed), 8, random);
      expect([m.numContext, m.numTarget, m.targets.length]).toEqual([16, 48, 1]);
      m.context.forEach((ctx, b) => {
        const masked = m.targets[0][b];
        expect(ctx).toHaveLength(16);
        expect(masked).toHaveLength(48);
        expect([...ctx].sort((x, y) => x - y)).toEqual(ctx);
        expect([...masked].sort((x, y) => x - y)).toEqual(masked);
        expect([...ctx, ...masked].sort((x, y) => x - y)).toEqual(Array.from({ length: 64 }, (_, i) => i));
      });
    }
  });

  it('draws a new mask per image from the seeded stream, and the same masks from the same seed', () => {
    const m = sampleBatchMasks(new Rng(3), 8, random);
    expect(new Set(m.context.map((c) => c.join())).size).toBe(8);
    expect(sampleBatchMasks(new Rng(3), 8, random)).toEqual(m);
    expect(sampleBatchMasks(new Rng(4), 8, random).context).not.toEqual(m.context);
  });

  it('masks every patch equally often (a uniform random permutation)', () => {
    const rng = new Rng(0);
    const count = new Array(64).fill(0);
    for (let i = 0; i < 400; i++) for (const p of sampleBatchMasks(rng, 4, random).targets[0].flat()) count[p]++;
    const expected = 400 * 4 * 0.75;
    for (const c of count) expect(Math.abs(c - expected) / expected).toBeLessThan(0.1);
  });

  it('refuses random masks without a ratio', () => {
    expect(() => sampleBatchMasks(new Rng(0), 1, { ...settings, strategy: 'random' })).toThrow(/needs a maskRatio/);
  });
});
