// Pure: chart rows from the training series (thinned as they grow, smoothed on every step; see
// seriesFeed.ts), downsampled for drawing.
import { downsampleIndices, logSafe } from './smoothing';
import type { ThinnedSeries } from './thinnedSeries';

export const MAX_POINTS = 100;

export interface SeriesRow {
  step: number;
  raw: number;
  smooth: number;
}

/** One metric's thinned series (raw in column 0, smoothed in column 1) as {step, raw, smooth} rows: at most maxPoints, first and latest kept. */
export function seriesRows(series: ThinnedSeries, opts: { logScale: boolean; maxPoints?: number }): SeriesRow[] {
  const fix = opts.logScale ? logSafe : (v: number) => v;
  return downsampleIndices(series.size, opts.maxPoints ?? MAX_POINTS).map((i) => ({
    step: series.stepAt(i),
    raw: fix(series.valueAt(0, i)),
    smooth: fix(series.valueAt(1, i)),
  }));
}

/** A thinned series' columns, named, as chart rows (a missing value is left out of its row). */
export function thinnedColumnRows(series: ThinnedSeries, names: readonly string[], maxPoints = MAX_POINTS): Record<string, number>[] {
  return downsampleIndices(series.size, maxPoints).map((i) => {
    const row: Record<string, number> = { step: series.stepAt(i) };
    names.forEach((k, c) => {
      const v = series.valueAt(c, i);
      if (!Number.isNaN(v)) row[k] = v;
    });
    return row;
  });
}

/** Several columns sampled at the same (downsampled) steps, no smoothing. */
export function columnRows<T extends { step: number }>(
  items: readonly T[],
  columns: Record<string, (m: T) => number | undefined>,
  maxPoints = MAX_POINTS,
): Record<string, number>[] {
  return downsampleIndices(items.length, maxPoints).map((i) => {
    const row: Record<string, number> = { step: items[i].step };
    for (const [k, f] of Object.entries(columns)) {
      const v = f(items[i]);
      if (v !== undefined && Number.isFinite(v)) row[k] = v;
    }
    return row;
  });
}

/** Quantiles (min, 25%, median, 75%, max) of an array. */
export function quantiles(values: ArrayLike<number>): [number, number, number, number, number] {
  const a = Array.from(values).sort((x, y) => x - y);
  const q = (p: number) => {
    const pos = p * (a.length - 1);
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    return a[lo] + (a[hi] - a[lo]) * (pos - lo);
  };
  return [a[0], q(0.25), q(0.5), q(0.75), a[a.length - 1]];
}
