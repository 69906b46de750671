// Subset of the dataset: classes, superclasses (names or indices) and images per class.
import { useEffect, useId, useState } from 'react';
import { formatClassList, parseClassList } from '../engine/classList';
import { SubsetSchema, type Subset } from '../engine/config';
import { updateConfig } from '../store/run/commands';
import { useLab } from '../store/run/state';
import { Field } from './fields';
import { useNumberText } from './numberText';

const listText = (v: (number | string)[]) => formatClassList(v);
/** The list in the field, or null when it does not parse (the error is shown). */
function parseList(s: string): (number | string)[] | null {
  try {
    return parseClassList(s);
  } catch {
    return null;
  }
}

function setSubset(patch: Partial<Subset>): string | null {
  const current = useLab.getState().config.subset;
  const r = SubsetSchema.safeParse({ ...current, ...patch });
  if (!r.success) return r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  updateConfig({ subset: r.data });
  return null;
}

function ListInput({ which, label, disabled, hint }: { which: 'classes' | 'superclasses'; label: string; disabled?: boolean; hint?: string }) {
  const id = useId();
  const value = useLab((s) => s.config.subset[which]);
  const [text, setText] = useState(listText(value));
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setText((t) => (listText(parseList(t) ?? []) === listText(value) ? t : listText(value))), [value]);
  return (
    <Field label={label} htmlFor={id} error={error} hint={hint}>
      <input
        id={id}
        type="text"
        value={text}
        disabled={disabled}
        placeholder="all"
        onChange={(e) => {
          setText(e.target.value);
          try {
            setError(setSubset({ [which]: parseClassList(e.target.value) }));
          } catch (err) {
            setError((err as Error).message);
          }
        }}
      />
    </Field>
  );
}

export function SubsetFields() {
  const id = useId();
  const perClass = useLab((s) => s.config.subset.perClass);
  const dataset = useLab((s) => s.dataset);
  const { error, input } = useNumberText(perClass, (n) => (Number.isFinite(n) ? setSubset({ perClass: n }) : 'expected a whole number'));
  const hasCoarse = (dataset?.numSuperclasses ?? 0) > 0;
  return (
    <fieldset>
      <legend>Subset</legend>
      <ListInput which="classes" label="Classes" hint={dataset ? `indices, ranges or names: 0-${Math.min(9, dataset.numClasses - 1)}, 0-4, 7, ${dataset.classNames[0] ?? ''}` : undefined} />
      <ListInput which="superclasses" label="Superclasses" disabled={!hasCoarse} hint={hasCoarse ? undefined : 'this dataset has none'} />
      <Field label="Images per class" htmlFor={id} error={error} hint="0 = all">
        <input id={id} type="number" min={0} step={1} {...input} />
      </Field>
    </fieldset>
  );
}
