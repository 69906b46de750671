// A number field's text, kept apart from the number it commits: while what is typed still means the
// current value ("0.50", "1e-3", "" mid-edit) it stays as typed; a value set elsewhere replaces it.
import { useEffect, useState, type ChangeEvent } from 'react';

/** What a number field's text means: blank is no number (NaN), not the 0 that Number('') gives. */
export const typedNumber = (text: string): number => (text.trim() === '' ? NaN : Number(text));

/** The error a commit answers (null: none), at once or once the command has run. */
type Answer = string | null | Promise<string | null>;

/**
 * `commit` gets each typed number and answers the error to show. With `keepTyped: false` every new
 * value rewrites the text (an index field: "01" reads back as "1").
 */
export function useNumberText(value: number, commit: (n: number) => Answer, { keepTyped = true }: { keepTyped?: boolean } = {}) {
  const [text, setText] = useState(String(value));
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setText((t) => (keepTyped && Number(t) === value ? t : String(value))), [value, keepTyped]);
  const onChange = (e: ChangeEvent<HTMLInputElement>) => {
    setText(e.target.value);
    const answer = commit(typedNumber(e.target.value));
    if (answer instanceof Promise) void answer.then(setError);
    else setError(answer);
  };
  return { text, setText, error, setError, input: { value: text, 'aria-invalid': Boolean(error), onChange } };
}
