import { describe, expect, it } from 'vitest';
import type { EmbeddingSample } from '../../worker/protocol';
import { classColour, fitCoords, neighbourStrip, pointAt, sameClassShare } from './rules';

const sample = {
  n: 4,
  labels: Int32Array.from([0, 0, 1, 2]),
  classNames: ['cat', 'dog'],
  neighbours: { k: 2, index: Int32Array.from([1, 2, 0, 3, 3, 0, 2, 1]), similarity: Float32Array.from([0.9, 0.5, 0.9, 0.1, 0.8, 0.2, 0.8, 0.1]) },
} as unknown as EmbeddingSample;

describe('projector rules', () => {
  it('fits a layout into the plot with one scale for both axes, y up, centred', () => {
    const fit = fitCoords(Float32Array.from([0, 0, 2, 1, 1, 0.5]), 100, 100, 10);
    expect([fit.x(0), fit.y(0)]).toEqual([10, 70]);
    expect([fit.x(1), fit.y(1)]).toEqual([90, 30]);
    expect([fit.x(2), fit.y(2)]).toEqual([50, 50]);
    const one = fitCoords(Float32Array.from([3, 3]), 100, 100, 10); // a single point: no NaN
    expect([one.x(0), one.y(0)]).toEqual([50, 50]);
  });
  it('finds the nearest point within the radius, or none', () => {
    const fit = fitCoords(Float32Array.from([0, 0, 2, 1, 1, 0.5]), 100, 100, 10);
    expect(pointAt(fit, 3, 52, 49)).toBe(2);
    expect(pointAt(fit, 3, 12, 68)).toBe(0);
    expect(pointAt(fit, 3, 30, 30)).toBeNull();
  });
  it("lists a point's neighbours with their classes and whether they share its class", () => {
    expect(neighbourStrip(sample, 0, 5)).toEqual([
      { point: 1, className: 'cat', similarity: expect.closeTo(0.9, 6), sameClass: true },
      { point: 2, className: 'dog', similarity: expect.closeTo(0.5, 6), sameClass: false },
    ]);
    expect(neighbourStrip(sample, 3, 1)[0].className).toBe('dog');
    expect(neighbourStrip(sample, 2, 1)[0]).toMatchObject({ point: 3, className: 'class 2', sameClass: false });
  });
  it('counts the share of neighbours of the same class', () => {
    expect(sameClassShare(sample, 2)).toBeCloseTo(2 / 8);
    expect(sameClassShare(sample, 1)).toBeCloseTo(2 / 4);
  });
  it('gives classes distinct colours', () => {
    const c = Array.from({ length: 10 }, (_, k) => classColour(k, 10));
    expect(new Set(c).size).toBe(10);
  });
});
