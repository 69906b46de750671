import { describe, expect, it } from 'vitest';
import { SLIDER_STEPS, roundSig, sliderToValue, valueToSlider } from './logSlider';

describe('log slider', () => {
  it('maps the ends and zero', () => {
    expect(sliderToValue(0, -6, 2)).toBe(0);
    expect(sliderToValue(1, -6, 2)).toBe(1e-6);
    expect(sliderToValue(SLIDER_STEPS, -6, 2)).toBe(100);
    expect(valueToSlider(0, -6, 2)).toBe(0);
    expect(valueToSlider(1e-6, -6, 2)).toBe(1);
    expect(valueToSlider(100, -6, 2)).toBe(SLIDER_STEPS);
    expect(valueToSlider(1e9, -6, 2)).toBe(SLIDER_STEPS);
    expect(valueToSlider(1e-12, -6, 2)).toBe(1);
  });
  it('is log-spaced and round-trips positions', () => {
    for (let p = 1; p <= SLIDER_STEPS; p++) expect(valueToSlider(sliderToValue(p, -6, 2), -6, 2)).toBe(p);
    const mid = sliderToValue(Math.round((SLIDER_STEPS + 1) / 2), -6, 2);
    expect(Math.log10(mid)).toBeGreaterThan(-2.1);
    expect(Math.log10(mid)).toBeLessThan(-1.9);
  });
  it('rounds to 3 significant digits', () => {
    expect(roundSig(0.00123456)).toBe(0.00123);
    expect(roundSig(0)).toBe(0);
  });
});
