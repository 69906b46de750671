import { describe, expect, it } from 'vitest';
import type { LatentsSample } from '../../worker/protocol';
import { cropBytes, groupRows, latentRows } from './rules';

const top = (v: number) => ({ imageIndex: v, patch: 0, row: 0, col: 0, value: v });
const sample = {
  runId: 'r',
  step: 3,
  cropSide: 2,
  crops: new Uint8Array(3 * 2 * 12),
  labels: ['a', 'b', 'c', 'd', 'e', 'f'],
  groupOfPatch: new Int32Array(4),
  result: {
    units: [
      { unit: 0, variance: 1, groups: [1], top: [top(3), top(1)] },
      { unit: 1, variance: 1, groups: [], top: [top(2), top(0)] },
      { unit: 2, variance: 1, groups: [0, 1], top: [top(5), top(4)] },
    ],
    groups: [
      { group: 0, latents: [2] },
      { group: 1, latents: [0, 2] },
    ],
  },
} as unknown as LatentsSample;

describe('latentRows / groupRows', () => {
  it('a row per unit, each crop at (i · topN + j) · side² · 3 with its class', () => {
    const rows = latentRows(sample);
    expect(rows.map((r) => r.unit)).toEqual([0, 1, 2]);
    expect(cropBytes(sample)).toBe(12);
    expect(rows[2].patches.map((p) => [p.cropOffset, p.label, p.value])).toEqual([
      [48, 'e', 5],
      [60, 'f', 4],
    ]);
    expect(rows[0].groups).toEqual([1]);
  });
  it("a group's rows are the latents it reads; none for an unknown group", () => {
    expect(groupRows(sample, 1).map((r) => r.unit)).toEqual([0, 2]);
    expect(groupRows(sample, 0).map((r) => r.unit)).toEqual([2]);
    expect(groupRows(sample, 7)).toEqual([]);
  });});
