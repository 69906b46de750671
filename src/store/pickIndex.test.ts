import { describe, expect, it } from 'vitest';
import { indexRefusal, pickIndex } from './pickIndex';

describe('indexRefusal', () => {
  it('takes a whole number in 0…size−1', () => {
    expect(indexRefusal('image', 0, 3)).toBeNull();
    expect(indexRefusal('image', 2, 3)).toBeNull();
  });
  it('refuses the rest, naming the range and what was asked', () => {
    expect(indexRefusal('image', 3, 3)).toBe('image must be a whole number in 0…2, got 3');
    expect(indexRefusal('batch image', -1, 4)).toBe('batch image must be a whole number in 0…3, got -1');
    expect(indexRefusal('image', 1.5, 4)).toBe('image must be a whole number in 0…3, got 1.5');
    expect(indexRefusal('image', NaN, 4)).toBe('image must be a whole number in 0…3, got NaN');
    expect(indexRefusal('image', 0, 0)).toBe('image must be a whole number in 0…-1, got 0'); // no run: nothing to pick
  });

  it('pickIndex takes an index it accepts, and only then', () => {
    const taken: number[] = [];
    expect(pickIndex('image', 1, 2, (i) => taken.push(i))).toBeNull();
    expect(pickIndex('image', 2, 2, (i) => taken.push(i))).toBe('image must be a whole number in 0…1, got 2');
    expect(taken).toEqual([1]);
  });
});
