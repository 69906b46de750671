import { describe, expect, it } from 'vitest';
import { defaultConfig, parseConfig } from '../../engine/config';
import type { SavedRunInfo } from '../../worker/protocol';
import { dataAvailable, describeConfig, marksFromLog, modeLabel, pendingChanges, runToOffer, runToResume, sourceFor, withHyperMark } from './rules';

const base = { lambda: 0.001, beta: 0.0001, lr: 0.001 };

const saved = (runId: string, savedAt: number, over: Partial<SavedRunInfo['config']> = {}, dataset = 'synthetic'): SavedRunInfo => ({
  runId,
  step: 10,
  savedAt,
  bytes: 100,
  config: parseConfig({ ...defaultConfig(), dataset, ...over }),
  dataset: { id: dataset, name: dataset },
});

describe('page rules', () => {
  it('pending changes: settings that need a Reset (the live ones do not)', () => {
    const c = defaultConfig();
    expect(pendingChanges(parseConfig({ ...c, lambda: 0.5, probeEvery: 100 }), c)).toEqual([]);
    expect(pendingChanges(parseConfig({ ...c, seed: 1, batchSize: 8 }), c)).toEqual(['seed', 'batchSize']);
    expect(pendingChanges(c, null)).toEqual([]);
  });

  it('picks the saved run to continue: newest with these settings on the loaded data, none another tab has open', () => {
    const c = defaultConfig();
    const runs = [saved('a', 1), saved('b', 3), saved('c', 2, { seed: 4 }), saved('d', 4, {}, 'file:x.tar.gz')];
    expect(runToResume(runs, c, 'synthetic', new Set())?.runId).toBe('b');
    expect(runToResume(runs, c, 'synthetic', new Set(['b']))?.runId).toBe('a'); // b is open in another tab
    expect(runToResume(runs, parseConfig({ ...c, lambda: 0.3 }), 'synthetic', new Set())?.runId).toBe('b'); // λ is live
    expect(runToResume(runs, c, 'synthetic', new Set(), 'c')?.runId).toBe('c'); // a backend switch names its run
    expect(runToResume(runs, c, 'synthetic', new Set(), 'gone')).toBeNull();
    // Offered when not continued: the one with the address's settings (a file to pick again), else the newest.
    expect(runToOffer(runs, { ...c, dataset: 'file:x.tar.gz' }, new Set())?.runId).toBe('d');
    expect(runToOffer(runs, parseConfig({ ...c, seed: 9 }), new Set(['d']))?.runId).toBe('b');
    expect(dataAvailable('cifar-100', 'synthetic', false)).toBe(false);
    expect(dataAvailable('cifar-100', 'synthetic', true)).toBe(true);
    expect(dataAvailable('file:x', 'file:x', false)).toBe(true);
    expect(dataAvailable('file:x', 'synthetic', true)).toBe(false);
  });

  it('built-in datasets (the counting set too) load without the person, so their runs resume after a reload', () => {
    expect(sourceFor('synthetic', '/')).toEqual({ kind: 'synthetic' });
    expect(sourceFor('counting', '/')).toEqual({ kind: 'synthetic', id: 'counting' });
    expect(sourceFor('counting:5', '/')).toEqual({ kind: 'synthetic', id: 'counting:5' });
    expect(sourceFor('synthetic:20', '/')).toEqual({ kind: 'synthetic', id: 'synthetic:20' });
    expect(sourceFor('cifar-100', '/lab/')).toEqual({ kind: 'served', url: '/lab/data/cifar-100-binary.tar.gz', name: 'cifar-100-binary.tar.gz' });
    expect(sourceFor('file:photos', '/')).toBeNull();
    expect(sourceFor('countingx', '/')).toBeNull();
    for (const id of ['counting', 'counting:3', 'synthetic:12']) expect(dataAvailable(id, 'synthetic', false)).toBe(true);
    // A run saved on the counting set is continued after a reload whose address names it.
    const c = parseConfig({ ...defaultConfig(), dataset: 'counting' });
    const runs = [saved('s', 5), saved('k', 3, {}, 'counting')];
    expect(runToResume(runs, c, 'counting', new Set())?.runId).toBe('k');
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

describe('modeLabel', () => {
  it('names every mode as the page shows it, MAE included', () => {
    expect(['sparse', 'jepa', 'mae'].map((m) => modeLabel(m as 'sparse'))).toEqual(['SparseJEPA', 'JEPA', 'MAE']);
    expect(describeConfig({ mode: 'mae', preset: 'micro', steps: 6 })).toBe('MAE, micro, 6 steps');
  });
});
