// The probe's controls: Evaluate, its progress, "every N steps", and the latest numbers.
import { useEffect, useId, useState } from 'react';
import { percent, useProbe } from '../../store/probeStore';
import { useLab } from '../../store/runStore';
import { QueuedNote } from '../Queued';
import { Field } from '../fields';
import { evaluate, setProbeEvery } from './probeActions';
import { ProbeOn } from './ProbeOn';

function ProbeEveryField() {
  const id = useId();
  const value = useLab((s) => s.config.probeEvery);
  const [text, setText] = useState(String(value));
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setText((t) => (Number(t) === value ? t : String(value))), [value]);
  return (
    <Field label="Probe every N steps" htmlFor={id} error={error} hint="0 = only when you press Evaluate; applies while training">
      <input
        id={id}
        type="number"
        min={0}
        step={1}
        value={text}
        aria-invalid={Boolean(error)}
        onChange={(e) => {
          setText(e.target.value);
          const n = e.target.value.trim() === '' ? NaN : Number(e.target.value);
          if (!Number.isInteger(n) || n < 0) {
            setError('expected a whole number ≥ 0');
            return;
          }
          void setProbeEvery(n).then(setError);
        }}
      />
    </Field>
  );
}

function LatestResult() {
  const latest = useProbe((s) => s.results[s.results.length - 1]);
  if (!latest) return <p className="info">No probe yet.</p>;
  return (
    <p
      className="probe-result"
      aria-label="Probe result"
      data-step={latest.step}
      data-top1={latest.top1}
      data-top5={latest.top5}
      data-random-init-top1={latest.randomInitTop1}
      data-random-init-top5={latest.randomInitTop5}
    >
      Step {latest.step}: <strong>top-1 {percent(latest.top1)}</strong> (random init {percent(latest.randomInitTop1)}) · top-5 {percent(latest.top5)} (random init{' '}
      {percent(latest.randomInitTop5)}) · {latest.testCount} test images, probe fitted on {latest.trainCount}
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
        Frozen target encoder, mean-pooled patch outputs, logistic regression on the train split; accuracy on the test split. The floor is the same
        probe on this run's encoder at random init.
      </p>
      <ProbeOn />
      <div className="button-row">
        <button type="button" onClick={() => void evaluate()} disabled={(!hasRun && !busy) || Boolean(progress)}>
          Evaluate
        </button>
        <QueuedNote label="Evaluate" />
        <progress aria-label="Probe progress" max={1} value={value} />
        <span className="hint">{progress ? `${progress.phase === 'trained' ? 'trained encoder' : 'random-init encoder'} ${Math.round(100 * progress.done)} %` : ''}</span>
      </div>
      <ProbeEveryField />
      <LatestResult />
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
