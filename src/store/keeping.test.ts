import { describe, expect, it } from 'vitest';
import { defaultConfig, parseConfig } from '../engine/config';
import { marksFromLog, sameRunSettings, withHyperMark } from './keeping';

const base = { lambda: 0.001, beta: 0.0001, lr: 0.001 };

describe('keeping (page side)', () => {
  it('a saved run fits these settings when only the live ones differ', () => {
    const c = defaultConfig();
    expect(sameRunSettings(c, parseConfig({ ...c, lambda: 0.5, beta: 0.2, lr: 0.01, probeEvery: 100 }))).toBe(true);
    expect(sameRunSettings(c, parseConfig({ ...c, seed: 1 }))).toBe(false);
    expect(sameRunSettings(c, parseConfig({ ...c, dataset: 'cifar-100' }))).toBe(false);
  });

  it('rebuilds the chart marks from the saved λ/β/lr changes, and marks a restored value', () => {
    const log = [
      { atStep: 4, hyper: { ...base, lambda: 0.01 } },
      { atStep: 4, hyper: { ...base, lambda: 0.02 } }, // the later change for a step wins
      { atStep: 9, hyper: { ...base, lambda: 0.02 } }, // no change: no mark
      { atStep: 12, hyper: { ...base, lambda: 0.02, lr: 0.1 } },
    ];
    const marks = marksFromLog(log, base);
    expect(marks).toEqual([
      { step: 4, ...base, lambda: 0.02, changed: ['lambda'] },
      { step: 12, ...base, lambda: 0.02, lr: 0.1, changed: ['lr'] },
    ]);
    // Rolled back to step 10: the lr change of step 12 goes; the checkpoint's values are marked at 11 if they differ.
    const upTo10 = marks.filter((m) => m.step <= 10);
    expect(withHyperMark(upTo10, 11, { ...base, lambda: 0.02 }, base)).toEqual(upTo10);
    expect(withHyperMark(upTo10, 11, base, base)).toEqual([...upTo10, { step: 11, ...base, changed: ['lambda'] }]);
  });
});
