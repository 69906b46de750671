// Probe accuracy against step: one line with a dot per probe for each series, and horizontal
// reference lines (the random-init floor, chance). Probes are few, so every point is drawn.
import { memo } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { LegendItem, TOOLTIP_STYLE } from '../ChartFrame';

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

const AXIS_TICK = { fill: 'var(--axis)', fontSize: 11 };
const pct = (v: number) => `${(100 * v).toFixed(0)}%`;

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
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={rows} margin={{ top: 14, right: 12, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--grid)" />
            <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} allowDecimals={false} stroke="var(--axis)" tick={AXIS_TICK} />
            <YAxis domain={[0, 1]} tickFormatter={pct} width={44} stroke="var(--axis)" tick={AXIS_TICK} />
            <Tooltip contentStyle={TOOLTIP_STYLE} formatter={(v) => `${(100 * Number(v)).toFixed(1)} %`} labelFormatter={(s) => `step ${s}`} isAnimationActive={false} />
            {series.map((s) => (
              <Line
                key={s.key}
                type="linear"
                dataKey={s.key}
                name={s.name}
                stroke={s.color}
                strokeWidth={2}
                strokeDasharray={s.dashed ? '5 3' : undefined}
                dot={{ r: 3 }}
                isAnimationActive={false}
                connectNulls
              />
            ))}
            {references.map((r) => (
              <ReferenceLine key={r.label} y={r.y} stroke={r.color} strokeDasharray="4 3" ifOverflow="extendDomain" />
            ))}
          </LineChart>
        </ResponsiveContainer>
        {points ? null : <div className="chart-empty">no probe yet: press Evaluate</div>}
      </div>
    </figure>
  );
});
