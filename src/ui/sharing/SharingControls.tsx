// Controls of the latent-sharing region: the "active" threshold τ (log slider + number), which
// train image the patch views show, and a refresh.
import { useId } from 'react';
import { useLab } from '../../store/run/state';
import { refreshSample, setImageIndex } from '../../store/sharing/commands';
import { setThreshold, useSharing, useThreshold } from '../../store/sharing/state';
import { LogRange } from '../LogRange';
import { useNumberText } from '../numberText';

/** τ from 10⁻⁴ to 10 (position 0, τ = 0, left out: every latent would count as active). */
const THRESHOLD_EXPS = [-4, 1] as const;

export function ThresholdControl() {
  const sliderId = useId();
  const numberId = useId();
  const value = useThreshold();
  const own = useSharing((s) => s.threshold);
  const runDefault = useLab((s) => (s.run?.config ?? s.config).zeroThreshold);
  const { error, setError, input } = useNumberText(value, (n) => (Number.isFinite(n) ? setThreshold(n) : 'threshold: expected a number'));
  return (
    <div className="hyper threshold">
      <label htmlFor={sliderId}>Active threshold τ</label>
      <LogRange id={sliderId} value={value} exps={THRESHOLD_EXPS} min={1} symbol="τ" onValue={(v) => setError(setThreshold(v))} />
      <label htmlFor={numberId} className="visually-hidden">
        Active threshold value
      </label>
      <input id={numberId} type="number" step="any" min={0} {...input} />
      <small className="hint">
        A latent k is active for group g when ‖W⁽ᵍ⁾·ₖ‖₂ ≥ τ.{' '}
        {own !== null && own !== runDefault ? (
          <button type="button" className="link" onClick={() => useSharing.setState({ threshold: null })}>
            Back to the run’s zero threshold ({runDefault})
          </button>
        ) : (
          `Default: the run’s zero threshold (${runDefault}).`
        )}
      </small>
      {error ? <small className="error">{error}</small> : null}
    </div>
  );
}

export function ImagePicker() {
  const id = useId();
  const index = useSharing((s) => s.imageIndex);
  const loading = useSharing((s) => s.loading);
  const size = useLab((s) => s.run?.trainSize ?? 0);
  const { error, setError, input } = useNumberText(index, setImageIndex, { keepTyped: false });
  const go = (i: number) => setError(setImageIndex(i));
  return (
    <div className="image-picker">
      <label htmlFor={id}>Example image (train #)</label>
      <button type="button" aria-label="Previous image" disabled={index <= 0} onClick={() => go(index - 1)}>
        ◀
      </button>
      <input id={id} type="number" min={0} max={Math.max(0, size - 1)} step={1} {...input} />
      <button type="button" aria-label="Next image" disabled={index >= size - 1} onClick={() => go(index + 1)}>
        ▶
      </button>
      <span className="hint">of {size}</span>
      <button type="button" onClick={() => void refreshSample()} disabled={loading}>
        {loading ? 'Reading…' : 'Refresh'}
      </button>
      {error ? <small className="error">{error}</small> : null}
    </div>
  );
}
