// Controls say when they will act: a command given while the worker is busy waits its turn
// (src/store/workerLine.ts), and the page shows it waiting and what it waits for.
import { useLab } from '../store/run/state';

/** "queued: after Building the model…" beside a control whose command waits. */
export function QueuedNote({ label }: { label: string }) {
  const queued = useLab((s) => s.queued.includes(label));
  const busy = useLab((s) => s.busy);
  if (!queued) return null;
  return (
    <small className="hint queued" aria-label={`${label} queued`}>
      queued: after {busy ?? 'the command before it'}
    </small>
  );
}

/** Every command waiting, in order, and what runs now. */
export function CommandQueue() {
  const queued = useLab((s) => s.queued);
  const busy = useLab((s) => s.busy);
  if (!queued.length) return null;
  return (
    <p className="hint queued" aria-label="Queued commands" data-queued={queued.join(',')}>
      Waiting: {queued.join(', ')} — after {busy ?? 'the command before it'}.
    </p>
  );
}
