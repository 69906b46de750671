import { describe, expect, it } from 'vitest';
import { isEveryStep } from './everySteps';

const marked = (every: number, also: number[] = [], upTo = 12) => Array.from({ length: upTo + 1 }, (_, s) => s).filter((s) => isEveryStep(s, every, also));

describe('every N steps (one rule)', () => {
  it('marks the positive multiples of N, never step 0 unless asked', () => {
    expect(marked(4)).toEqual([4, 8, 12]);
    expect(marked(1, [], 3)).toEqual([1, 2, 3]);
  });
  it('adds the steps asked for: step 0 and the last (health), step 1 (norms, log lines)', () => {
    expect(marked(5, [0, 12])).toEqual([0, 5, 10, 12]);
    expect(marked(10, [1])).toEqual([1, 10]);
  });
  it('N = 0 is off, the extra steps too', () => {
    expect(marked(0, [0, 1, 12])).toEqual([]);
  });
});
