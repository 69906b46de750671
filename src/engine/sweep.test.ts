import { describe, expect, it } from 'vitest';
import { ConfigError, defaultConfig, parseConfig, type LabConfigInput } from './config';
import { parseNumberList, planSweep } from './sweep';

describe('parseNumberList (the command line and the Sweep panel)', () => {
  it('reads a comma-separated list of numbers, spaces allowed', () => {
    expect(parseNumberList('λ list', '0, 1e-4,1e-3 ,2.5')).toEqual([0, 1e-4, 1e-3, 2.5]);
    expect(parseNumberList('Seeds', '0,1,2', true)).toEqual([0, 1, 2]);
  });

  it('names the field and the item in its one-line error', () => {
    const msg = (raw: string, integers = false) => {
      try {
        parseNumberList('λ list', raw, integers);
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    expect(msg('')).toBe('λ list: the list is empty');
    expect(msg(' , ')).toBe('λ list: the list is empty');
    expect(msg('0,abc')).toBe("λ list: expected a comma-separated list of numbers, got 'abc' in '0,abc'");
    expect(msg('0,,1')).toMatch(/got '' in '0,,1'/);
    expect(msg('1,-2')).toBe("λ list: expected numbers ≥ 0, got '-2'");
    expect(msg('0,1.5', true)).toBe("λ list: expected whole numbers ≥ 0, got '1.5'");
    expect(msg('Infinity')).toMatch(/got 'Infinity'/);
  });
});

describe('planSweep and the mask strategy', () => {
  it("gives each run its mode's masks: MAE He et al.'s random ones, JEPA and SparseJEPA blocks; a base of MAE keeps its own", () => {
    const strategies = (base: LabConfigInput) => planSweep({ base, modes: ['jepa', 'mae', 'sparse'], lambdas: [0.1], betas: [0], seeds: [0] }).map((r) => [r.config.mode, r.config.maskStrategy]);
    const want = (mae: string) => [['jepa', 'blocks'], ['mae', mae], ['sparse', 'blocks']];
    expect(strategies(defaultConfig())).toEqual(want('random'));
    expect(strategies(parseConfig({ mode: 'mae' }))).toEqual(want('random'));
    expect(strategies(parseConfig({ mode: 'mae', maskStrategy: 'blocks' }))).toEqual(want('blocks'));
  });
});
