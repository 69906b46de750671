import { describe, expect, it, vi } from 'vitest';
import { BiasDemo, DeepLinearSettingError, runBiasDemo } from '../engine/deepLinear';
import { BiasDemoRunner } from './biasDemo';
import type { WorkerEvent } from './protocol';
import { sliceHostFake } from './sliceHostFake';

const host = sliceHostFake;

const demoEvents = (events: WorkerEvent[]) => events.flatMap((e) => (e.type === 'bias-demo' ? [e] : []));

describe('BiasDemoRunner (the deep linear pair in the worker)', () => {
  it('streams both objectives\' curves as they grow and ends with the result the engine computes in one go', async () => {
    const { h, events, calls } = host();
    const runner = new BiasDemoRunner(h, { sliceMs: 2, restMs: 10, emitEveryMs: 0 });
    const settings = runner.start(1, { depth: 2 });
    expect(settings.depth).toBe(2);
    await runner.settled();
    const shown = demoEvents(events);
    expect(shown.length).toBeGreaterThan(2);
    expect(shown.every((e) => e.demoId === 1)).toBe(true);
    expect(shown.slice(0, -1).every((e) => !e.done)).toBe(true);
    const last = shown[shown.length - 1];
    expect(last.done).toBe(true);
    // Curves only grow (JEPA's steps never go back), and the final one is the engine's own.
    const steps = shown.map((e) => e.result.jepa.steps);
    expect(steps.every((s, i) => i === 0 || s >= steps[i - 1])).toBe(true);
    const whole = runBiasDemo({ depth: 2 });
    expect(last.result.mae.criticalSteps).toEqual(whole.mae.criticalSteps);
    expect(last.result.jepa.criticalSteps).toEqual(whole.jepa.criticalSteps);
    expect(last.result.sentence).toBe(whole.sentence);
    expect(last.result.sentence).toMatch(/^Depth 2: MAE learned feature 1 .* first/);
    // No run trains: slices follow each other with only a yield between them.
    expect(calls.sleeps).toEqual([]);
    expect(calls.yields).toBeGreaterThan(1);
  });

  it('rests after every slice while a run trains', async () => {
    const { h, events, calls } = host(true);
    const runner = new BiasDemoRunner(h, { sliceMs: 1, restMs: 45, emitEveryMs: 1e9 });
    runner.start(3, { depth: 1 });
    await runner.settled();
    expect(calls.sleeps.length).toBeGreaterThan(0);
    expect(calls.sleeps.every((ms) => ms === 45)).toBe(true);
    // Throttled emits: the first slice's and the last.
    const shown = demoEvents(events);
    expect(shown[shown.length - 1].done).toBe(true);
    expect(shown.length).toBeLessThanOrEqual(2);
  });

  it('a new demo replaces the one before it (a new depth, λ or ρ restarts the pair); stop ends it', async () => {
    const { h, events } = host();
    const runner = new BiasDemoRunner(h, { sliceMs: 1, restMs: 0, emitEveryMs: 0 });
    runner.start(1, { depth: 5 });
    runner.start(2, { depth: 1, lambdas: [1, 0.5, 0.25], rhos: [0.5, 0.9, 0.7] });
    await runner.settled();
    const shown = demoEvents(events);
    expect(shown.every((e) => e.demoId === 2)).toBe(true);
    expect(shown[shown.length - 1].result.settings.lambdas).toEqual([1, 0.5, 0.25]);
    events.length = 0;
    runner.start(4, { depth: 5 });
    runner.stop(3); // not the one running: nothing
    runner.stop(4);
    await runner.settled();
    expect(demoEvents(events).some((e) => e.done)).toBe(false);
  });

  it('refuses bad settings with the field named, and the demo before goes on', async () => {
    const { h, events } = host();
    const runner = new BiasDemoRunner(h, { sliceMs: 1, restMs: 0, emitEveryMs: 0 });
    runner.start(1, { depth: 1 });
    expect(() => runner.start(2, { depth: 6 })).toThrow(DeepLinearSettingError);
    expect(() => runner.start(2, { rhos: [0.5, 1.5] })).toThrow(/^rhos: feature 2: ρ must be in \(0, 1\]/);
    await runner.settled();
    expect(demoEvents(events).at(-1)).toMatchObject({ demoId: 1, done: true });
  });

  it('reports a demo that fails on the way (the engine\'s divergence check) as an error event naming the field', async () => {
    const { h, events } = host();
    const runner = new BiasDemoRunner(h, { sliceMs: 1, restMs: 0, emitEveryMs: 0 });
    // Settings that pass the checks never diverge (the step-size bound is MAE's stability limit), so the engine's throw is stood in for.
    const advance = vi.spyOn(BiasDemo.prototype, 'advance').mockImplementationOnce(() => {
      throw new DeepLinearSettingError('lr', 'η = 0.4: JEPA diverged at step 12');
    });
    runner.start(7, { depth: 1 });
    await runner.settled();
    advance.mockRestore();
    expect(events).toEqual([{ type: 'bias-demo-error', demoId: 7, field: 'lr', message: 'lr: η = 0.4: JEPA diverged at step 12' }]);
  });
});
