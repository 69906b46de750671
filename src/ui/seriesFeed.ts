// A chart's thinned series, fed from the store's step history as it grows: each flush reads only
// the steps added since the last one (the history is appended in place), so drawing a long run
// costs the same as a short one. A new history array (a new, resumed or rolled-back run) is read
// again from its start. Pure: no React, no store.
import { ThinnedSeries } from './thinnedSeries';

/** Points a chart keeps (it draws at most chartData's MAX_POINTS of them). */
export const SERIES_CAPACITY = 1000;

export interface FeedSpec<T> {
  /** One number per column; a step whose columns are all missing or not finite is skipped. */
  columns: ((m: T) => number | undefined)[];
  /** EMA weight: an extra last column holds column 0 smoothed over every step it has (TensorBoard's, de-biased). */
  smoothing?: number;
  capacity?: number;
}

export class SeriesFeed<T extends { step: number }> {
  readonly series: ThinnedSeries;
  private source: readonly T[] | null = null;
  private read = 0;
  private ema = 0;
  private emaCount = 0;
  private readonly weight: number | null;
  /** The row being pushed, reused for every step. */
  private readonly row: Float64Array;

  constructor(private readonly spec: FeedSpec<T>) {
    this.weight = spec.smoothing === undefined ? null : Math.min(Math.max(spec.smoothing, 0), 0.999);
    const width = spec.columns.length + (this.weight === null ? 0 : 1);
    this.series = new ThinnedSeries(spec.capacity ?? SERIES_CAPACITY, width);
    this.row = new Float64Array(width);
  }

  /** Bring the series up to `items` (the store's history) and return it. */
  update(items: readonly T[]): ThinnedSeries {
    if (items !== this.source || items.length < this.read) {
      this.source = items;
      this.read = 0;
      this.ema = 0;
      this.emaCount = 0;
      this.series.clear();
    }
    for (; this.read < items.length; this.read++) this.add(items[this.read]);
    return this.series;
  }

  private add(m: T): void {
    const { columns } = this.spec;
    let any = false;
    for (let c = 0; c < columns.length; c++) {
      const v = columns[c](m);
      const ok = v !== undefined && Number.isFinite(v);
      this.row[c] = ok ? v : NaN;
      any ||= ok;
    }
    if (!any) return;
    if (this.weight !== null) this.row[columns.length] = this.smooth(this.row[0]);
    this.series.push(m.step, this.row);
  }

  private smooth(v: number): number {
    if (Number.isNaN(v)) return NaN;
    const w = this.weight!;
    this.ema = this.ema * w + (1 - w) * v;
    this.emaCount++;
    return this.ema / (w === 0 ? 1 : 1 - Math.pow(w, this.emaCount));
  }
}
