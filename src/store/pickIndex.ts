// A view's pick of one item (a train image, an image of the last batch): a whole number in 0…size−1.

/** The message refusing `i` as an index of `size` items (`what` names them), or null when it is one. */
export function indexRefusal(what: string, i: number, size: number): string | null {
  return Number.isInteger(i) && i >= 0 && i < size ? null : `${what} must be a whole number in 0…${size - 1}, got ${i}`;
}

/** `take(i)` when `i` is an index of `size` items; else the refusal, for the field to show. */
export function pickIndex(what: string, i: number, size: number, take: (i: number) => void): string | null {
  const refused = indexRefusal(what, i, size);
  if (!refused) take(i);
  return refused;
}
