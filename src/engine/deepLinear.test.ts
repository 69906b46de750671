// The deep linear MAE/JEPA pair of Littwin et al. 2024 ("How JEPA avoids noisy features"):
// gradient descent on the full matrices, held to finite differences, to the gradient-flow
// critical times, and to the paper's result on which feature each objective learns first.
import { describe, expect, it } from 'vitest';
import {
  BiasDemo,
  balancedInit,
  DeepLinearSettingError,
  deepLinearSettings,
  finalGain,
  flowCriticalTime,
  jepaCriticalTime,
  OBJECTIVES,
  populationGradients,
  populationLoss,
  runBiasDemo,
  viewMoments,
  encoderProduct,
  type DeepLinearWeights,
  type Objective,
} from './deepLinear';
import { Rng } from '../shared/rng';

/** Random dense weights (not aligned with the features), to test the matrix calculus in general. */
function randomWeights(d: number, depth: number, seed: number): DeepLinearWeights {
  const rng = new Rng(seed);
  const m = () => Float64Array.from({ length: d * d }, () => 0.6 * rng.normal());
  return { layers: Array.from({ length: depth }, m), V: m() };
}

/** Central difference of the loss in every weight; JEPA's target W̄ is frozen at its current value. */
function numericGradients(objective: Objective, w: DeepLinearWeights, lambdas: number[], rhos: number[]): DeepLinearWeights {
  const m = viewMoments(lambdas, rhos);
  const frozen = encoderProduct(w, m.d); // sg(W̄): perturbing the online weights leaves it fixed
  const h = 1e-6;
  const diff = (a: Float64Array) =>
    a.map((v, i) => {
      a[i] = v + h;
      const up = populationLoss(objective, w, m, frozen);
      a[i] = v - h;
      const down = populationLoss(objective, w, m, frozen);
      a[i] = v;
      return (up - down) / (2 * h);
    });
  return { layers: w.layers.map(diff), V: diff(w.V) };
}

describe('deep linear MAE and JEPA: the population gradients', () => {
  const lambdas = [1.3, 0.7, 0.4];
  const rhos = [0.2, 0.9, 0.6];
  for (const objective of OBJECTIVES) {
    it(`${objective}: ∂L/∂W_l and ∂L/∂V match finite differences of the loss (random dense weights, L = 3)`, () => {
      const w = randomWeights(3, 3, objective === 'mae' ? 1 : 2);
      const g = populationGradients(objective, w, viewMoments(lambdas, rhos));
      const n = numericGradients(objective, w, lambdas, rhos);
      for (const [a, b] of [...g.layers.map((G, l) => [G, n.layers[l]]), [g.V, n.V]]) {
        for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i], 5);
      }
    });
  }

  it('JEPA does not differentiate through the target: its gradient differs from the full derivative of ½E‖Px − W̄y‖²', () => {
    const w = randomWeights(3, 2, 3);
    const m = viewMoments(lambdas, rhos);
    const g = populationGradients('jepa', w, m);
    const h = 1e-6;
    const W = w.layers[0];
    const v = W[1];
    W[1] = v + h;
    const up = populationLoss('jepa', w, m); // target moves with the weights: no stop-gradient
    W[1] = v - h;
    const down = populationLoss('jepa', w, m);
    W[1] = v;
    expect(Math.abs((up - down) / (2 * h) - g.layers[0][1])).toBeGreaterThan(1e-3);
  });
});

describe('deep linear MAE and JEPA: the dynamics', () => {
  it('gradient descent reaches the gradient flow’s critical times (small step) and JEPA’s closed form equals the quadrature', () => {
    const settings = { lambdas: [1, 0.5], rhos: [0.5, 0.9], init: 0.003, lr: 0.02 };
    for (const depth of [1, 2, 3]) {
      const r = runBiasDemo({ ...settings, depth });
      for (const o of OBJECTIVES) {
        r[o].criticalTimes.forEach((t, i) => {
          const flow = flowCriticalTime(o, settings.lambdas[i], settings.rhos[i], depth, settings.init);
          expect(t).not.toBeNull();
          expect(Math.abs((t as number) - flow) / flow).toBeLessThan(0.02);
        });
      }
      for (let i = 0; i < 2; i++) {
        const closed = jepaCriticalTime(settings.lambdas[i], settings.rhos[i], depth, settings.init);
        expect(closed / flowCriticalTime('jepa', settings.lambdas[i], settings.rhos[i], depth, settings.init)).toBeCloseTo(1, 6);
      }
    }
  });

  it('every feature’s gain rises from ε to its fixed point (MAE ρ^{L/(L+1)}, JEPA ρ^L) without overshooting it', () => {
    const r = runBiasDemo({ depth: 2 });
    for (const o of OBJECTIVES) {
      expect(r[o].done).toBe(true);
      r[o].curve.gains.forEach((curve, i) => {
        const gStar = finalGain(o, r.settings.rhos[i], 2);
        expect(curve[0]).toBeCloseTo(r.settings.init, 12);
        expect(curve[curve.length - 1]).toBeGreaterThanOrEqual(0.95 * gStar);
        expect(Math.max(...curve)).toBeLessThanOrEqual(gStar * (1 + 1e-9));
      });
    }
    // g* is where the flow stops: at balanced aligned weights with gain g* every gradient vanishes.
    for (const o of OBJECTIVES) {
      for (const depth of [1, 3, 5]) {
        const rhos = [0.5, 0.9];
        const w = balancedInit(2, depth, 1);
        rhos.forEach((rho, i) => {
          const a = finalGain(o, rho, depth) ** (1 / depth);
          for (const W of [...w.layers, w.V]) W[i * 2 + i] = o === 'mae' ? rho ** (1 / (depth + 1)) : a;
        });
        const g = populationGradients(o, w, viewMoments([1, 0.5], rhos));
        for (const G of [...g.layers, g.V]) for (const v of G) expect(Math.abs(v)).toBeLessThan(1e-12);
      }
    }
  });

  // Littwin et al. 2024, critical-time analysis: from a small balanced init, MAE's critical time
  // depends on ρ only weakly (order of λρ, so the high-λ feature wins when λ₁ρ₁ > λ₂ρ₂), while
  // JEPA's is Σ_{n=1}^{2L−1} 1/(λ n ρ^{2L−n} ε^{n/L}) (derived in deepLinear.ts): powers of ρ up to
  // 2L−1 that weigh more as the encoder deepens, so JEPA's preference moves to the high-ρ feature
  // with depth. Here feature 1 has λ = 1, ρ = 0.5 (λρ = 0.5) and feature 2 λ = 0.5, ρ = 0.9
  // (λρ = 0.45), ε = 0.003: the analysis predicts MAE 1-then-2 at every depth and JEPA's order to
  // flip as L grows.
  it('MAE learns the high-λ feature first at every depth; JEPA’s gap moves to the high-ρ feature with depth and flips by L = 5', () => {
    const ratios: number[] = [];
    for (let depth = 1; depth <= 5; depth++) {
      const r = runBiasDemo({ lambdas: [1, 0.5], rhos: [0.5, 0.9], init: 0.003, depth });
      const [m1, m2] = r.mae.criticalTimes as number[];
      const [j1, j2] = r.jepa.criticalTimes as number[];
      expect(m1).toBeLessThan(m2); // MAE: high-λ first
      expect(r.mae.order).toEqual([0, 1]);
      ratios.push(j2 / j1); // < 1: JEPA learns the high-ρ feature first
      expect(r.sentence).toContain(`Depth ${depth}: MAE learned feature 1 (λ = 1, ρ = 0.5) first`);
    }
    for (let k = 1; k < ratios.length; k++) expect(ratios[k]).toBeLessThan(ratios[k - 1]);
    expect(ratios[0]).toBeGreaterThan(1); // one layer: JEPA orders them like MAE
    expect(ratios[4]).toBeLessThan(1);
    const deepest = runBiasDemo({ lambdas: [1, 0.5], rhos: [0.5, 0.9], init: 0.003, depth: 5 });
    expect(deepest.jepa.order).toEqual([1, 0]);
    expect(deepest.sentence).toContain('JEPA learned feature 2 (λ = 0.5, ρ = 0.9) first');
    expect(deepest.sentence).toContain('— in order of ρ');
  });

  it('with equal ρ nothing flips: JEPA, too, learns the high-λ feature first at every depth (the flip is ρ’s doing)', () => {
    for (let depth = 1; depth <= 5; depth++) {
      const r = runBiasDemo({ lambdas: [1, 0.5], rhos: [0.7, 0.7], init: 0.003, depth });
      expect(r.mae.order).toEqual([0, 1]);
      expect(r.jepa.order).toEqual([0, 1]);
    }
  });

  it('swapping the features swaps the orders (nothing favours an index)', () => {
    const a = runBiasDemo({ lambdas: [1, 0.5], rhos: [0.5, 0.9], depth: 4 });
    const b = runBiasDemo({ lambdas: [0.5, 1], rhos: [0.9, 0.5], depth: 4 });
    expect(b.mae.criticalSteps).toEqual([...a.mae.criticalSteps].reverse());
    expect(b.jepa.criticalSteps).toEqual([...a.jepa.criticalSteps].reverse());
  });
});

describe('deep linear demo: the step-wise API and the settings', () => {
  it('streams: advancing in small chunks gives exactly the run done in one go, and curves stay near `points` long', () => {
    const whole = runBiasDemo({ depth: 3 });
    const demo = new BiasDemo({ depth: 3 });
    let polls = 0;
    while (!demo.advance(777)) {
      const partial = demo.result();
      expect(partial.jepa.curve.step.at(-1)).toBe(partial.jepa.steps);
      polls++;
    }
    expect(polls).toBeGreaterThan(10);
    const r = demo.result();
    expect(r.mae.criticalSteps).toEqual(whole.mae.criticalSteps);
    expect(r.jepa.criticalSteps).toEqual(whole.jepa.criticalSteps);
    expect(r.jepa.curve.step.at(-1)).toBe(r.jepa.steps);
    expect(r.jepa.curve.step.length).toBeLessThan(2 * r.settings.points);
    expect(r.jepa.curve.step.length).toBeGreaterThan(r.settings.points / 2);
    expect(r.jepa.curve.loss.every(Number.isFinite)).toBe(true);
  });

  it('names the setting at fault', () => {
    const bad = (s: Parameters<typeof deepLinearSettings>[0]) => {
      try {
        deepLinearSettings(s);
      } catch (e) {
        expect(e).toBeInstanceOf(DeepLinearSettingError);
        return (e as DeepLinearSettingError).field;
      }
      throw new Error('accepted');
    };
    expect(bad({ lambdas: [1, 2], rhos: [0.5] })).toBe('rhos');
    expect(bad({ lambdas: [1, -1], rhos: [0.5, 0.5] })).toBe('lambdas');
    expect(bad({ lambdas: [1], rhos: [1.2] })).toBe('rhos');
    expect(bad({ depth: 6 })).toBe('depth');
    expect(bad({ depth: 0 })).toBe('depth');
    expect(bad({ lr: 0 })).toBe('lr');
    expect(bad({ lr: 2 })).toBe('lr'); // MAE would diverge near its solution
    expect(bad({ init: 0.02, depth: 5 })).toBe('init'); // above half of ρ₁^5 = 0.031
    expect(bad({ steps: 1.5 })).toBe('steps');
    expect(() => deepLinearSettings({})).not.toThrow();
  });
});
