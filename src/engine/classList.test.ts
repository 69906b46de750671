import { describe, expect, it } from 'vitest';
import { ClassListError, formatClassList, parseClassList } from './classList';

describe('class lists with ranges', () => {
  it('expands ranges and keeps indices and names', () => {
    expect(parseClassList('0-9')).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(parseClassList('0-4,7')).toEqual([0, 1, 2, 3, 4, 7]);
    expect(parseClassList(' 3 - 5 , apple, maple-tree,, 4')).toEqual([3, 4, 5, 'apple', 'maple-tree']);
    expect(parseClassList('')).toEqual([]);
  });

  it('refuses a backwards or huge range, naming it', () => {
    expect(() => parseClassList('9-0')).toThrow(ClassListError);
    expect(() => parseClassList('9-0')).toThrow('range "9-0" runs backwards (write 0-9)');
    expect(() => parseClassList('0-99999')).toThrow(/more than/);
  });

  it('writes runs back as ranges, and round-trips', () => {
    expect(formatClassList([0, 1, 2, 3, 7, 'apple'])).toBe('0-3, 7, apple');
    expect(formatClassList([0, 1, 5, 6, 7], ',')).toBe('0,1,5-7');
    for (const s of ['0-9', '0-4, 7', '2, 3, bee', 'apple']) expect(formatClassList(parseClassList(s))).toBe(s);
  });
});
