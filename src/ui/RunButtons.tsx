// Start, Pause, Step, Reset.
import { pause, resetRun, start, step } from '../store/actions';
import { useLab } from '../store/runStore';

export function RunButtons() {
  const state = useLab((s) => s.runState);
  const ready = useLab((s) => s.workerStatus === 'ready' && Boolean(s.dataset));
  const busy = useLab((s) => s.busy);
  const running = state === 'running';
  return (
    <div className="run-buttons" role="group" aria-label="Run controls">
      <button type="button" onClick={() => void start()} disabled={!ready || running || Boolean(busy)}>
        Start
      </button>
      <button type="button" onClick={() => void pause()} disabled={!running}>
        Pause
      </button>
      <button type="button" onClick={() => void step()} disabled={!ready || running || Boolean(busy)}>
        Step
      </button>
      <button type="button" title="Stop and reset: fresh weights from the seed, charts cleared" onClick={() => void resetRun()} disabled={!ready || Boolean(busy)}>
        Reset
      </button>
    </div>
  );
}
