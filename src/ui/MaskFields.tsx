// The masks: MAE chooses He et al.'s random mask (a share maskRatio of each image's patches) or
// I-JEPA's multi-block masks; JEPA and SparseJEPA train on blocks only (config.ts maskStrategy).
// Only the fields the chosen masks use are shown.
import { useLab } from '../store/run/state';
import { NumberField, PairField, SelectField } from './fields';

const STRATEGY_OPTIONS = [
  ['random', 'random patches (MAE, He et al.)'],
  ['blocks', "I-JEPA's multi-block masks"],
] as const;

export function MaskFields() {
  const mode = useLab((s) => s.config.mode);
  const strategy = useLab((s) => s.config.maskStrategy);
  return (
    <fieldset>
      <legend>Masks</legend>
      {mode === 'mae' ? <SelectField field="maskStrategy" label="Mask" options={STRATEGY_OPTIONS} /> : null}
      {strategy === 'random' ? (
        <NumberField field="maskRatio" label="Mask ratio" step={0.05} hint="share of each image's patches masked; the encoder sees the rest" />
      ) : (
        <>
          <NumberField field="numTargets" label="Target blocks" step={1} />
          <PairField field="targetScale" label="Target scale" />
          <PairField field="targetAspect" label="Target aspect" />
          <PairField field="contextScale" label="Context scale" />
          <NumberField field="minKeep" label="Min patches kept" step={1} />
        </>
      )}
    </fieldset>
  );
}
