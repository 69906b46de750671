// The probe's controls: which read-out (the mean-pooled linear probe, the attentive probe or
// DINO's k-NN classifier),
// Evaluate, its progress, "every N steps" (the linear and k-NN probes), and the latest numbers of each kind, each
// beside its random-init floor.
import { useId } from 'react';
import { PROBE_KINDS, type ProbeKind } from '../../engine/probeKind';
import { kindOf, percent, useProbe, useProbeKind } from '../../store/probe/state';
import { useLab } from '../../store/run/state';
import { QueuedNote } from '../Queued';
import { EveryStepsField } from '../EveryStepsField';
import { Field } from '../fields';
import { evaluate, setProbeEvery } from '../../store/probe/commands';
import { ProbeOn } from './ProbeOn';
import { ErrorAlert } from '../ErrorAlert';

function ProbeEveryField() {
  const value = useLab((s) => s.config.probeEvery);
  return <EveryStepsField label="Probe every N steps" hint="the linear and k-NN probes; 0 = only when you press Evaluate; applies while training" value={value} apply={setProbeEvery} />;
}

const KIND_LABEL: Record<ProbeKind, string> = { linear: 'Linear', attentive: 'Attentive', knn: 'k-NN' };

/** The read-out's description under the choice. */
const KIND_HINT: Record<ProbeKind, string> = {
  linear: 'mean-pooled patch outputs, logistic regression',
  attentive: 'a learned query cross-attends (4 heads) over the patch tokens, then LayerNorm and a linear classifier; 20 epochs, holds every train token in memory',
  knn: 'mean-pooled patch outputs, L2-normalised; the 20 most cosine-similar train images vote for their class with weight exp(sim / 0.07) (DINO); nothing is fitted',
};

/** Before the progress of an Evaluate of this kind (probeEvery's, linear and k-NN together, have none). */
const PROGRESS_PREFIX: Record<ProbeKind, string> = { linear: '', attentive: 'attentive, ', knn: 'k-NN, ' };

/** The latest result's accessible name per kind (the linear one's is the page's "Probe result"). */
const RESULT_LABEL: Record<ProbeKind, string> = { linear: 'Probe result', attentive: 'Attentive result', knn: 'k-NN result' };

function ProbeKindField() {
  const id = useId();
  const kind = useProbeKind((s) => s.kind);
  return (
    <Field label="Read-out" htmlFor={id} hint={KIND_HINT[kind]}>
      <select id={id} value={kind} onChange={(e) => useProbeKind.setState({ kind: e.target.value as ProbeKind })}>
        <option value="linear">linear (mean-pooled)</option>
        <option value="attentive">attentive (V-JEPA)</option>
        <option value="knn">k-NN (DINO, k = 20)</option>
      </select>
    </Field>
  );
}

function LatestResults() {
  const results = useProbe((s) => s.results);
  const latest = PROBE_KINDS.map((k) => results.filter((r) => kindOf(r) === k).at(-1)).filter((r) => r !== undefined);
  if (!latest.length) return <p className="info">No probe yet.</p>;
  return latest.map((r) => <LatestResult key={kindOf(r)} latest={r} />);
}

function LatestResult({ latest }: { latest: ReturnType<typeof useProbe.getState>['results'][number] }) {
  const kind = kindOf(latest);
  return (
    <p
      className="probe-result"
      aria-label={RESULT_LABEL[kind]}
      data-kind={kind}
      data-step={latest.step}
      data-top1={latest.top1}
      data-top5={latest.top5}
      data-random-init-top1={latest.randomInitTop1}
      data-random-init-top5={latest.randomInitTop5}
    >
      {KIND_LABEL[kind]}, step {latest.step}: <strong>top-1 {percent(latest.top1)}</strong> (random init {percent(latest.randomInitTop1)}) · top-5 {percent(latest.top5)} (random init{' '}
      {percent(latest.randomInitTop5)}) · {latest.testCount} test images, {kind === 'knn' ? 'neighbours from' : 'probe fitted on'} {latest.trainCount}
      {Number.isFinite(latest.ms) ? ` · ${(latest.ms / 1000).toFixed(1)} s` : ' · from the run’s probes.jsonl'}
      {latest.floorCached ? ' (floor cached)' : ''}
    </p>
  );
}

export function ProbePanel() {
  const hasRun = useLab((s) => Boolean(s.run));
  const busy = useLab((s) => Boolean(s.busy));
  const progress = useProbe((s) => s.progress);
  const hasResult = useProbe((s) => s.results.length > 0);
  const error = useProbe((s) => s.error);
  const value = progress ? progress.done : hasResult ? 1 : 0;
  return (
    <fieldset className="probe-panel">
      <legend>Linear probe</legend>
      <p className="hint">
        Frozen target encoder (MAE: its context encoder), read out by the probe chosen, trained on the train split; accuracy on the test split. The
        floor is the same probe on this run's encoder at random init.
      </p>
      <ProbeOn />
      <ProbeKindField />
      <div className="button-row">
        <button type="button" onClick={() => void evaluate()} disabled={(!hasRun && !busy) || Boolean(progress)}>
          Evaluate
        </button>
        <QueuedNote label="Evaluate" />
        <progress aria-label="Probe progress" max={1} value={value} />
        <span className="hint">
          {progress ? `${PROGRESS_PREFIX[progress.kind ?? 'linear']}${progress.phase === 'trained' ? 'trained encoder' : 'random-init encoder'} ${Math.round(100 * progress.done)} %` : ''}
        </span>
      </div>
      <ProbeEveryField />
      <LatestResults />
      <ErrorAlert error={error} />
    </fieldset>
  );
}
