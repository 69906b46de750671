// Pure: what a line chart draws (its scales, tick values and one SVG path per line) from its rows
// and its size. The training charts redraw about every 1.5 s for as long as a run trains, so one
// draw costs a few small arrays and strings: d3-scale picks the domains and ticks, d3-shape writes
// the paths. (recharts 3 allocated ~10 MB/s of the page's heap for the Train view's charts and
// re-rendered each chart in one uninterruptible task; see docs/reliability.md.)
import { scaleLinear, scaleLog, type ScaleContinuousNumeric } from 'd3-scale';
import { line } from 'd3-shape';

/** A chart's row: the step and one value per line key (missing where that line has none). */
export type ChartRow = { step: number } & Record<string, number>;

export interface PlotLine {
  key: string;
  axis?: 'left' | 'right';
}

export interface Margins {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

export interface LayoutInput {
  rows: readonly ChartRow[];
  lines: readonly PlotLine[];
  width: number;
  height: number;
  margin: Margins;
  logScale?: boolean;
  /** Fixed left-axis domain (otherwise the data's extent, made nice). */
  yDomain?: readonly [number, number];
}

export interface Axis {
  scale: ScaleContinuousNumeric<number, number>;
  ticks: number[];
}

export interface ChartLayout {
  /** The plot area inside the margins. */
  plot: { x: number; y: number; width: number; height: number };
  x: Axis;
  left: Axis;
  right: Axis | null;
  /** One SVG path per line, in the order of `lines` ('' where a line has no point). */
  paths: string[];
}

/** Ticks per axis: about one per 70 px across, one per 28 px up, never fewer than two. */
const X_TICK_PX = 70;
const Y_TICK_PX = 28;

/** [min, max] of the finite values of these lines (on a log axis, the positive ones); null if none. */
export function extentOf(rows: readonly ChartRow[], keys: readonly string[], positiveOnly = false): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of rows) {
    for (const k of keys) {
      const v = r[k];
      if (v === undefined || !Number.isFinite(v) || (positiveOnly && v <= 0)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo <= hi ? [lo, hi] : null;
}

/** A value axis over [y0, y1] (pixels, top to bottom reversed): the data's extent made nice, or the fixed domain. */
function valueAxis(extent: [number, number] | null, y0: number, y1: number, log: boolean, fixed?: readonly [number, number]): Axis {
  const count = Math.max(2, Math.floor((y0 - y1) / Y_TICK_PX));
  if (log) {
    const [lo, hi] = fixed ?? extent ?? [1, 10];
    const scale = scaleLog()
      .domain(lo === hi ? [lo / 2, hi * 2] : [lo, hi])
      .range([y0, y1])
      .nice();
    return { scale, ticks: thinTicks(scale.ticks(count), count + 1) };
  }
  let [lo, hi] = fixed ?? extent ?? [0, 1];
  if (!fixed && lo === hi) {
    const pad = Math.abs(lo) * 0.05 || 1; // a flat line sits in the middle of its axis
    lo -= pad;
    hi += pad;
  }
  const scale = scaleLinear().domain([lo, hi]).range([y0, y1]);
  if (!fixed) scale.nice(count);
  return { scale, ticks: scale.ticks(count) };
}

/** At most `max` of these ticks, evenly picked, the first kept (a log axis over few decades lists every 2, 3, … 9). */
export function thinTicks(ticks: number[], max: number): number[] {
  if (ticks.length <= max) return ticks;
  const every = Math.ceil(ticks.length / max);
  return ticks.filter((_, i) => i % every === 0);
}

/** The step axis: from the first row's step to the last one's, whole-step ticks. */
function stepAxis(rows: readonly ChartRow[], x0: number, x1: number): Axis {
  const first = rows.length ? rows[0].step : 0;
  const last = rows.length ? rows[rows.length - 1].step : 1;
  const scale = scaleLinear()
    .domain(first === last ? [first - 1, last + 1] : [first, last])
    .range([x0, x1]);
  const count = Math.max(2, Math.floor((x1 - x0) / X_TICK_PX));
  return { scale, ticks: scale.ticks(count).filter(Number.isInteger) };
}

/** Scales, ticks and paths of a chart of `rows` drawn `width` × `height` px. Rows are in step order. */
export function chartLayout(input: LayoutInput): ChartLayout {
  const { rows, lines, width, height, margin, logScale = false, yDomain } = input;
  const plot = { x: margin.left, y: margin.top, width: Math.max(1, width - margin.left - margin.right), height: Math.max(1, height - margin.top - margin.bottom) };
  const bottom = plot.y + plot.height;
  const leftKeys = lines.filter((l) => (l.axis ?? 'left') === 'left').map((l) => l.key);
  const rightKeys = lines.filter((l) => l.axis === 'right').map((l) => l.key);
  const x = stepAxis(rows, plot.x, plot.x + plot.width);
  const left = valueAxis(extentOf(rows, leftKeys, logScale), bottom, plot.y, logScale, yDomain);
  const right = rightKeys.length ? valueAxis(extentOf(rows, rightKeys), bottom, plot.y, false) : null;
  const paths = lines.map((l) => {
    const y = l.axis === 'right' && right ? right.scale : left.scale;
    // Missing values are skipped and the line joins its neighbours (recharts' connectNulls).
    const drawn = rows.filter((r) => Number.isFinite(r[l.key]) && (!logScale || l.axis === 'right' || r[l.key] > 0));
    return (
      line<ChartRow>()
        .x((r) => x.scale(r.step))
        .y((r) => y(r[l.key]))
        .digits(1)(drawn) ?? ''
    );
  });
  return { plot, x, left, right, paths };
}

/** The row nearest to pixel `px` across (rows in step order), or -1 when there are none. */
export function nearestRow(rows: readonly ChartRow[], layout: ChartLayout, px: number): number {
  if (!rows.length) return -1;
  const step = layout.x.scale.invert(px);
  let lo = 0;
  let hi = rows.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (rows[mid].step < step) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 && step - rows[lo - 1].step < rows[lo].step - step ? lo - 1 : lo;
}
