import { describe, expect, it } from 'vitest';
import { chartLayout, extentOf, nearestRow, thinTicks, type ChartRow } from './layout';

const margin = { top: 10, right: 10, bottom: 20, left: 50 };
const rows: ChartRow[] = [
  { step: 1, a: 4, b: 0.5 },
  { step: 2, a: 2 } as ChartRow,
  { step: 3, a: 1, b: 0.25 },
];

/** The points of an "M…L…" path. */
function points(d: string): [number, number][] {
  return d
    .replace(/Z$/, '')
    .slice(1)
    .split('L')
    .map((p) => p.split(',').map(Number) as [number, number]);
}

describe('chartLayout', () => {
  it('maps the first and last step to the plot edges and the value extent inside the nice axis', () => {
    const l = chartLayout({ rows, lines: [{ key: 'a' }], width: 250, height: 130, margin });
    expect(l.plot).toEqual({ x: 50, y: 10, width: 190, height: 100 });
    const p = points(l.paths[0]);
    expect(p).toHaveLength(3);
    expect(p[0][0]).toBeCloseTo(50, 1);
    expect(p[2][0]).toBeCloseTo(240, 1);
    const [lo, hi] = l.left.scale.domain();
    expect(lo).toBeLessThanOrEqual(1);
    expect(hi).toBeGreaterThanOrEqual(4);
    // Higher values are drawn higher up (smaller y).
    expect(p[0][1]).toBeLessThan(p[2][1]);
    expect(l.x.ticks.every(Number.isInteger)).toBe(true);
    expect(l.right).toBeNull();
  });

  it('joins a line over a row where it has no value (connectNulls) and draws nothing without values', () => {
    const l = chartLayout({ rows, lines: [{ key: 'b' }, { key: 'missing' }], width: 250, height: 130, margin });
    expect(points(l.paths[0])).toHaveLength(2);
    expect(l.paths[1]).toBe('');
  });

  it('puts a right-axis line on its own scale', () => {
    const l = chartLayout({ rows, lines: [{ key: 'a' }, { key: 'b', axis: 'right' }], width: 250, height: 130, margin });
    expect(l.right).not.toBeNull();
    const [lo, hi] = l.right!.scale.domain();
    expect(lo).toBeLessThanOrEqual(0.25);
    expect(hi).toBeGreaterThanOrEqual(0.5);
    expect(hi).toBeLessThan(1); // not the left axis' [1, 4]
  });

  it('keeps a fixed domain and a log axis drops non-positive values', () => {
    const fixed = chartLayout({ rows, lines: [{ key: 'b' }], width: 250, height: 130, margin, yDomain: [0, 1] });
    expect(fixed.left.scale.domain()).toEqual([0, 1]);
    const logRows: ChartRow[] = [
      { step: 1, a: 100 },
      { step: 2, a: 0 },
      { step: 3, a: 0.01 },
    ];
    const log = chartLayout({ rows: logRows, lines: [{ key: 'a' }], width: 250, height: 200, margin, logScale: true });
    expect(points(log.paths[0])).toHaveLength(2);
    const [lo, hi] = log.left.scale.domain();
    expect(lo).toBeLessThanOrEqual(0.01);
    expect(hi).toBeGreaterThanOrEqual(100);
  });

  it('gives a single point or a flat line a usable axis', () => {
    const one = chartLayout({ rows: [{ step: 5, a: 2 }], lines: [{ key: 'a' }], width: 250, height: 130, margin });
    const [x0, x1] = one.x.scale.domain();
    expect(x0).toBeLessThan(5);
    expect(x1).toBeGreaterThan(5);
    const [y0, y1] = one.left.scale.domain();
    expect(y0).toBeLessThan(2);
    expect(y1).toBeGreaterThan(2);
    expect(Number.isFinite(points(one.paths[0])[0][1])).toBe(true);
    const empty = chartLayout({ rows: [], lines: [{ key: 'a' }], width: 250, height: 130, margin });
    expect(empty.paths).toEqual(['']);
  });
});

describe('helpers', () => {
  it('extentOf skips missing and non-finite values', () => {
    expect(extentOf([{ step: 1, a: NaN, b: 3 }, { step: 2, a: -1 }] as ChartRow[], ['a', 'b'])).toEqual([-1, 3]);
    expect(extentOf([{ step: 1, a: -1 }] as ChartRow[], ['a'], true)).toBeNull();
  });

  it('thinTicks keeps at most max, the first among them', () => {
    expect(thinTicks([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 4)).toEqual([1, 4, 7, 10]);
    expect(thinTicks([1, 2], 4)).toEqual([1, 2]);
  });

  it('nearestRow finds the row whose step is closest to a pixel', () => {
    const l = chartLayout({ rows, lines: [{ key: 'a' }], width: 250, height: 130, margin });
    expect(nearestRow(rows, l, 50)).toBe(0);
    expect(nearestRow(rows, l, 140)).toBe(1);
    expect(nearestRow(rows, l, 200)).toBe(2);
    expect(nearestRow(rows, l, 1000)).toBe(2);
    expect(nearestRow([], l, 100)).toBe(-1);
  });
});
