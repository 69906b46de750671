// A line chart drawn as plain SVG from layout.ts: grid, step axis, a value axis on the left (and
// one on the right when a line asks for it), the lines, dashed marks with their labels, and a
// readout of the nearest step under the pointer. It fills its parent's box (.chart-body).
import { useId, useMemo, useState, type PointerEvent } from 'react';
import { formatNumber } from '../format';
import { chartLayout, nearestRow, type Axis, type ChartLayout, type ChartRow, type Margins } from './layout';
import { useBoxSize } from './useBoxSize';

export interface DrawnLine {
  key: string;
  name: string;
  color: string;
  width?: number;
  opacity?: number;
  axis?: 'left' | 'right';
  /** SVG dash pattern of the line. */
  dash?: string;
  /** A dot at each point (for series of few points, such as probes). */
  dots?: boolean;
}

/** A horizontal reference line on the left axis (a floor, chance). */
export interface DrawnLevel {
  y: number;
  color: string;
}

export interface DrawnMark {
  step: number;
  label: string;
}

const TICK = 6;
const FONT = 11;
/** Room for the step labels under the plot, and for the marks' labels above it. */
const BOTTOM = 24;
const TOP = 14;

interface Props {
  rows: readonly ChartRow[];
  lines: readonly DrawnLine[];
  marks: readonly DrawnMark[];
  logScale: boolean;
  yDomain?: readonly [number, number];
  /** Width of the left (and, when a line is drawn on it, right) value axis, px. */
  axisWidth: number;
  levels?: readonly DrawnLevel[];
  /** Left axis labels, and the readout's values (default: 5 significant digits). */
  formatLeft: (v: number) => string;
  formatValue?: (v: number) => string;
}

export function LineChartSvg({ rows, lines, marks, logScale, yDomain, axisWidth, levels = [], formatLeft, formatValue }: Props) {
  const { width, height, ref } = useBoxSize();
  const clipId = useId();
  const [hover, setHover] = useState(-1);
  const layout = useMemo<ChartLayout | null>(() => {
    if (width < 10 || height < 10) return null;
    const rightAxis = lines.some((l) => l.axis === 'right');
    const margin: Margins = { top: TOP, right: rightAxis ? axisWidth + 4 : 12, bottom: BOTTOM, left: axisWidth };
    return chartLayout({ rows, lines, width, height, margin, logScale, yDomain });
  }, [rows, lines, width, height, logScale, yDomain, axisWidth]);
  const shown = hover >= 0 && hover < rows.length ? hover : -1;

  const onMove = (e: PointerEvent<SVGSVGElement>) => {
    if (!layout) return;
    const px = e.clientX - e.currentTarget.getBoundingClientRect().left;
    setHover(nearestRow(rows, layout, px));
  };

  return (
    <div className="line-chart" ref={ref}>
      {layout ? (
        <svg width={width} height={height} aria-hidden="true" onPointerMove={onMove} onPointerLeave={() => setHover(-1)}>
          <defs>
            <clipPath id={clipId}>
              <rect x={layout.plot.x} y={layout.plot.y} width={layout.plot.width} height={layout.plot.height} />
            </clipPath>
          </defs>
          <Grid layout={layout} />
          <StepAxis axis={layout.x} y={layout.plot.y + layout.plot.height} />
          <ValueAxis axis={layout.left} x={layout.plot.x} side="left" format={formatLeft} />
          {layout.right ? <ValueAxis axis={layout.right} x={layout.plot.x + layout.plot.width} side="right" format={(v) => formatNumber(v, 4)} /> : null}
          <g clipPath={`url(#${clipId})`} fill="none">
            {lines.map((l, i) =>
              layout.paths[i] ? (
                <path key={l.key} className="chart-line" d={layout.paths[i]} stroke={l.color} strokeWidth={l.width ?? 1.5} strokeOpacity={l.opacity ?? 1} strokeDasharray={l.dash} />
              ) : null,
            )}
            {levels.map((v) => (
              <line key={`${v.y}-${v.color}`} className="chart-level" x1={layout.plot.x} x2={layout.plot.x + layout.plot.width} y1={layout.left.scale(v.y)} y2={layout.left.scale(v.y)} stroke={v.color} strokeDasharray="4 3" />
            ))}
          </g>
          {lines.map((l) => (l.dots ? <Dots key={l.key} layout={layout} rows={rows} line={l} /> : null))}
          {marks.map((m) => {
            const x = layout.x.scale(m.step);
            if (x < layout.plot.x - 0.5 || x > layout.plot.x + layout.plot.width + 0.5) return null;
            return (
              <g key={m.step} className="chart-mark">
                <line x1={x} x2={x} y1={layout.plot.y} y2={layout.plot.y + layout.plot.height} stroke="var(--mark)" strokeDasharray="4 3" />
                <text x={x + 3} y={layout.plot.y + 10} fontSize={10} fill="var(--mark-label)">
                  {m.label}
                </text>
              </g>
            );
          })}
          {shown >= 0 ? <HoverLine layout={layout} row={rows[shown]} lines={lines} /> : null}
        </svg>
      ) : null}
      {layout && shown >= 0 ? <Readout layout={layout} row={rows[shown]} lines={lines} width={width} format={formatValue ?? ((v) => formatNumber(v, 5))} /> : null}
    </div>
  );
}

function Grid({ layout }: { layout: ChartLayout }) {
  const { plot, x, left } = layout;
  return (
    <g stroke="var(--grid)" strokeDasharray="3 3">
      {left.ticks.map((t) => (
        <line key={`h${t}`} x1={plot.x} x2={plot.x + plot.width} y1={left.scale(t)} y2={left.scale(t)} />
      ))}
      {x.ticks.map((t) => (
        <line key={`v${t}`} x1={x.scale(t)} x2={x.scale(t)} y1={plot.y} y2={plot.y + plot.height} />
      ))}
    </g>
  );
}

function StepAxis({ axis, y }: { axis: Axis; y: number }) {
  const [x0, x1] = axis.scale.range();
  return (
    <g stroke="var(--axis)">
      <line x1={x0} x2={x1} y1={y} y2={y} />
      {axis.ticks.map((t) => (
        <g key={t} transform={`translate(${axis.scale(t)},${y})`}>
          <line y2={TICK} />
          <text y={TICK + 2} dy="0.71em" textAnchor="middle" fontSize={FONT} fill="var(--axis)" stroke="none">
            {formatNumber(t, 6)}
          </text>
        </g>
      ))}
    </g>
  );
}

function ValueAxis({ axis, x, side, format }: { axis: Axis; x: number; side: 'left' | 'right'; format: (v: number) => string }) {
  const [y0, y1] = axis.scale.range();
  const dir = side === 'left' ? -1 : 1;
  return (
    <g stroke="var(--axis)">
      <line x1={x} x2={x} y1={y0} y2={y1} />
      {axis.ticks.map((t) => (
        <g key={t} transform={`translate(${x},${axis.scale(t)})`}>
          <line x2={dir * TICK} />
          <text x={dir * (TICK + 2)} dy="0.32em" textAnchor={side === 'left' ? 'end' : 'start'} fontSize={FONT} fill="var(--axis)" stroke="none">
            {format(t)}
          </text>
        </g>
      ))}
    </g>
  );
}

/** A dot at each of a line's points. */
function Dots({ layout, rows, line: l }: { layout: ChartLayout; rows: readonly ChartRow[]; line: DrawnLine }) {
  const y = l.axis === 'right' && layout.right ? layout.right.scale : layout.left.scale;
  return (
    <g className="chart-dots" fill={l.color}>
      {rows.map((r) => (Number.isFinite(r[l.key]) ? <circle key={r.step} cx={layout.x.scale(r.step)} cy={y(r[l.key])} r={3} /> : null))}
    </g>
  );
}

/** The pointer's step: a vertical line and a dot on each line that has a value there. */
function HoverLine({ layout, row, lines }: { layout: ChartLayout; row: ChartRow; lines: readonly DrawnLine[] }) {
  const x = layout.x.scale(row.step);
  return (
    <g className="chart-hover" pointerEvents="none">
      <line x1={x} x2={x} y1={layout.plot.y} y2={layout.plot.y + layout.plot.height} stroke="var(--axis)" strokeOpacity={0.5} />
      {lines.map((l) => {
        const v = row[l.key];
        if (!Number.isFinite(v)) return null;
        const scale = l.axis === 'right' && layout.right ? layout.right.scale : layout.left.scale;
        return <circle key={l.key} cx={x} cy={scale(v)} r={3} fill={l.color} />;
      })}
    </g>
  );
}

function Readout({ layout, row, lines, width, format }: { layout: ChartLayout; row: ChartRow; lines: readonly DrawnLine[]; width: number; format: (v: number) => string }) {
  const x = layout.x.scale(row.step);
  // On the side of the step line with more room.
  const place = x > width / 2 ? { right: width - x + 8 } : { left: x + 8 };
  return (
    <div className="chart-readout" role="presentation" style={{ ...place, top: layout.plot.y }}>
      <div>step {row.step}</div>
      {lines.map((l) =>
        Number.isFinite(row[l.key]) ? (
          <div key={l.key}>
            <span className="swatch" style={{ background: l.color }} aria-hidden="true" />
            {l.name}: {format(row[l.key])}
          </div>
        ) : null,
      )}
    </div>
  );
}
