import { describe, expect, it } from 'vitest';
import { defaultConfig, type LabConfig } from '../../engine/config';
import type { ProbeReport, RunPoint, RunRecord } from '../../worker/protocol';
import {
  availableMetrics, configDiff, configValueText, finalProbe, groupBySetting, groupLabels, groupSource, metricSeries, RUN_PALETTE, runColour, spread, sweepGroupsFirst,
} from './rules';

const probe = (step: number, top1: number, kind?: ProbeReport['kind']): ProbeReport => ({
  runId: 'x', step, top1, top5: top1 + 0.2, randomInitTop1: 0.1, randomInitTop5: 0.3, trainCount: 10, testCount: 5, ms: 1, floorCached: false, ...(kind ? { kind } : {}),
});
const point = (step: number, loss: number, gradNorm?: number): RunPoint => ({ step, loss, predLoss: loss / 2, klLoss: 0, groupPenalty: 1, ...(gradNorm === undefined ? {} : { gradNorm }) });

function run(runId: string, config: Partial<LabConfig>, lastLoss: number | null, probes: ProbeReport[] = [], series: RunPoint[] = []): RunRecord {
  return {
    runId, name: runId, createdAt: 0, updatedAt: 0, config: { ...defaultConfig(), ...config }, backend: 'wasm', dataset: { id: 'synthetic', name: 'built-in shapes' },
    state: 'done', step: 10, lastLoss, series, stride: 1, probes,
  };
}

/** WCAG relative luminance and contrast ratio. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
const contrast = (a: string, b: string) => {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
};

describe('runColour', () => {
  it('is stable, one of the palette, and spreads runs over it', () => {
    const ids = Array.from({ length: 200 }, (_, i) => `${i.toString(16).padStart(8, '0')}-run-${i * 7}`);
    for (const id of ids) {
      expect(RUN_PALETTE).toContain(runColour(id));
      expect(runColour(id)).toBe(runColour(String(id))); // a function of the id alone
    }
    const used = new Set(ids.map(runColour));
    expect(used.size).toBe(RUN_PALETTE.length);
  });

  it('has at least 3:1 contrast against the light and the dark theme’s backgrounds', () => {
    for (const c of RUN_PALETTE) for (const bg of ['#ffffff', '#fafafa', '#1c1f24', '#121417']) expect(contrast(c, bg), `${c} on ${bg}`).toBeGreaterThanOrEqual(3);
    expect(new Set(RUN_PALETTE).size).toBe(RUN_PALETTE.length);
  });
});

describe('metric curves', () => {
  it('reads a series scalar per kept step, skipping points without it, and linear probes only', () => {
    const r = run('a', {}, 1, [probe(8, 0.5), probe(4, 0.4), probe(8, 0.9, 'attentive')], [point(1, 3, 2), point(2, 2), point(3, 1, 0.5)]);
    expect(metricSeries(r, 'loss')).toEqual([{ step: 1, v: 3 }, { step: 2, v: 2 }, { step: 3, v: 1 }]);
    expect(metricSeries(r, 'predLoss').map((p) => p.v)).toEqual([1.5, 1, 0.5]);
    expect(metricSeries(r, 'gradNorm')).toEqual([{ step: 1, v: 2 }, { step: 3, v: 0.5 }]);
    expect(metricSeries(r, 'top1')).toEqual([{ step: 4, v: 0.4 }, { step: 8, v: 0.5 }]);
    expect(metricSeries(r, 'top5').map((p) => p.v)).toEqual([0.4 + 0.2, 0.5 + 0.2]);
  });

  it('offers the metrics one of the runs has', () => {
    const older = run('a', {}, 1, [], [point(1, 3)]);
    expect(availableMetrics([older])).toEqual(['loss', 'predLoss', 'klLoss', 'groupPenalty']);
    expect(availableMetrics([older, run('b', {}, 1, [probe(2, 0.3)], [point(1, 2, 1)])])).toEqual(['loss', 'predLoss', 'klLoss', 'groupPenalty', 'gradNorm', 'top1', 'top5']);
    expect(availableMetrics([])).toEqual([]);
  });
});

describe('configDiff', () => {
  it('lists only the fields that differ, with each run’s value, in the schema’s order', () => {
    const a = { ...defaultConfig(), seed: 0 };
    const b = { ...defaultConfig(), seed: 1 };
    expect(configDiff([a, b])).toEqual([{ field: 'seed', values: [0, 1] }]);
    const c = { ...defaultConfig(), seed: 1, mode: 'jepa' as const, lambda: 0 };
    expect(configDiff([a, b, c])).toEqual([
      { field: 'mode', values: ['sparse', 'sparse', 'jepa'] },
      { field: 'seed', values: [0, 1, 1] },
      { field: 'lambda', values: [1, 1, 0] },
    ]);
  });

  it('compares nested fields one by one and lists whole, and counts a missing field as a difference', () => {
    const a = defaultConfig();
    const b = { ...a, subset: { ...a.subset, classes: [1, 2] }, weightDecay: [0.04, 0.4] as [number, number] };
    expect(configDiff([a, b])).toEqual([{ field: 'subset.classes', values: [[], [1, 2]] }]);
    const { probeEvery: _, ...older } = a;
    expect(configDiff([a, older])).toEqual([{ field: 'probeEvery', values: [0, undefined] }]);
  });

  it('is empty for equal configs and for fewer than two', () => {
    expect(configDiff([defaultConfig(), defaultConfig()])).toEqual([]);
    expect(configDiff([defaultConfig()])).toEqual([]);
    expect(configDiff([])).toEqual([]);
  });

  it('shows values as the tables do', () => {
    expect([configValueText(1e-3), configValueText([0.04, 0.4]), configValueText([]), configValueText(undefined), configValueText(true)]).toEqual(['0.001', '0.04, 0.4', 'none', '–', 'true']);
  });
});

describe('groupBySetting', () => {
  it('puts runs that differ only in their seed into one group, with the mean and spread of the final loss and probe top-1', () => {
    const runs = [
      run('s0', { seed: 0 }, 1.0, [probe(5, 0.9), probe(10, 0.4)]),
      run('j0', { seed: 0, mode: 'jepa', lambda: 0 }, 3.0),
      run('s1', { seed: 1 }, 2.0, [probe(10, 0.6)]),
      run('s2', { seed: 2 }, 3.0),
    ];
    const groups = groupBySetting(runs);
    expect(groups.map((g) => g.runIds)).toEqual([['s0', 's1', 's2'], ['j0']]);
    const [sparse, jepa] = groups;
    expect(sparse.seeds).toEqual([0, 1, 2]);
    expect(sparse.loss).toEqual({ mean: 2, std: 1, n: 3 }); // sample std of 1, 2, 3
    // The final probe of each run (step 10, not the better one at step 5), two of three probed.
    expect(sparse.top1!.mean).toBeCloseTo(0.5, 12);
    expect(sparse.top1!.std).toBeCloseTo(Math.sqrt(0.02), 12);
    expect(sparse.probed).toBe(2);
    expect(jepa.loss).toEqual({ mean: 3, std: 0, n: 1 });
    expect(jepa.top1).toBeNull();
    expect(jepa.setting.seed).toBeUndefined();
    expect(jepa.setting.mode).toBe('jepa');
    expect(groupLabels(groups)).toEqual(['mode sparse · lambda 1', 'mode jepa · lambda 0']);
  });

  it('keys settings whatever the order of their fields, and splits on any other field', () => {
    const c = defaultConfig();
    const reversed = Object.fromEntries(Object.entries({ ...c, seed: 4 }).reverse()) as LabConfig;
    expect(groupBySetting([run('a', c, 1), { ...run('b', c, 2), config: reversed }])).toHaveLength(1);
    expect(groupBySetting([run('a', c, 1), run('b', { steps: c.steps + 1 }, 2)])).toHaveLength(2);
    expect(groupLabels(groupBySetting([run('a', c, 1)]))).toEqual(['one setting']);
  });

  it('leaves out what a run lacks: no loss (never trained), no probe', () => {
    const [g] = groupBySetting([run('a', {}, null), run('b', { seed: 2 }, null, [probe(3, 0.2, 'attentive')])]);
    expect(g.loss).toBeNull();
    expect(g.top1).toBeNull();
    expect(finalProbe(run('c', {}, 1, [probe(3, 0.2, 'attentive')]))).toBeNull();
  });

  it('spread: mean and sample standard deviation', () => {
    expect(spread([2, 4, 4, 4, 5, 5, 7, 9])).toEqual({ mean: 5, std: Math.sqrt(32 / 7), n: 8 });
    expect(spread([NaN])).toBeNull();
  });
});

describe('the grouped table’s runs', () => {
  it('puts the sweep’s groups first', () => {
    const groups = [{ runIds: ['a'] }, { runIds: ['b', 'c'] }, { runIds: ['d'] }];
    expect(sweepGroupsFirst(groups, ['c', 'd'])).toEqual([{ runIds: ['b', 'c'] }, { runIds: ['d'] }, { runIds: ['a'] }]);
    expect(sweepGroupsFirst(groups, [])).toEqual(groups);
  });

  it('is the ticked runs, else the sweep’s, else all, unless the person chose', () => {
    expect(groupSource(null, 2, 3)).toBe('ticked');
    expect(groupSource(null, 0, 3)).toBe('sweep');
    expect(groupSource(null, 0, 0)).toBe('all');
    expect(groupSource('all', 2, 3)).toBe('all');
  });
});
