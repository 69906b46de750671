import { describe, expect, it } from 'vitest';
import { emaMomentum, learningRate, weightDecay } from './schedules';

describe('schedules', () => {
  const o = { peak: 1e-3, start: 2e-4, final: 1e-6, warmupSteps: 10 };
  it('warms the learning rate up linearly, then decays it on a cosine', () => {
    expect(learningRate(0, 100, o)).toBeCloseTo(2e-4, 12);
    expect(learningRate(5, 100, o)).toBeCloseTo(6e-4, 12);
    expect(learningRate(10, 100, o)).toBeCloseTo(1e-3, 12);
    expect(learningRate(55, 100, o)).toBeCloseTo(1e-6 + (1e-3 - 1e-6) * 0.5, 12);
    expect(learningRate(100, 100, o)).toBeCloseTo(1e-6, 12);
    expect(learningRate(500, 100, o)).toBeCloseTo(1e-6, 12);
  });
  it('weight decay goes 0.04 → 0.4 on a cosine', () => {
    expect(weightDecay(0, 100, [0.04, 0.4])).toBeCloseTo(0.04, 12);
    expect(weightDecay(50, 100, [0.04, 0.4])).toBeCloseTo(0.22, 12);
    expect(weightDecay(100, 100, [0.04, 0.4])).toBeCloseTo(0.4, 12);
  });
  it('EMA momentum rises linearly 0.996 → 1', () => {
    expect(emaMomentum(0, 1000, [0.996, 1])).toBeCloseTo(0.996, 12);
    expect(emaMomentum(500, 1000, [0.996, 1])).toBeCloseTo(0.998, 12);
    expect(emaMomentum(1000, 1000, [0.996, 1])).toBeCloseTo(1, 12);
  });
});
