// Start, Pause, Step, Reset. Each acts now, or (while the worker builds a model, switches
// backend or loads data) waits its turn and says so; a refused one says why in the status line.
import { pause, resetRun, start, step } from '../store/run/commands';
import { useLab } from '../store/run/state';
import { CommandQueue } from './Queued';

export function RunButtons() {
  const state = useLab((s) => s.runState);
  const failed = useLab((s) => s.workerStatus === 'error');
  const queued = useLab((s) => s.queued);
  const running = state === 'running';
  const startQueued = queued.includes('Start');
  return (
    <>
      <div className="run-buttons" role="group" aria-label="Run controls">
        <button type="button" onClick={() => void start()} disabled={failed || running || startQueued} data-queued={startQueued || undefined}>
          Start
        </button>
        <button type="button" onClick={() => void pause()} disabled={!running && !startQueued}>
          Pause
        </button>
        <button type="button" onClick={() => void step()} disabled={failed || running}>
          Step
        </button>
        <button type="button" title="Stop and reset: fresh weights from the seed, charts cleared" onClick={() => void resetRun()} disabled={failed}>
          Reset
        </button>
      </div>
      <CommandQueue />
    </>
  );
}
