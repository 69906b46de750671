// The settings form (the one config schema): data, model, loss, masks, optimisation.
// While a run trains, one native <fieldset disabled> switches every control off at once, so
// starting a run re-renders a single element rather than every field. The dataset picker stays
// outside it: a file dropped while training is read (and refused with a reason if bad) without
// stopping the run.
import { memo } from 'react';
import { GROUPINGS } from '../engine/config';
import { pendingChanges } from '../store/run/commands';
import { useLab } from '../store/run/state';
import { DatasetPicker } from './DatasetPicker';
import { MaskFields } from './MaskFields';
import { CheckboxField, NumberField, PairField, SelectField } from './fields';
import { SubsetFields } from './SubsetFields';
import { TargetFields } from './mae/TargetFields';

const GROUPING_LABELS: Record<(typeof GROUPINGS)[number], string> = {
  blocks2x2: '2×2 patch blocks',
  patch: 'one group per patch',
  rows: 'rows',
  quadrants: 'quadrants',
};

const MODE_OPTIONS = [['sparse', 'SparseJEPA'], ['jepa', 'JEPA (baseline)'], ['mae', 'MAE (pixels)']] as const;

const SettingsForm = memo(function SettingsForm() {
  return (
    <>
      <SubsetFields />
      <fieldset>
        <legend>Model</legend>
        <SelectField field="mode" label="Mode" options={MODE_OPTIONS} />
        <SelectField
          field="preset"
          label="Preset"
          options={[
            ['micro', 'micro (D=64, depth 2)'],
            ['small', 'small (D=192, depth 6)'],
            ['vit-tiny', 'vit-tiny (D=192, depth 12)'],
          ]}
        />
        <SelectField field="patchSize" label="Patch size" options={[['2', '2×2'], ['4', '4×4'], ['8', '8×8']]} />
        <NumberField field="latentDim" label="K (latent dims)" step={1} />
        <SelectField field="grouping" label="Grouping" options={GROUPINGS.map((g) => [g, GROUPING_LABELS[g]] as const)} />
        <CheckboxField field="proximal" label="Proximal group shrink (exact zeros)" />
      </fieldset>
      <TargetFields />
      <fieldset>
        <legend>Loss and the group head</legend>
        <SelectField
          field="predictionReduction"
          label="Prediction loss"
          options={[['paper', 'paper: Σ over a block, mean over blocks'], ['mean', 'mean over tokens and features']]}
        />
        <SelectField field="groupOptimizer" label="W optimiser" options={[['sgd', 'SGD (oi-VAE)'], ['adamw', 'Adam, no decay']]} />
        <NumberField field="groupLr" label="W step size η_W" step={0.001} hint="peak; follows the lr schedule" />
        <SelectField field="groupInit" label="W init" options={[['unitNormal', 'N(0, 1) (oi-VAE)'], ['truncNormal', 'trunc-normal 0.02']]} />
      </fieldset>
      <MaskFields />
      <fieldset>
        <legend>Optimisation</legend>
        <NumberField field="batchSize" label="Batch" step={1} />
        <NumberField field="steps" label="Steps" step={1} />
        <NumberField field="seed" label="Seed" step={1} />
        <CheckboxField field="flip" label="Random flips" />
        <NumberField field="cropPad" label="Crop padding" step={1} />
        <PairField field="emaMomentum" label="EMA momentum" />
        <NumberField field="normsEvery" label="Norm sampling interval" step={1} />
        <NumberField field="checkpointEvery" label="Checkpoint every (steps)" step={1} hint="saved in this browser; 0 = on Pause only" />
      </fieldset>
    </>
  );
});

function PendingNote() {
  useLab((s) => s.config);
  const run = useLab((s) => s.run);
  const pending = run ? pendingChanges() : [];
  if (!pending.length) return null;
  return (
    <p className="note">
      Changed: {pending.join(', ')}. Press <strong>Reset</strong> to apply (λ, β and the learning rate apply live).
    </p>
  );
}

export function Controls() {
  const off = useLab((s) => s.runState === 'running' || Boolean(s.busy));
  return (
    <section className="controls">
      <DatasetPicker />
      <fieldset className="settings" disabled={off}>
        <SettingsForm />
      </fieldset>
      <PendingNote />
    </section>
  );
}
