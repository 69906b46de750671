// "Every N steps" as a number field: a whole number ≥ 0 (0 = off), applied as it is typed; what
// the apply function refuses (the config schema, the worker) is shown under the field.
import { useEffect, useId, useState } from 'react';
import { Field } from './fields';

export function EveryStepsField({ label, hint, value, apply }: { label: string; hint: string; value: number; apply: (n: number) => Promise<string | null> }) {
  const id = useId();
  const [text, setText] = useState(String(value));
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setText((t) => (Number(t) === value ? t : String(value))), [value]);
  return (
    <Field label={label} htmlFor={id} error={error} hint={hint}>
      <input
        id={id}
        type="number"
        min={0}
        step={1}
        value={text}
        aria-invalid={Boolean(error)}
        onChange={(e) => {
          setText(e.target.value);
          const n = e.target.value.trim() === '' ? NaN : Number(e.target.value);
          if (!Number.isInteger(n) || n < 0) return void setError('expected a whole number ≥ 0');
          void apply(n).then(setError);
        }}
      />
    </Field>
  );
}
