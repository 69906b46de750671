// The settings form (the one config schema): data, model, loss, masks, optimisation.
import { GROUPINGS } from '../engine/config';
import { pendingChanges } from '../store/actions';
import { useLab } from '../store/runStore';
import { DatasetPicker } from './DatasetPicker';
import { CheckboxField, NumberField, PairField, SelectField } from './fields';
import { SubsetFields } from './SubsetFields';

const GROUPING_LABELS: Record<(typeof GROUPINGS)[number], string> = {
  blocks2x2: '2×2 patch blocks',
  patch: 'one group per patch',
  rows: 'rows',
  quadrants: 'quadrants',
};

export function Controls() {
  const running = useLab((s) => s.runState === 'running');
  const busy = useLab((s) => Boolean(s.busy));
  useLab((s) => s.config); // re-render on changes, for the pending-changes note
  const run = useLab((s) => s.run);
  const pending = run ? pendingChanges() : [];
  const off = running || busy;
  return (
    <section className="controls">
      <DatasetPicker disabled={off} />
      <SubsetFields disabled={off} />
      <fieldset>
        <legend>Model</legend>
        <SelectField field="mode" label="Mode" disabled={off} options={[['sparse', 'SparseJEPA'], ['jepa', 'JEPA (baseline)']]} />
        <SelectField
          field="preset"
          label="Preset"
          disabled={off}
          options={[
            ['micro', 'micro (D=64, depth 2)'],
            ['small', 'small (D=192, depth 6)'],
            ['vit-tiny', 'vit-tiny (D=192, depth 12)'],
          ]}
        />
        <SelectField field="patchSize" label="Patch size" disabled={off} options={[['2', '2×2'], ['4', '4×4'], ['8', '8×8']]} />
        <NumberField field="latentDim" label="K (latent dims)" step={1} disabled={off} />
        <SelectField field="grouping" label="Grouping" disabled={off} options={GROUPINGS.map((g) => [g, GROUPING_LABELS[g]] as const)} />
        <CheckboxField field="proximal" label="Proximal group shrink (exact zeros)" disabled={off} />
      </fieldset>
      <fieldset>
        <legend>Masks</legend>
        <NumberField field="numTargets" label="Target blocks" step={1} disabled={off} />
        <PairField field="targetScale" label="Target scale" disabled={off} />
        <PairField field="targetAspect" label="Target aspect" disabled={off} />
        <PairField field="contextScale" label="Context scale" disabled={off} />
        <NumberField field="minKeep" label="Min patches kept" step={1} disabled={off} />
      </fieldset>
      <fieldset>
        <legend>Optimisation</legend>
        <NumberField field="batchSize" label="Batch" step={1} disabled={off} />
        <NumberField field="lr" label="Learning rate" hint="peak; changes apply on the next step" />
        <NumberField field="steps" label="Steps" step={1} disabled={off} />
        <NumberField field="seed" label="Seed" step={1} disabled={off} />
        <CheckboxField field="flip" label="Random flips" disabled={off} />
        <NumberField field="cropPad" label="Crop padding" step={1} disabled={off} />
        <NumberField field="normsEvery" label="Norm sampling interval" step={1} disabled={off} />
      </fieldset>
      {pending.length ? (
        <p className="note">
          Changed: {pending.join(', ')}. Press <strong>Reset</strong> to apply (λ, β and the learning rate apply live).
        </p>
      ) : null}
    </section>
  );
}
