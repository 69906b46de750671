// "Every N steps" as a number field: a whole number ≥ 0 (0 = off), applied as it is typed; what
// the apply function refuses (the config schema, the worker) is shown under the field.
import { useId } from 'react';
import { Field } from './fields';
import { useNumberText } from './numberText';

export function EveryStepsField({ label, hint, value, apply }: { label: string; hint: string; value: number; apply: (n: number) => Promise<string | null> }) {
  const id = useId();
  const { error, input } = useNumberText(value, (n) => (!Number.isInteger(n) || n < 0 ? 'expected a whole number ≥ 0' : apply(n)));
  return (
    <Field label={label} htmlFor={id} error={error} hint={hint}>
      <input id={id} type="number" min={0} step={1} {...input} />
    </Field>
  );
}
