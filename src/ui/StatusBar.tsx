// The status line (role="status"): step, epoch, images/s, backend, tensors and bytes in use.
import { useLab } from '../store/run/state';
import { BACKEND_LABELS, formatBytes } from './format';

export function StatusBar() {
  useLab((s) => s.version);
  const last = useLab((s) => s.metrics[s.metrics.length - 1]);
  const state = useLab((s) => s.runState);
  const backend = useLab((s) => s.backend?.backend);
  const memory = useLab((s) => s.memory);
  const busy = useLab((s) => s.busy);
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
      {busy ? <p className="info">{busy}</p> : null}
      {message ? (
        <p className={state === 'error' ? 'error' : 'info'} role={state === 'error' ? 'alert' : undefined}>
          {message}
        </p>
      ) : null}
    </div>
  );
}
