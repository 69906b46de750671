import { describe, expect, it } from 'vitest';
import { concatBytes } from './bytes';

describe('concatBytes', () => {
  it('lays the parts end to end, in order', () => {
    expect(concatBytes([Uint8Array.of(1, 2), new Uint8Array(0), Uint8Array.of(3)])).toEqual(Uint8Array.of(1, 2, 3));
    expect(concatBytes([])).toEqual(new Uint8Array(0));
  });
  it('copies a single part (the result does not share its buffer)', () => {
    const one = Uint8Array.of(7, 8);
    const out = concatBytes([one]);
    out[0] = 0;
    expect(one[0]).toBe(7);
  });
});
