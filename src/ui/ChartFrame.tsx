// A titled chart panel with λ/β change marks; every chart draws through this.
import { memo, useState, type ReactNode } from 'react';
import type { BaseTickContentProps } from 'recharts/types/util/types';
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { HyperMark } from '../store/run/state';
import { formatNumber } from './format';

export interface LineSpec {
  key: string;
  name: string;
  color: string;
  width?: number;
  opacity?: number;
  axis?: 'left' | 'right';
}

type TickProps = Pick<BaseTickContentProps, 'x' | 'y' | 'payload' | 'textAnchor' | 'verticalAnchor'>;

/**
 * Plain SVG tick labels. recharts' own <Text> measures every new label string in the DOM
 * (getBoundingClientRect, a forced layout); axis labels here never need wrapping.
 */
function makeTick(digits: number) {
  return function Tick({ x, y, payload, textAnchor, verticalAnchor }: TickProps) {
    const dy = verticalAnchor === 'start' ? '0.71em' : verticalAnchor === 'middle' ? '0.32em' : 0;
    return (
      <text x={x} y={y} dy={dy} textAnchor={textAnchor} fontSize={11} fill="var(--axis)">
        {formatNumber(Number(payload.value), digits)}
      </text>
    );
  };
}
const StepTick = makeTick(6);
const ValueTick3 = makeTick(3);
const ValueTick4 = makeTick(4);

/** The tooltip's box in the page's colours (both themes). */
export const TOOLTIP_STYLE = { background: 'var(--tooltip-bg)', borderColor: 'var(--border)', color: 'var(--fg)' } as const;

/** A legend entry: a swatch of the line's colour (a solid square, or a dashed line for a reference) and its name in the text colour. */
export function LegendItem({ color, name, dashed }: { color: string; name: string; dashed?: boolean }) {
  return (
    <span>
      <span className={dashed ? 'swatch swatch-dashed' : 'swatch'} style={dashed ? { borderColor: color } : { background: color }} aria-hidden="true" />
      {name}
    </span>
  );
}

export function markLabel(m: HyperMark): string {
  const sym = { lambda: 'λ', beta: 'β', lr: 'lr' } as const;
  return m.changed.map((k) => `${sym[k]}=${formatNumber(m[k], 3)}`).join(' ');
}

export const Chart = memo(function Chart({
  title,
  rows,
  lines,
  marks,
  logScale,
  height,
  rightAxis,
  legend,
  figureRef,
  yDomain,
  leftDigits = 3,
  children,
}: {
  title: string;
  rows: Record<string, number>[] | { step: number }[];
  lines: LineSpec[];
  marks?: HyperMark[];
  logScale?: boolean;
  height?: number;
  rightAxis?: boolean;
  legend?: boolean;
  figureRef?: (el: Element | null) => void;
  yDomain?: [number, number];
  /** Significant digits of the left axis labels. */
  leftDigits?: 3 | 4;
  children?: ReactNode;
}) {
  // The tooltip costs a lot on every redraw, so it exists only while the pointer is over the chart.
  const [hover, setHover] = useState(false);
  return (
    <figure
      className="chart"
      role="figure"
      data-points={rows.length}
      data-marks={marks?.length ?? 0}
      ref={figureRef}
      onMouseEnter={() => setHover(true)}
      onMouseLeave={() => setHover(false)}
    >
      <figcaption>
        {title}
        {legend ? (
          <span className="legend">
            {lines.map((l) => (
              <LegendItem key={l.key} color={l.color} name={l.name} />
            ))}
          </span>
        ) : null}
      </figcaption>
      {/* Mounted even before there is data, so a run's first redraw only updates it. */}
      <div className="chart-body" style={height ? { height } : undefined}>
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={rows} margin={{ top: 14, right: rightAxis ? 4 : 12, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--grid)" />
            <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} allowDecimals={false} interval={0} tick={StepTick} stroke="var(--axis)" />
            <YAxis
              yAxisId="left"
              scale={logScale ? 'log' : 'auto'}
              domain={yDomain ?? ['auto', 'auto']}
              allowDataOverflow={Boolean(logScale)}
              interval={0}
              width={leftDigits === 4 ? 68 : 58}
              stroke="var(--axis)"
              tick={leftDigits === 4 ? ValueTick4 : ValueTick3}
            />
            {rightAxis ? (
              <YAxis yAxisId="right" orientation="right" domain={['auto', 'auto']} interval={0} width={58} tick={ValueTick4} stroke="var(--axis)" />
            ) : null}
            {hover ? <Tooltip contentStyle={TOOLTIP_STYLE} formatter={(v) => formatNumber(Number(v), 5)} labelFormatter={(s) => `step ${s}`} isAnimationActive={false} /> : null}
            {lines.map((l) => (
              <Line
                key={l.key}
                yAxisId={l.axis ?? 'left'}
                type="linear"
                dataKey={l.key}
                name={l.name}
                stroke={l.color}
                strokeWidth={l.width ?? 1.5}
                strokeOpacity={l.opacity ?? 1}
                dot={false}
                isAnimationActive={false}
                connectNulls
              />
            ))}
            {(marks ?? []).map((m) => (
              <ReferenceLine
                key={m.step}
                yAxisId="left"
                x={m.step}
                stroke="var(--mark)"
                strokeDasharray="4 3"
                label={{ value: markLabel(m), position: 'insideTopLeft', fontSize: 10, fill: 'var(--mark-label)' }}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
        {rows.length ? null : <div className="chart-empty">no data yet</div>}
      </div>
      {children}
    </figure>
  );
});
