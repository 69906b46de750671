// The status line (role="status"): step, epoch, images/s, backend, tensors and bytes in use;
// below it, what the lab is waiting for (store/activity/rules.ts): each long work with a
// <progress> — its fraction where the worker reports one, indeterminate where only "busy" is
// known — and a keyboard shortcut refused, in words.
import { useMemo } from 'react';
import { activities, type ActivityFacts } from '../store/activity/rules';
import { useProbe } from '../store/probe/state';
import { useLab } from '../store/run/state';
import { useShortcuts } from '../store/shortcuts/state';
import { useSweep } from '../store/sweep/state';
import { useTransfer } from '../store/transfer/state';
import { BACKEND_LABELS, formatBytes } from './format';
import './shortcuts.css';

/** The sweep's phase with the step of its run, when the page shows that run. */
function useSweepFacts(): ActivityFacts['sweep'] {
  const phase = useSweep((s) => s.phase);
  const current = useSweep((s) => s.sweep?.current?.runId);
  const steps = useSweep((s) => s.sweep?.spec.base.steps ?? 0);
  const step = useLab((s) => (current && s.run?.runId === current ? (s.metrics[s.metrics.length - 1]?.step ?? 0) : null));
  return useMemo(() => (phase ? { ...phase, step, steps } : null), [phase, step, steps]);
}

/** What the lab is waiting for, each with its progress bar. */
function Activities() {
  const busy = useLab((s) => s.busy);
  const datasetLoading = useLab((s) => s.datasetLoading);
  const datasetProgress = useLab((s) => s.datasetProgress);
  const probe = useProbe((s) => s.progress);
  const transfer = useTransfer((s) => s.progress);
  const sweep = useSweepFacts();
  const refusal = useShortcuts((s) => s.refusal);
  const list = useMemo(() => activities({ busy, datasetLoading, datasetProgress, probe, transfer, sweep }), [busy, datasetLoading, datasetProgress, probe, transfer, sweep]);
  return (
    <>
      {list.map((a) => (
        <p key={a.kind} className="info activity" data-activity={a.kind} data-fraction={a.fraction ?? ''}>
          {/* No value: an indeterminate bar (only "busy" is known). */}
          {a.fraction === null ? <progress aria-label={a.what} /> : <progress aria-label={a.what} max={1} value={a.fraction} />}
          <span>
            {a.what}
            {a.fraction === null ? '' : ` ${Math.round(100 * a.fraction)} %`}
          </span>
        </p>
      ))}
      <p className="error" aria-live="assertive" aria-label="Shortcut refused" hidden={!refusal}>
        {refusal}
      </p>
    </>
  );
}

export function StatusBar() {
  useLab((s) => s.version);
  const last = useLab((s) => s.metrics[s.metrics.length - 1]);
  const state = useLab((s) => s.runState);
  const backend = useLab((s) => s.backend?.backend);
  const memory = useLab((s) => s.memory);
  const message = useLab((s) => s.runMessage);
  const steps = useLab((s) => s.run?.config.steps);
  const runId = useLab((s) => s.run?.runId);
  const parts = [
    `step ${last?.step ?? 0}${steps ? ` of ${steps}` : ''}`,
    `epoch ${(last?.epoch ?? 0).toFixed(2)}`,
    `${last ? last.imgPerSec.toFixed(1) : '–'} img/s`,
    backend ? BACKEND_LABELS[backend] : 'no backend yet',
    memory ? `${memory.numTensors} tensors, ${formatBytes(memory.numBytes)}${memory.numBytesInGPU ? ` (${formatBytes(memory.numBytesInGPU)} on GPU)` : ''}` : '',
    state === 'none' ? '' : state,
  ].filter(Boolean);
  return (
    <div className="status-bar">
      <p role="status" aria-live="polite" data-run-id={runId ?? ''}>
        {parts.join(' · ')}
      </p>
      <Activities />
      {message ? (
        <p className={state === 'error' ? 'error' : 'info'} role={state === 'error' ? 'alert' : undefined}>
          {message}
        </p>
      ) : null}
    </div>
  );
}
