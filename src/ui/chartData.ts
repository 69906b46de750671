// Pure: chart rows from the raw training series (downsampled for drawing, smoothed on the full series).
import { downsampleIndices, logSafe, smoothEma } from './smoothing';

export const MAX_POINTS = 100;

export interface SeriesRow {
  step: number;
  raw: number;
  smooth: number;
}

/** One metric as {step, raw, smooth} rows: smoothing runs over every step, drawing over at most maxPoints. */
export function seriesRows<T extends { step: number }>(
  items: readonly T[],
  value: (m: T) => number | undefined,
  opts: { smoothing: number; logScale: boolean; maxPoints?: number },
): SeriesRow[] {
  const kept: { step: number; v: number }[] = [];
  for (const m of items) {
    const v = value(m);
    if (v !== undefined && Number.isFinite(v)) kept.push({ step: m.step, v });
  }
  const smooth = smoothEma(
    kept.map((k) => k.v),
    opts.smoothing,
  );
  const fix = opts.logScale ? logSafe : (v: number) => v;
  return downsampleIndices(kept.length, opts.maxPoints ?? MAX_POINTS).map((i) => ({
    step: kept[i].step,
    raw: fix(kept[i].v),
    smooth: fix(smooth[i]),
  }));
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
