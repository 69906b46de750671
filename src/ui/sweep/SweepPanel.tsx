// The Sweep panel: λ, β, seeds and modes over the form's other settings; Run sweep trains the
// planned runs one after another (store/sweep/commands.ts), each a run of the Runs table; progress,
// Cancel, the rows of the finished runs, and the plot `npm run sweep` writes, drawn from them.
import { useEffect, useId, useMemo } from 'react';
import { configHash, finishedRuns, planSweep, type SweepMode, type SweepRow, type SweepRun } from '../../engine/sweep';
import { percent } from '../../store/probe/state';
import { describeSubset } from '../../store/run/rules';
import { runColour } from '../../store/runs/rules';
import { useLab } from '../../store/run/state';
import { cancelSweep, downloadSweepCsv, downloadSweepJsonl, downloadSweepSvg, loadSweep, startSweep, sweepPlot } from '../../store/sweep/commands';
import { planFromForm, SWEEP_FIELD_LABELS, SWEEP_MODES, type SweepErrors, type SweepRecord } from '../../store/sweep/rules';
import { setSweepForm, useSweep } from '../../store/sweep/state';
import { Field } from '../fields';
import { formatNumber } from '../format';
import { ErrorAlert } from '../ErrorAlert';
import { LegendItem } from '../ChartFrame';

const MODE_NAMES: Record<SweepMode, string> = { jepa: 'JEPA', sparse: 'SparseJEPA', mae: 'MAE' };

function ListField({ field, disabled, hint, errors }: { field: 'lambda' | 'beta' | 'seeds'; disabled: boolean; hint: string; errors: SweepErrors }) {
  const id = useId();
  const value = useSweep((s) => s.form[field]);
  const error = errors[field] ?? null;
  return (
    <Field label={SWEEP_FIELD_LABELS[field]} htmlFor={id} error={error} hint={hint}>
      <input id={id} type="text" value={value} disabled={disabled} aria-invalid={Boolean(error)} onChange={(e) => setSweepForm({ [field]: e.target.value })} />
    </Field>
  );
}

function ModeBoxes({ disabled, error }: { disabled: boolean; error: string | undefined }) {
  const modes = useSweep((s) => s.form.modes);
  return (
    <div className={`field${error ? ' field-error' : ''}`} role="group" aria-label={SWEEP_FIELD_LABELS.modes}>
      <span>{SWEEP_FIELD_LABELS.modes}</span>
      <span className="sweep-modes">
        {SWEEP_MODES.map((m) => (
          <label key={m} className="field-check">
            <input
              type="checkbox"
              checked={modes.includes(m)}
              disabled={disabled}
              onChange={(e) => setSweepForm({ modes: e.target.checked ? [...modes, m] : modes.filter((x) => x !== m) })}
            />
            {MODE_NAMES[m]}
          </label>
        ))}
      </span>
      {error ? <small className="error">{error}</small> : null}
    </div>
  );
}

/** Where the sweep stands: run i of N, the run's step, or what it does between runs. */
function Progress({ rec }: { rec: SweepRecord }) {
  const phase = useSweep((s) => s.phase);
  const elsewhere = useSweep((s) => s.elsewhere);
  useLab((s) => s.version);
  const step = useLab((s) => s.metrics.at(-1)?.step ?? 0);
  const runId = useLab((s) => s.run?.runId);
  const runState = useLab((s) => s.runState);
  const total = useMemo(() => planSweep(rec.spec).length, [rec.spec]);
  if (rec.status !== 'running') return null;
  if (elsewhere) return <p className="info">This sweep is running in another tab of this browser, which trains its runs; it shows its progress there.</p>;
  if (!phase) return <p className="info">Waiting for the page to be ready…</p>;
  const ours = rec.current?.key === phase.key && rec.current.runId === runId;
  const steps = rec.spec.base.steps;
  const what =
    phase.what === 'opening'
      ? 'opening the run'
      : phase.what === 'training'
        ? ours
          ? `step ${step} of ${steps}${runState === 'paused' ? ' — paused: press Start to go on (or Cancel sweep)' : ''}`
          : 'starting'
        : phase.what === 'probing'
          ? 'linear and k-NN probes at its end (and their random-init floors)'
          : 'reading its last losses, zero share and multi-information';
  return (
    <p className="info" aria-label="Sweep progress" data-run-index={phase.index + 1} data-runs={total} data-key={phase.key} data-step={ours ? step : ''}>
      Run {phase.index + 1} of {total}: {phase.key} — {what}
    </p>
  );
}

function runState(run: SweepRun, rec: SweepRecord | null, row: SweepRow | undefined): string {
  if (row) return 'finished';
  if (!rec) return 'planned';
  const current = rec.current?.key === run.key && rec.current.configHash === configHash(run.config);
  if (rec.status === 'running') return current ? 'training' : 'queued';
  return current ? 'stopped (a saved run)' : 'not trained';
}

/** Every planned run: finished ones with their numbers (the row), the others with where they stand. */
function RunsOfSweep({ plan, rec }: { plan: SweepRun[]; rec: SweepRecord | null }) {
  const rows = finishedRuns(plan, rec?.rows ?? []);
  return (
    <table className="sweep-table" aria-label="Sweep rows">
      <thead>
        <tr>
          <th>run</th>
          <th>state</th>
          <th>probe top-1 (end)</th>
          <th>floor</th>
          <th>best (step)</th>
          <th>k-NN top-1 (end)</th>
          <th>k-NN floor</th>
          <th>multi-information (nats)</th>
          <th>pred loss</th>
          <th>zero share</th>
        </tr>
      </thead>
      <tbody>
        {plan.map((run) => {
          const row = rows.get(run.key);
          const state = runState(run, rec, row);
          // A run trained (or training) has a run id: its colour is the one the Runs view gives it.
          const runId = rec?.runIds[run.key];
          return (
            <tr key={run.key} data-key={run.key} data-state={state} data-top1={row?.top1 ?? ''} data-knn-top1={row?.knnTop1 ?? ''} data-total-correlation={row?.totalCorrelation ?? ''}>
              <td>{runId ? <LegendItem color={runColour(runId)} name={run.key} /> : run.key}</td>
              <td>{state}</td>
              <td>{row ? percent(row.top1) : '–'}</td>
              <td>{row ? percent(row.floorTop1) : '–'}</td>
              <td>{row ? `${percent(row.bestTop1)} (${row.bestStep})` : '–'}</td>
              <td>{row?.knnTop1 !== undefined ? percent(row.knnTop1) : '–'}</td>
              <td>{row?.floorKnnTop1 !== undefined ? percent(row.floorKnnTop1) : '–'}</td>
              <td>{typeof row?.totalCorrelation === 'number' ? formatNumber(row.totalCorrelation) : '–'}</td>
              <td>{row ? formatNumber(row.predLoss) : '–'}</td>
              <td>{row && row.zeroShare !== null ? percent(row.zeroShare) : '–'}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** The plot of the finished runs, the same SVG `npm run sweep` writes, as inline markup. */
function Plot({ rec }: { rec: SweepRecord }) {
  const svg = useMemo(() => sweepPlot(rec), [rec]);
  if (!rec.rows.length) return <p className="info">The plot appears when the first run has finished.</p>;
  // The markup is built by io/sweepSvg.ts from numbers and escaped labels only.
  return <div className="sweep-plot" role="img" aria-label="Sweep plot" data-rows={rec.rows.length} dangerouslySetInnerHTML={{ __html: svg }} />;
}

export function SweepPanel() {
  useEffect(() => {
    void loadSweep();
  }, []);
  const form = useSweep((s) => s.form);
  const rec = useSweep((s) => s.sweep);
  const error = useSweep((s) => s.error);
  const elsewhere = useSweep((s) => s.elsewhere);
  const persistent = useSweep((s) => s.persistent);
  const config = useLab((s) => s.config);
  const hasWorker = useLab((s) => s.workerStatus === 'ready');
  const running = rec?.status === 'running';
  const planned = useMemo(() => planFromForm(form, config), [form, config]);
  const errors: SweepErrors = planned.ok ? {} : planned.errors;
  const recPlan = useMemo(() => (rec ? planSweep(rec.spec) : []), [rec?.spec]);
  // While a sweep runs, its own plan; else the plan the form would start (rows of the last sweep it would reuse shown as finished).
  const plan = running ? recPlan : planned.ok ? planned.plan : recPlan;
  const base = running && rec ? rec.spec.base : config;
  const subset = describeSubset(base.subset);
  const sparse = form.modes.includes('sparse');
  return (
    <section className="sweep" aria-label="Sweep">
      <h2>Sweep</h2>
      <p className="hint">
        Does sparsity help? The baselines and every SparseJEPA λ × β, trained from the same seeds (same images, augmentations and masks) one after another,
        each a run of the Runs table, probed at its end beside its random-init floor (and every “Probe every N steps”, as <code>npm run sweep</code> does). The
        other settings are the form’s: {base.preset}, {base.steps} steps, batch {base.batchSize}, {base.dataset}
        {subset ? ` (${subset})` : ''}
        {base.proximal ? ', proximal' : ''}
        {base.probeEvery ? `, probe every ${base.probeEvery}` : ''}. {persistent ? 'Kept in this browser: a reload goes on where it was.' : ''}
      </p>
      <div className="sweep-form">
        <ModeBoxes disabled={running} error={errors.modes} />
        <ListField field="lambda" disabled={running || !sparse} hint="SparseJEPA's group-lasso weights, e.g. 0,0.1,1" errors={errors} />
        <ListField field="beta" disabled={running || !sparse} hint="KL weights, e.g. 0.01" errors={errors} />
        <ListField field="seeds" disabled={running} hint="whole numbers, e.g. 0,1,2" errors={errors} />
      </div>
      {!running && errors.plan ? (
        <p className="error" aria-label="Sweep plan error">
          {errors.plan}
        </p>
      ) : null}
      <div className="button-row">
        <button type="button" onClick={() => void startSweep()} disabled={running || !planned.ok || !hasWorker || elsewhere}>
          Run sweep{planned.ok && !running ? ` (${planned.plan.length} run${planned.plan.length === 1 ? '' : 's'})` : ''}
        </button>
        <button type="button" onClick={() => void cancelSweep()} disabled={!running || elsewhere}>
          Cancel sweep
        </button>
        <button type="button" onClick={downloadSweepJsonl} disabled={!rec?.rows.length}>
          Download sweep.jsonl
        </button>
        <button type="button" onClick={downloadSweepCsv} disabled={!rec?.rows.length}>
          Download sweep.csv
        </button>
        <button type="button" onClick={downloadSweepSvg} disabled={!rec?.rows.length}>
          Save SVG
        </button>
      </div>
      {rec ? <Progress rec={rec} /> : null}
      {rec?.message ? (
        <p className={rec.status === 'stopped' ? 'error' : 'info'} aria-label="Sweep message" data-status={rec.status}>
          {rec.message}
        </p>
      ) : null}
      <ErrorAlert error={error} label="Sweep problem" />
      {plan.length ? <RunsOfSweep plan={plan} rec={rec} /> : null}
      {rec ? <Plot rec={rec} /> : null}
    </section>
  );
}
