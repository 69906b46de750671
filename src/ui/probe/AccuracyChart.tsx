// Probe accuracy against step: one line with a dot per probe for each series, and horizontal
// reference lines (the random-init floor, chance). Probes are few, so every point is drawn. Plain
// SVG like the training charts (lineChart/): a probe lands while a run trains.
import { memo, useMemo } from 'react';
import { LegendItem } from '../ChartFrame';
import type { ChartRow } from '../lineChart/layout';
import { LineChartSvg } from '../lineChart/LineChartSvg';

export interface AccuracySeries {
  key: string;
  name: string;
  color: string;
  dashed?: boolean;
}

export interface AccuracyReference {
  y: number;
  label: string;
  color: string;
}

const pct = (v: number) => `${(100 * v).toFixed(0)}%`;
const pct1 = (v: number) => `${(100 * v).toFixed(1)} %`;
const UNIT: [number, number] = [0, 1];
const NO_MARKS: never[] = [];

export const AccuracyChart = memo(function AccuracyChart({
  title,
  rows,
  series,
  references = [],
  height,
}: {
  title: string;
  /** {step, [series.key]: accuracy in [0, 1]} */
  rows: Record<string, number>[];
  series: AccuracySeries[];
  references?: AccuracyReference[];
  height?: number;
}) {
  const lines = useMemo(() => series.map((s) => ({ key: s.key, name: s.name, color: s.color, width: 2, dash: s.dashed ? '5 3' : undefined, dots: true })), [series]);
  const levels = useMemo(() => references.map((r) => ({ y: r.y, color: r.color })), [references]);
  const points = rows.reduce((n, r) => n + series.filter((s) => Number.isFinite(r[s.key])).length, 0);
  return (
    <figure className="chart" role="figure" data-points={points} data-series={series.length}>
      <figcaption>
        {title}
        <span className="legend">
          {series.map((s) => (
            <LegendItem key={s.key} color={s.color} name={s.name} />
          ))}
          {references.map((r) => (
            <LegendItem key={r.label} color={r.color} name={r.label} dashed />
          ))}
        </span>
      </figcaption>
      <div className="chart-body" style={height ? { height } : undefined}>
        <LineChartSvg
          rows={rows as ChartRow[]}
          lines={lines}
          marks={NO_MARKS}
          levels={levels}
          logScale={false}
          yDomain={UNIT}
          axisWidth={44}
          formatLeft={pct}
          formatValue={pct1}
        />
        {points ? null : <div className="chart-empty">no probe yet: press Evaluate</div>}
      </div>
    </figure>
  );
});
