// Form fields bound to one config field each, validated by the one config schema.
import { useEffect, useId, useState, type ReactNode } from 'react';
import { ConfigSchema, type LabConfig } from '../engine/config';
import { updateConfig } from '../store/run/commands';
import { useLab } from '../store/run/state';
import { typedNumber, useNumberText } from './numberText';

type Key = keyof LabConfig;

function issueFor(key: Key, value: unknown): string | null {
  const r = (ConfigSchema.shape[key] as unknown as { safeParse(v: unknown): { success: boolean; error?: { issues: { message: string }[] } } }).safeParse(value);
  return r.success ? null : (r.error?.issues[0]?.message ?? 'invalid value');
}

function apply(patch: Partial<LabConfig>): string | null {
  try {
    updateConfig(patch);
    return null;
  } catch (e) {
    return e instanceof Error ? e.message.replace(/^invalid config: /, '') : String(e);
  }
}

export function Field({ label, htmlFor, error, hint, children }: { label: string; htmlFor: string; error?: string | null; hint?: ReactNode; children: ReactNode }) {
  return (
    <div className={`field${error ? ' field-error' : ''}`}>
      <label htmlFor={htmlFor}>{label}</label>
      {children}
      {hint ? <small className="hint">{hint}</small> : null}
      {error ? (
        <small className="error" id={`${htmlFor}-error`}>
          {error}
        </small>
      ) : null}
    </div>
  );
}

/** A number input: keeps what the user typed, applies it only when the schema accepts it. */
export function NumberField({ field, label, step, disabled, hint }: { field: Key; label: string; step?: number | 'any'; disabled?: boolean; hint?: ReactNode }) {
  const id = useId();
  const value = useLab((s) => s.config[field]) as number;
  const { error, input } = useNumberText(value, (n) => (Number.isFinite(n) ? issueFor(field, n) : 'expected a number') ?? apply({ [field]: n } as Partial<LabConfig>));
  return (
    <Field label={label} htmlFor={id} error={error} hint={hint}>
      <input id={id} type="number" step={step ?? 'any'} disabled={disabled} {...input} />
    </Field>
  );
}

export function SelectField<T extends string>({ field, label, options, disabled }: { field: Key; label: string; options: readonly (readonly [T, string])[]; disabled?: boolean }) {
  const id = useId();
  const value = String(useLab((s) => s.config[field]));
  const [error, setError] = useState<string | null>(null);
  return (
    <Field label={label} htmlFor={id} error={error}>
      <select
        id={id}
        value={value}
        disabled={disabled}
        onChange={(e) => {
          const raw = e.target.value;
          const v = typeof useLab.getState().config[field] === 'number' ? Number(raw) : raw;
          setError(apply({ [field]: v } as Partial<LabConfig>));
        }}
      >
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </Field>
  );
}

export function CheckboxField({ field, label, disabled }: { field: Key; label: string; disabled?: boolean }) {
  const id = useId();
  const value = Boolean(useLab((s) => s.config[field]));
  return (
    <div className="field field-check">
      <input id={id} type="checkbox" checked={value} disabled={disabled} onChange={(e) => apply({ [field]: e.target.checked } as Partial<LabConfig>)} />
      <label htmlFor={id}>{label}</label>
    </div>
  );
}

/** A [lo, hi] range as two number inputs. */
export function PairField({ field, label, disabled }: { field: Key; label: string; disabled?: boolean }) {
  const id = useId();
  const value = useLab((s) => s.config[field]) as unknown as [number, number];
  const [text, setText] = useState<[string, string]>([String(value[0]), String(value[1])]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setText((t) => (Number(t[0]) === value[0] && Number(t[1]) === value[1] ? t : [String(value[0]), String(value[1])]));
  }, [value]);
  const change = (i: 0 | 1, s: string) => {
    const next: [string, string] = i === 0 ? [s, text[1]] : [text[0], s];
    setText(next);
    const nums = next.map(typedNumber);
    const issue = nums.every(Number.isFinite) ? issueFor(field, nums) : 'expected two numbers';
    setError(issue ?? apply({ [field]: nums } as Partial<LabConfig>));
  };
  return (
    <Field label={label} htmlFor={`${id}-lo`} error={error}>
      <span className="pair">
        <input id={`${id}-lo`} type="number" step="any" value={text[0]} disabled={disabled} aria-label={`${label} min`} onChange={(e) => change(0, e.target.value)} />
        <span aria-hidden="true">–</span>
        <input type="number" step="any" value={text[1]} disabled={disabled} aria-label={`${label} max`} onChange={(e) => change(1, e.target.value)} />
      </span>
    </Field>
  );
}
