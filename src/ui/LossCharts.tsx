// Total, prediction, KL and group-penalty losses: raw (faint) and smoothed, optional log scale.
import { useId, useMemo } from 'react';
import { useLab } from '../store/run/state';
import { seriesRows } from './chartData';
import { Chart, type LineSpec } from './ChartFrame';
import { SeriesFeed } from './seriesFeed';
import { useSeriesVersion } from './useSeries';
import type { StepScalars } from '../worker/protocol';

const PANELS: { key: keyof StepScalars; title: string; color: string; sparseOnly?: boolean }[] = [
  { key: 'loss', title: 'Total loss', color: '#1f77b4' },
  { key: 'predLoss', title: 'Prediction loss', color: '#2ca02c' },
  { key: 'klLoss', title: 'KL loss (before β)', color: '#9467bd', sparseOnly: true },
  { key: 'groupPenalty', title: 'Group penalty Σ‖W‖ (before λ)', color: '#d62728', sparseOnly: true },
];

function Panel({ metric, title, color }: { metric: keyof StepScalars; title: string; color: string }) {
  const { version, ref } = useSeriesVersion();
  const smoothing = useLab((s) => s.smoothing);
  const logScale = useLab((s) => s.logScale);
  const marks = useLab((s) => s.marks);
  // A new smoothing weight reads the history again; each new version reads only the steps it added.
  const feed = useMemo(() => new SeriesFeed<StepScalars>({ columns: [(m) => m[metric] as number | undefined], smoothing }), [metric, smoothing]);
  const rows = useMemo(
    () => seriesRows(feed.update(useLab.getState().metrics), { logScale }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [version, feed, logScale],
  );
  const lines = useMemo<LineSpec[]>(
    () => [
      { key: 'raw', name: 'raw', color, opacity: 0.3, width: 1 },
      { key: 'smooth', name: 'smoothed', color, width: 2 },
    ],
    [color],
  );
  return <Chart title={title} rows={rows} lines={lines} marks={marks} logScale={logScale} figureRef={ref} />;
}

export function LossCharts() {
  const smoothId = useId();
  const logId = useId();
  const smoothing = useLab((s) => s.smoothing);
  const logScale = useLab((s) => s.logScale);
  const sparse = useLab((s) => (s.run?.config ?? s.config).mode === 'sparse');
  return (
    <section className="chart-group">
      <div className="chart-tools">
        <label htmlFor={smoothId}>Smoothing</label>
        <input id={smoothId} type="range" min={0} max={0.99} step={0.01} value={smoothing} onChange={(e) => useLab.setState({ smoothing: Number(e.target.value) })} />
        <span className="tool-value">{smoothing.toFixed(2)}</span>
        <input id={logId} type="checkbox" checked={logScale} onChange={(e) => useLab.setState({ logScale: e.target.checked })} />
        <label htmlFor={logId}>Log scale</label>
      </div>
      <div className="chart-grid">
        {PANELS.filter((p) => sparse || !p.sparseOnly).map((p) => (
          <Panel key={p.key} metric={p.key} title={p.title} color={p.color} />
        ))}
      </div>
    </section>
  );
}
