// The picked runs compared: their curves of any metric overlaid (a picker: the losses, the
// gradient norm, probe top-1/top-5), probe top-1 against step (with each run's random-init
// floor), the config fields in which they differ, and a table of the best probe of each. Each run
// has its colour (runColour) here and in every other view. Below, runs grouped by setting
// (RunsBySetting). The comparisons are pure functions (src/store/runs/rules.ts).
import { useMemo, useState } from 'react';
import { bestTop1, percent } from '../../store/probe/state';
import { availableMetrics, COMPARE_METRICS, configDiff, configValueText, metricSeries, runColour, type CompareMetric } from '../../store/runs/rules';
import { useRuns } from '../../store/runs/state';
import { Chart, type LineSpec } from '../ChartFrame';
import { AccuracyChart, type AccuracySeries } from '../probe/AccuracyChart';
import { downsampleIndices } from '../smoothing';
import type { RunRecord } from '../../worker/protocol';
import { RunName } from './RunName';
import { RunsBySetting } from './RunsGroups';
import './runs.css';

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

/** The ticked runs' curves of the metric picked, one line per run that has it. */
function MetricOverlay({ runs, lines }: { runs: RunRecord[]; lines: LineSpec[] }) {
  const [picked, setPicked] = useState<CompareMetric>('loss');
  const metrics = useMemo(() => availableMetrics(runs), [runs]);
  const metric = metrics.includes(picked) ? picked : 'loss';
  const rows = useMemo(() => mergeByStep(runs, (r) => metricSeries(r, metric)), [runs, metric]);
  const drawn = useMemo(() => lines.filter((_, i) => metricSeries(runs[i], metric).length > 0), [runs, lines, metric]);
  const { label, source } = COMPARE_METRICS[metric];
  const title = `${label} of the selected runs`;
  return (
    <div className="runs-overlay" role="group" aria-label="Overlaid curves" data-metric={metric} data-series={drawn.length}>
      <label className="field-inline">
        Metric{' '}
        <select aria-label="Overlay metric" value={metric} onChange={(e) => setPicked(e.target.value as CompareMetric)}>
          {metrics.map((m) => (
            <option key={m} value={m}>
              {COMPARE_METRICS[m].label}
            </option>
          ))}
        </select>
      </label>
      {source === 'probe' ? (
        <AccuracyChart title={title} rows={rows} series={drawn.map((l) => ({ key: l.key, name: l.name, color: l.color }))} />
      ) : (
        <Chart title={title} rows={rows} lines={drawn} legend />
      )}
      {drawn.length < runs.length ? <p className="hint">{runs.length - drawn.length} of the ticked runs have no {label.toLowerCase()} kept.</p> : null}
    </div>
  );
}

/** The config fields in which the ticked runs differ; nothing else. */
function ConfigDiffTable({ runs }: { runs: RunRecord[] }) {
  const diff = useMemo(() => configDiff(runs.map((r) => r.config)), [runs]);
  if (!diff.length) return <p className="info" aria-label="Config differences" data-fields="">The ticked runs have the same config.</p>;
  return (
    <table aria-label="Config differences" data-fields={diff.map((d) => d.field).join(',')}>
      <caption>Config: only the fields that differ</caption>
      <thead>
        <tr>
          <th>Field</th>
          {runs.map((r) => (
            <th key={r.runId}>
              <RunName r={r} />
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {diff.map((d) => (
          <tr key={d.field} data-field={d.field}>
            <th scope="row">{d.field}</th>
            {d.values.map((v, i) => (
              <td key={runs[i].runId}>{configValueText(v)}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function RunsCompare() {
  const all = useRuns((s) => s.runs);
  const selected = useRuns((s) => s.selected);
  const runs = useMemo(() => all.filter((r) => selected.includes(r.runId)), [all, selected]);
  const lines = useMemo<LineSpec[]>(() => runs.map((r, i) => ({ key: `r${i}`, name: r.name, color: runColour(r.runId), width: 1.5 })), [runs]);
  const probeRows = useMemo(() => mergeByStep(runs, (r) => metricSeries(r, 'top1')), [runs]);
  const probeSeries = useMemo<AccuracySeries[]>(() => lines.map((l) => ({ key: l.key, name: l.name, color: l.color })), [lines]);
  return (
    <>
      {runs.length < 2 ? (
        <p className="info">Tick two or more runs to overlay their curves.</p>
      ) : (
        <section className="runs-compare" aria-label="Run comparison" data-runs={runs.length}>
          <div className="chart-grid">
            <MetricOverlay runs={runs} lines={lines} />
            <AccuracyChart title="Probe top-1 of the selected runs" rows={probeRows} series={probeSeries} />
          </div>
          <ConfigDiffTable runs={runs} />
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
              {runs.map((r) => {
                const b = bestTop1(r.probes);
                return (
                  <tr key={r.runId}>
                    <td>
                      <RunName r={r} />
                    </td>
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
      )}
      <RunsBySetting ticked={runs} />
    </>
  );
}
