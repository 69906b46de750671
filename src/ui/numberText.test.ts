import { describe, expect, it } from 'vitest';
import { typedNumber } from './numberText';

describe('typedNumber', () => {
  it('reads a blank field as no number, not 0', () => {
    expect(typedNumber('')).toBeNaN();
    expect(typedNumber('  ')).toBeNaN();
  });
  it('reads what Number reads otherwise', () => {
    expect(typedNumber('0')).toBe(0);
    expect(typedNumber(' 12 ')).toBe(12);
    expect(typedNumber('1e-3')).toBe(0.001);
    expect(typedNumber('0.50')).toBe(0.5);
    expect(typedNumber('1.2.3')).toBeNaN();
  });
});
