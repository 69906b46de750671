// What the model predicts: JEPA's latent targets (from the EMA target encoder behind a
// stop-gradient, or from the online encoder with gradients through them: the setting that lets
// the representation collapse), or MAE's pixels (per-patch normalised or raw). Only the fields
// of the mode chosen are shown; the other mode ignores them (config.ts).
import { useLab } from '../../store/run/state';
import { CheckboxField, SelectField } from '../fields';

const TARGET_OPTIONS = [
  ['ema', 'EMA target encoder, stop-gradient (I-JEPA)'],
  ['online-no-stopgrad', 'online encoder, no stop-gradient (collapses)'],
] as const;

export function TargetFields() {
  const mode = useLab((s) => s.config.mode);
  return (
    <fieldset>
      <legend>Targets</legend>
      {mode === 'mae' ? (
        <>
          <CheckboxField field="maeNormPix" label="Per-patch normalised pixels (MAE's norm-pix targets)" />
          <small className="hint">MAE reconstructs the masked patches' pixels from the context; it has no target encoder and no EMA.</small>
        </>
      ) : (
        <>
          <SelectField field="targetEncoder" label="Target encoder" options={TARGET_OPTIONS} />
          <small className="hint">
            EMA momentum 0, 0 (Optimisation) keeps the stop-gradient but drops the EMA. Watch Representation health as the rank falls.
          </small>
        </>
      )}
    </fieldset>
  );
}
