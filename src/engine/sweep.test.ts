import { describe, expect, it } from 'vitest';
import { ConfigError, defaultConfig, parseConfig, type LabConfigInput } from './config';
import { parseCsv } from '../io/csv';
import { SWEEP_CSV_COLUMNS, sweepCsv } from '../io/sweepCsv';
import { parseNumberList, planSweep, sweepRow } from './sweep';

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

describe('sweepRow: the k-NN and multi-information columns', () => {
  it('carries the k-NN probe at the end beside its floor and the groups’ multi-information (null for MAE) into the row and sweep.csv', () => {
    const [mae, sparse] = planSweep({ base: defaultConfig(), modes: ['mae', 'sparse'], lambdas: [0.1], betas: [0], seeds: [0] });
    const numbers = { predLosses: [2, 1], zeroShare: null, probes: [{ step: 0, top1: 0.2, top5: 0.5 }, { step: 6, top1: 0.4, top5: 0.7 }], floor: { top1: 0.2, top5: 0.5 } };
    const s = sweepRow(sparse, { ...numbers, zeroShare: 0.25, knn: { top1: 0.45, floorTop1: 0.3 }, totalCorrelation: 12.5 });
    expect(s).toMatchObject({ top1: 0.4, floorTop1: 0.2, knnTop1: 0.45, floorKnnTop1: 0.3, totalCorrelation: 12.5 });
    const m = sweepRow(mae, { ...numbers, knn: { top1: 0.35, floorTop1: 0.3 }, totalCorrelation: null });
    expect(m.totalCorrelation).toBeNull();
    // An old row (before these columns) leaves them empty in the CSV.
    const { knnTop1: _k, floorKnnTop1: _f, totalCorrelation: _t, ...old } = s;
    const csv = parseCsv(sweepCsv([s, m, old]));
    const at = (row: number, c: (typeof SWEEP_CSV_COLUMNS)[number]) => csv[row][SWEEP_CSV_COLUMNS.indexOf(c)];
    expect(csv[0]).toEqual([...SWEEP_CSV_COLUMNS]);
    expect([at(1, 'knnTop1'), at(1, 'floorKnnTop1'), at(1, 'totalCorrelation')]).toEqual(['0.45', '0.3', '12.5']);
    expect([at(2, 'mode'), at(2, 'totalCorrelation')]).toEqual(['mae', '']);
    expect([at(3, 'knnTop1'), at(3, 'totalCorrelation')]).toEqual(['', '']);
  });
});
