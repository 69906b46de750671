import { describe, expect, it } from 'vitest';
import type { StepMetrics } from '../engine/types';
import { METRIC_COLUMNS, csvField, metricsToCsv, parseCsv, toCsv } from './csv';

const m = (step: number, extra: Partial<StepMetrics> = {}): StepMetrics => ({
  step,
  epoch: step / 100,
  loss: 1 / step,
  predLoss: 0.5 / step,
  klLoss: 0.25,
  groupPenalty: 12.5,
  gradNorm: 0.75,
  lr: 1e-4 * step,
  wd: 0.04,
  ema: 0.996,
  imgPerSec: 123.4,
  lambda: 1e-3,
  beta: 1e-4,
  ...extra,
});

describe('CSV', () => {
  it('writes a header and one row per step, in column order', () => {
    const csv = metricsToCsv([m(1, { zeroShare: 0.5 }), m(2)]);
    const rows = parseCsv(csv);
    expect(rows[0]).toEqual([...METRIC_COLUMNS]);
    expect(rows).toHaveLength(3);
    expect(rows[1][0]).toBe('1');
    expect(Number(rows[1][2])).toBe(1);
    expect(rows[1][METRIC_COLUMNS.indexOf('zeroShare')]).toBe('0.5');
    // Missing optional value -> empty field.
    expect(rows[2][METRIC_COLUMNS.indexOf('zeroShare')]).toBe('');
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  it('keeps full float precision', () => {
    const v = 0.1 + 0.2;
    const rows = parseCsv(metricsToCsv([m(3, { loss: v })]));
    expect(Number(rows[1][2])).toBe(v);
  });

  it('quotes fields with commas, quotes and newlines, and parses them back', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    const text = toCsv(['name', 'note'], [['x,y', 'line1\nline2'], ['q"q', '']]);
    expect(parseCsv(text)).toEqual([
      ['name', 'note'],
      ['x,y', 'line1\nline2'],
      ['q"q', ''],
    ]);
  });

  it('writes NaN and empty values explicitly', () => {
    expect(csvField(NaN)).toBe('NaN');
    expect(csvField(undefined)).toBe('');
  });
});
