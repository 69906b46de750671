// Per-group weight norms ‖W^(g)‖ over time (one line per group, or quantiles over groups when
// there are many), and the share of near-zero latent columns.
import { useMemo } from 'react';
import { useLab } from '../store/run/state';
import { columnRows, quantiles, thinnedColumnRows } from './chartData';
import { Chart, type LineSpec } from './ChartFrame';
import { SeriesFeed } from './seriesFeed';
import { useSeriesVersion } from './useSeries';
import type { StepScalars } from '../worker/protocol';

const MAX_LINES = 16;
/** Points per line: 16 lines cost as much to draw as the other charts together. */
const MAX_NORM_POINTS = 50;
const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf', '#393b79', '#637939', '#8c6d31', '#843c39', '#7b4173', '#3182bd'];
const QUANTILE_NAMES = ['min', '25%', 'median', '75%', 'max'];

export function NormsChart() {
  const { version, ref } = useSeriesVersion();
  const marks = useLab((s) => s.marks);
  const { rows, lines, title } = useMemo(() => {
    const norms = useLab.getState().norms;
    const G = norms[0]?.G ?? 0;
    if (G <= MAX_LINES) {
      const cols: Record<string, (n: (typeof norms)[number]) => number> = {};
      for (let g = 0; g < G; g++) cols[`g${g}`] = (n) => n.groupTotals[g];
      const lines: LineSpec[] = Array.from({ length: G }, (_, g) => ({ key: `g${g}`, name: `group ${g}`, color: PALETTE[g % PALETTE.length], width: 1.2 }));
      return { rows: columnRows(norms, cols, MAX_NORM_POINTS), lines, title: `Per-group weight norms ‖W⁽ᵍ⁾‖ (${G} groups)` };
    }
    const cols: Record<string, (n: (typeof norms)[number]) => number> = {};
    QUANTILE_NAMES.forEach((q, i) => (cols[q] = (n) => quantiles(n.groupTotals)[i]));
    const lines: LineSpec[] = QUANTILE_NAMES.map((q, i) => ({ key: q, name: q, color: PALETTE[i], width: q === 'median' ? 2 : 1.2 }));
    return { rows: columnRows(norms, cols, MAX_NORM_POINTS), lines, title: `Per-group weight norms ‖W⁽ᵍ⁾‖ over ${G} groups (quantiles)` };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [version]);
  return <Chart title={title} rows={rows} lines={lines} marks={marks} legend={lines.length <= 5} figureRef={ref} />;
}

const ZERO_LINES: LineSpec[] = [{ key: 'zero', name: 'near-zero share', color: '#8c564b', width: 2 }];

export function ZeroShareChart() {
  const { version, ref } = useSeriesVersion();
  const marks = useLab((s) => s.marks);
  const threshold = useLab((s) => (s.run?.config ?? s.config).zeroThreshold);
  // Only the steps that measured it (every normsEvery steps) enter the series.
  const feed = useMemo(() => new SeriesFeed<StepScalars>({ columns: [(m) => m.zeroShare] }), []);
  const rows = useMemo(
    () => thinnedColumnRows(feed.update(useLab.getState().metrics), ['zero']),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [version, feed],
  );
  return <Chart title={`Share of latent columns with ‖W⁽ᵍ⁾·ₖ‖ < ${threshold}`} rows={rows} lines={ZERO_LINES} marks={marks} figureRef={ref} yDomain={[0, 1]} />;
}
