import { describe, expect, it } from 'vitest';
import { ARCH_FIELDS, ConfigSchema, defaultConfig, FIELD_ROLES, HYPER_FIELDS, LIVE_FIELDS, parseConfig, runFieldsChanged, sameRun, withArchitecture } from './config';

describe('config field roles (one list of what is live and what fixes the architecture)', () => {
  it('places every schema field, and only those', () => {
    expect(Object.keys(FIELD_ROLES).sort()).toEqual(Object.keys(ConfigSchema.shape).sort());
    expect([...LIVE_FIELDS].sort()).toEqual(['beta', 'healthEvery', 'lambda', 'lr', 'probeEvery']);
    for (const k of HYPER_FIELDS) expect(LIVE_FIELDS).toContain(k);
    expect(ARCH_FIELDS).toContain('latentDim');
    expect(ARCH_FIELDS).not.toContain('seed');
  });

  it('sameRun ignores the live settings only', () => {
    const c = defaultConfig();
    expect(sameRun(c, parseConfig({ ...c, lambda: 0.5, beta: 0.2, lr: 0.01, probeEvery: 100 }))).toBe(true);
    expect(sameRun(c, parseConfig({ ...c, seed: 1 }))).toBe(false);
    expect(sameRun(c, parseConfig({ ...c, subset: { classes: [1], superclasses: [], perClass: 0 } }))).toBe(false);
    expect(runFieldsChanged(c, parseConfig({ ...c, batchSize: 8, lr: 0.1, preset: 'micro' }))).toEqual(['preset', 'batchSize']);
  });

  it('withArchitecture takes the architecture fields and nothing else', () => {
    const base = parseConfig({ seed: 4, batchSize: 8 });
    const file = parseConfig({ preset: 'micro', latentDim: 8, grouping: 'rows', seed: 9 });
    const out = withArchitecture(base, file);
    expect(out).toMatchObject({ preset: 'micro', latentDim: 8, grouping: 'rows', seed: 4, batchSize: 8 });
  });
});
