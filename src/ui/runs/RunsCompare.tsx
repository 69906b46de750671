// The picked runs overlaid: loss against step, probe top-1 against step (with each run's
// random-init floor), and a table of the best probe of each.
import { useMemo } from 'react';
import { bestTop1, percent } from '../../store/probe/state';
import { useRuns } from '../../store/runs/state';
import { Chart, type LineSpec } from '../ChartFrame';
import { AccuracyChart, type AccuracySeries } from '../probe/AccuracyChart';
import { downsampleIndices } from '../smoothing';
import type { RunRecord } from '../../worker/protocol';

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];
/** Points drawn per run in the overlay (the stored series can be up to 2001). */
const OVERLAY_POINTS = 300;

/** Rows keyed by step with one column per run (`r0`, `r1`, …), each run downsampled on its own. */
function mergeByStep(runs: RunRecord[], pick: (r: RunRecord) => { step: number; v: number }[]): Record<string, number>[] {
  const byStep = new Map<number, Record<string, number>>();
  runs.forEach((r, i) => {
    const pts = pick(r);
    for (const j of downsampleIndices(pts.length, OVERLAY_POINTS)) {
      const row = byStep.get(pts[j].step) ?? { step: pts[j].step };
      row[`r${i}`] = pts[j].v;
      byStep.set(pts[j].step, row);
    }
  });
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

export function RunsCompare() {
  const all = useRuns((s) => s.runs);
  const selected = useRuns((s) => s.selected);
  const runs = useMemo(() => all.filter((r) => selected.includes(r.runId)), [all, selected]);
  const lines = useMemo<LineSpec[]>(() => runs.map((r, i) => ({ key: `r${i}`, name: r.name, color: COLORS[i % COLORS.length], width: 1.5 })), [runs]);
  const lossRows = useMemo(() => mergeByStep(runs, (r) => r.series.map((p) => ({ step: p.step, v: p.loss }))), [runs]);
  const probeRows = useMemo(() => mergeByStep(runs, (r) => r.probes.map((p) => ({ step: p.step, v: p.top1 }))), [runs]);
  const probeSeries = useMemo<AccuracySeries[]>(() => lines.map((l) => ({ key: l.key, name: l.name, color: l.color })), [lines]);
  if (runs.length < 2) return <p className="info">Tick two or more runs to overlay their curves.</p>;
  return (
    <section className="runs-compare" aria-label="Run comparison" data-runs={runs.length}>
      <div className="chart-grid">
        <Chart title="Loss of the selected runs" rows={lossRows} lines={lines} legend />
        <AccuracyChart title="Probe top-1 of the selected runs" rows={probeRows} series={probeSeries} />
      </div>
      <table aria-label="Probe comparison">
        <thead>
          <tr>
            <th>Run</th>
            <th>Best top-1</th>
            <th>top-5</th>
            <th>Random init top-1</th>
            <th>Over the floor</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r, i) => {
            const b = bestTop1(r.probes);
            return (
              <tr key={r.runId}>
                <td style={{ color: COLORS[i % COLORS.length] }}>{r.name}</td>
                <td>{b ? `${percent(b.top1)} (step ${b.step})` : 'not probed'}</td>
                <td>{b ? percent(b.top5) : '–'}</td>
                <td>{b ? percent(b.randomInitTop1) : '–'}</td>
                <td>{b ? `${(100 * (b.top1 - b.randomInitTop1)).toFixed(1)} points` : '–'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
