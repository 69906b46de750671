import { describe, expect, it } from 'vitest';
import { columnRows, quantiles, seriesRows, thinnedColumnRows } from './chartData';
import { SeriesFeed } from './seriesFeed';

const items = Array.from({ length: 1000 }, (_, i) => ({ step: i + 1, loss: 10 / (i + 1), kl: i % 2 ? undefined : 0 }));

describe('chart data', () => {
  it('caps points, keeps the last step, smooths over the full series', () => {
    const rows = seriesRows(new SeriesFeed<(typeof items)[number]>({ columns: [(m) => m.loss], smoothing: 0.9 }).update(items), { logScale: false, maxPoints: 100 });
    expect(rows.length).toBeLessThanOrEqual(100);
    expect(rows[0].step).toBe(1);
    expect(rows[rows.length - 1].step).toBe(1000);
    expect(rows[0].raw).toBe(10);
    expect(rows[0].smooth).toBeCloseTo(10, 9); // de-biased start
    const last = rows[rows.length - 1];
    expect(last.smooth).toBeGreaterThan(last.raw); // lags a falling curve
  });
  it('skips missing values and clamps for log scale', () => {
    const rows = seriesRows(new SeriesFeed<(typeof items)[number]>({ columns: [(m) => m.kl], smoothing: 0 }).update(items), { logScale: true });
    expect(rows.every((r) => r.raw === 1e-12)).toBe(true);
    expect(rows.every((r) => r.step % 2 === 1)).toBe(true);
  });
  it('samples several columns at the same steps', () => {
    const rows = columnRows(items, { loss: (m) => m.loss, kl: (m) => m.kl }, 10);
    expect(rows.length).toBe(10);
    expect(rows[0]).toEqual({ step: 1, loss: 10, kl: 0 });
    expect('kl' in rows[rows.length - 1]).toBe(false);
  });
  it('names the columns of a thinned series, leaving a missing value out of its row', () => {
    const s = new SeriesFeed<(typeof items)[number]>({ columns: [(m) => m.loss, (m) => m.kl] }).update(items);
    const rows = thinnedColumnRows(s, ['loss', 'kl'], 10);
    expect(rows.length).toBe(10);
    expect(rows[0]).toEqual({ step: 1, loss: 10, kl: 0 });
    expect(rows[rows.length - 1]).toEqual({ step: 1000, loss: 0.01 });
  });
  it('computes quantiles', () => {
    expect(quantiles([5, 1, 3, 2, 4])).toEqual([1, 2, 3, 4, 5]);
  });
});
