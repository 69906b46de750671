// Which image (a whole number from 0) a view shows: typed in place; what `choose` refuses (out of
// range, not a whole number) is shown beside the field.
import { useEffect, useId, useState } from 'react';

export function IndexField({ label, value, choose }: { label: string; value: number; choose: (i: number) => string | null }) {
  const id = useId();
  const [text, setText] = useState(String(value));
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setText(String(value)), [value]);
  return (
    <label htmlFor={id}>
      {label}{' '}
      <input
        id={id}
        type="number"
        min={0}
        step={1}
        value={text}
        aria-invalid={Boolean(error)}
        onChange={(e) => {
          setText(e.target.value);
          setError(choose(e.target.value.trim() === '' ? NaN : Number(e.target.value)));
        }}
      />
      {error ? <small className="error"> {error}</small> : null}
    </label>
  );
}
