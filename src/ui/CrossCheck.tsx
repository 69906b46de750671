// One fixed batch (no noise, seeded masks) evaluated on the backend in use and on the CPU
// backend with the same weights: the numbers must agree.
import { crossCheck } from '../store/run/commands';
import { useLab } from '../store/run/state';
import { BACKEND_LABELS, formatNumber } from './format';
import { QueuedNote } from './Queued';

export const CROSS_CHECK_TOLERANCE = 1e-3;

export function CrossCheck() {
  const result = useLab((s) => s.crossCheck);
  const error = useLab((s) => s.crossCheckError);
  const hasRun = useLab((s) => Boolean(s.run));
  const busy = useLab((s) => Boolean(s.busy));
  const ok = result ? result.maxRelDiff <= CROSS_CHECK_TOLERANCE : false;
  return (
    <fieldset className="cross-check">
      <legend>Backend check</legend>
      <button type="button" onClick={() => void crossCheck()} disabled={!hasRun && !busy}>
        Check against CPU
      </button>
      <QueuedNote label="Check against CPU" />
      {result ? (
        <div
          className={ok ? 'ok' : 'error'}
          aria-label="CPU check result"
          data-step={result.step}
          data-backend={result.backend}
          data-loss={result.value.loss}
          data-ref-loss={result.reference.loss}
          data-pred-loss={result.value.predLoss}
          data-ref-pred-loss={result.reference.predLoss}
          data-kl-loss={result.value.klLoss}
          data-ref-kl-loss={result.reference.klLoss}
          data-group-penalty={result.value.groupPenalty}
          data-ref-group-penalty={result.reference.groupPenalty}
          data-max-rel-diff={result.maxRelDiff}
        >
          <p>
            Fixed batch at step {result.step}: {BACKEND_LABELS[result.backend]} loss {formatNumber(result.value.loss, 7)} vs CPU {formatNumber(result.reference.loss, 7)};
            largest relative difference over the four terms {result.maxRelDiff.toExponential(2)} {ok ? '✓' : `✗ (over ${CROSS_CHECK_TOLERANCE})`} ({Math.round(result.ms)} ms)
          </p>
        </div>
      ) : null}
      {error ? (
        <p className="error" role="alert">
          Check failed: {error}
        </p>
      ) : null}
    </fieldset>
  );
}
