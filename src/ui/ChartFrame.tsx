// A titled chart panel with λ/β change marks: the training charts and the Runs comparison draw through this.
import { memo, useMemo, type ReactNode } from 'react';
import type { HyperMark } from '../store/run/state';
import { formatNumber } from './format';
import type { ChartRow } from './lineChart/layout';
import { LineChartSvg, type DrawnLine } from './lineChart/LineChartSvg';

/** One drawn line: its row key, legend name, colour, width, opacity and axis. */
export type LineSpec = DrawnLine;

const LEFT3 = (v: number) => formatNumber(v, 3);
const LEFT4 = (v: number) => formatNumber(v, 4);

/** The tooltip's box in the page's colours (both themes): recharts' (the bias demo); lineChart's readout takes them from styles.css. */
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
  legend?: boolean;
  figureRef?: (el: Element | null) => void;
  yDomain?: [number, number];
  /** Significant digits of the left axis labels. */
  leftDigits?: 3 | 4;
  children?: ReactNode;
}) {
  const drawnMarks = useMemo(() => (marks ?? []).map((m) => ({ step: m.step, label: markLabel(m) })), [marks]);
  return (
    <figure
      className="chart"
      role="figure"
      data-points={rows.length}
      data-marks={marks?.length ?? 0}
      ref={figureRef}
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
        <LineChartSvg
          rows={rows as ChartRow[]}
          lines={lines}
          marks={drawnMarks}
          logScale={Boolean(logScale)}
          yDomain={yDomain}
          axisWidth={leftDigits === 4 ? 68 : 58}
          formatLeft={leftDigits === 4 ? LEFT4 : LEFT3}
        />
        {rows.length ? null : <div className="chart-empty">no data yet</div>}
      </div>
      {children}
    </figure>
  );
});
