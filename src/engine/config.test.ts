import { describe, expect, it } from 'vitest';
import { ARCH_FIELDS, ConfigError, ConfigSchema, defaultConfig, FIELD_ROLES, HYPER_FIELDS, LIVE_FIELDS, parseConfig, parseSavedConfig, runFieldsChanged, sameRun, withArchitecture, withMode } from './config';

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

describe("the mask strategy (MAE: He et al.'s random masks; JEPA and SparseJEPA: I-JEPA's blocks)", () => {
  it("defaults to the mode's own and refuses random masks for JEPA and SparseJEPA, naming maskStrategy", () => {
    expect(parseConfig({ mode: 'mae' })).toMatchObject({ maskStrategy: 'random', maskRatio: 0.75 });
    expect(parseConfig({ mode: 'mae', maskStrategy: 'blocks' }).maskStrategy).toBe('blocks');
    expect(defaultConfig().maskStrategy).toBe('blocks');
    for (const mode of ['jepa', 'sparse'] as const) {
      const e = (() => { try { parseConfig({ mode, maskStrategy: 'random' }); } catch (err) { return err; } })();
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).field).toBe('maskStrategy');
      expect((e as Error).message).toMatch(/^maskStrategy 'random' is MAE's/);
    }
  });

  it('takes a maskRatio strictly between 0 and 1 that leaves a patch visible and one masked', () => {
    for (const maskRatio of [0, 1, 1.5, -0.1]) expect(() => parseConfig({ mode: 'mae', maskRatio })).toThrow(/maskRatio/);
    expect(() => parseConfig({ mode: 'mae', patchSize: 8, grouping: 'patch', maskRatio: 0.98 })).toThrow(/leaves 0 of the 16 patches visible/);
    expect(parseConfig({ mode: 'mae', patchSize: 8, grouping: 'patch', maskRatio: 0.9 }).maskRatio).toBe(0.9);
    expect(parseConfig({ mode: 'mae', maskStrategy: 'blocks', patchSize: 8, grouping: 'patch', maskRatio: 0.98 }).maskRatio).toBe(0.98); // unused by blocks
  });

  it('writes the same JSON whether the strategy was given or taken from the mode (configs are compared and hashed as JSON)', () => {
    expect(JSON.stringify(parseConfig({ mode: 'mae' }))).toBe(JSON.stringify(parseConfig({ mode: 'mae', maskStrategy: 'random' })));
    expect(Object.keys(parseConfig({}))).toEqual(Object.keys(ConfigSchema.shape));
  });

  it("withMode gives a change of mode that mode's strategy, and keeps it for the same mode", () => {
    const mae = parseConfig({ mode: 'mae', maskStrategy: 'blocks' });
    expect(parseConfig(withMode(mae, 'mae')).maskStrategy).toBe('blocks');
    expect(parseConfig(withMode(parseConfig({ mode: 'mae' }), 'jepa')).maskStrategy).toBe('blocks');
    expect(parseConfig(withMode(defaultConfig(), 'mae')).maskStrategy).toBe('random');
  });

  it('reads a saved config from before maskStrategy existed as trained on blocks (MAE too)', () => {
    const { maskStrategy: _s, maskRatio: _r, ...old } = parseConfig({ mode: 'mae', maskStrategy: 'blocks' });
    expect(parseSavedConfig(old).maskStrategy).toBe('blocks');
    expect(parseSavedConfig(parseConfig({ mode: 'mae' })).maskStrategy).toBe('random');
  });
});
