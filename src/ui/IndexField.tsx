// Which image (a whole number from 0) a view shows: typed in place; what `choose` refuses (out of
// range, not a whole number) is shown beside the field.
import { useId } from 'react';
import { useNumberText } from './numberText';

export function IndexField({ label, value, choose }: { label: string; value: number; choose: (i: number) => string | null }) {
  const id = useId();
  const { error, input } = useNumberText(value, choose, { keepTyped: false });
  return (
    <label htmlFor={id}>
      {label}{' '}
      <input id={id} type="number" min={0} step={1} {...input} />
      {error ? <small className="error"> {error}</small> : null}
    </label>
  );
}
