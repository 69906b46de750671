// One objective's panel of the implicit-bias demo: each feature's gain ‖W̄ e_i‖ against
// gradient-flow time t = η·step, its final gain g*_i dotted, and its critical time t*_i (the
// gain reaching half of g*_i) as a vertical line. MAE and JEPA learn on very different time
// scales, so each panel has its own time axis.
import { memo, useMemo } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ObjectiveTrace } from '../../engine/deepLinear';
import { formatNumber } from '../format';
import { LegendItem, TOOLTIP_STYLE } from '../ChartFrame';

export const FEATURE_COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];

const NAMES = { mae: 'MAE (reconstruct y)', jepa: 'JEPA (predict sg(W̄y))' } as const;

export const BiasDemoChart = memo(function BiasDemoChart({ trace, lr, done }: { trace: ObjectiveTrace; lr: number; done: boolean }) {
  const rows = useMemo(
    () => trace.curve.step.map((s, k) => Object.fromEntries([['t', s * lr], ...trace.curve.gains.map((g, i) => [`f${i}`, g[k]])])) as Record<string, number>[],
    [trace, lr],
  );
  const first = trace.order[0];
  return (
    <figure
      className="chart bias-chart"
      role="figure"
      aria-label={`${trace.objective.toUpperCase()} feature gains`}
      data-objective={trace.objective}
      data-points={rows.length}
      data-steps={trace.steps}
      data-done={done}
      data-first={first === undefined ? '' : first + 1}
      data-critical-times={trace.criticalTimes.map((t) => (t === null ? '' : t)).join(',')}
    >
      <figcaption>
        {NAMES[trace.objective]}
        <span className="legend">
          {trace.finalGains.map((_, i) => (
            <LegendItem key={i} color={FEATURE_COLOURS[i % FEATURE_COLOURS.length]} name={`feature ${i + 1}`} />
          ))}
        </span>
      </figcaption>
      <div className="chart-body" style={{ height: 200 }}>
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={rows} margin={{ top: 14, right: 12, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--grid)" />
            <XAxis dataKey="t" type="number" domain={[0, 'dataMax']} tickFormatter={(v) => formatNumber(Number(v), 3)} stroke="var(--axis)" tick={{ fill: 'var(--axis)', fontSize: 11 }} />
            <YAxis domain={[0, 'auto']} width={44} tickFormatter={(v) => formatNumber(Number(v), 2)} stroke="var(--axis)" tick={{ fill: 'var(--axis)', fontSize: 11 }} />
            <Tooltip contentStyle={TOOLTIP_STYLE} formatter={(v) => formatNumber(Number(v), 4)} labelFormatter={(t) => `t = ${formatNumber(Number(t), 4)}`} isAnimationActive={false} />
            {trace.finalGains.map((_, i) => (
              <Line key={i} type="linear" dataKey={`f${i}`} name={`feature ${i + 1}`} stroke={FEATURE_COLOURS[i % FEATURE_COLOURS.length]} strokeWidth={2} dot={false} isAnimationActive={false} />
            ))}
            {trace.finalGains.map((g, i) => (
              <ReferenceLine key={`g${i}`} y={g} stroke={FEATURE_COLOURS[i % FEATURE_COLOURS.length]} strokeDasharray="1 3" ifOverflow="extendDomain" />
            ))}
            {trace.criticalTimes.map((t, i) =>
              t === null ? null : (
                <ReferenceLine
                  key={`t${i}`}
                  x={t}
                  stroke={FEATURE_COLOURS[i % FEATURE_COLOURS.length]}
                  strokeDasharray="4 3"
                  label={{ value: `t*${i + 1} = ${formatNumber(t, 3)}`, position: i % 2 ? 'insideBottomRight' : 'insideTopLeft', fontSize: 10, fill: FEATURE_COLOURS[i % FEATURE_COLOURS.length] }}
                />
              ),
            )}
          </LineChart>
        </ResponsiveContainer>
      </div>
      <p className="hint">
        {trace.steps.toLocaleString('en-US')} steps (t = {formatNumber(trace.steps * lr, 4)}){done ? '' : ', training…'}
      </p>
    </figure>
  );
});
