import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { syntheticDataset } from '../data/synthetic';
import type { LabConfigInput } from '../engine/config';
import * as tf from '../engine/tf';
import { wasmTrainers } from '../engine/testTrainers';
import { HealthRunner, healthStats, TC_EVERY } from './health';
import type { HealthPoint, WorkerEvent } from './protocol';
import { Run } from './run';
import { readSavedRun } from './runKeeper';
import { fakeWorker } from './testEnv';

const data = syntheticDataset({ seed: 1, trainPerClass: 8, testPerClass: 2, numClasses: 4 });
const base: LabConfigInput = { preset: 'micro', mode: 'jepa', batchSize: 4, steps: 7, seed: 2, checkpointEvery: 3 };
const trainer = wasmTrainers();
const make = (over: LabConfigInput = {}) => trainer({ ...base, ...over }, data);

const now = <T,>(fn: () => Promise<T>) => fn();
const points = (events: WorkerEvent[]) => events.flatMap((e) => (e.type === 'health' ? [e.point] : []));

describe('HealthRunner (representation health between steps)', () => {
  it('measures at step 0, every n steps and at the last step, once each; the interval changes live', async () => {
    const t = make({ healthEvery: 3 });
    const events: WorkerEvent[] = [];
    const kept: HealthPoint[] = [];
    const h = new HealthRunner((e) => events.push(e), (p) => kept.push(p));
    await h.maybe(t, 'r', now);
    await h.maybe(t, 'r', now); // the same step again: nothing
    for (let i = 0; i < 7; i++) {
      await t.step();
      await h.maybe(t, 'r', now);
    }
    expect(points(events).map((p) => p.step)).toEqual([0, 3, 6, 7]);
    expect(kept).toEqual(points(events));
    // The multi-information at steps that are multiples of TC_EVERY × 3 (15, 30, …) only: none of these.
    expect(points(events).every((p) => p.totalCorrelation === undefined)).toBe(true);
    // Every step measured: the multi-information at step TC_EVERY.
    const every = make({ healthEvery: 1 });
    const measured: HealthPoint[] = [];
    const h1 = new HealthRunner(() => undefined, (p) => measured.push(p));
    for (let i = 0; i <= TC_EVERY; i++) {
      if (i > 0) await every.step();
      await h1.maybe(every, 'r', now);
    }
    expect(measured.map((p) => [p.step, p.totalCorrelation !== undefined])).toEqual(Array.from({ length: TC_EVERY + 1 }, (_, s) => [s, s === TC_EVERY]));
    h.setEvery(t, 0);
    expect(h.due(t)).toBe(false);
    expect(h.everyFor(make())).toBe(0); // another trainer keeps its own config
    expect(() => h.setEvery(t, 1.5)).toThrow(/whole number ≥ 0, got 1.5/);
  });

  it('sends the target encoder\'s std and RankMe (and the context encoder\'s beside an EMA target), as Trainer.representationHealth computes them, leaving no tensors', async () => {
    const t = make();
    await t.step();
    const events: WorkerEvent[] = [];
    const before = tf.memory().numTensors;
    const p = await new HealthRunner((e) => events.push(e)).measure(t, 'r9');
    expect(tf.memory().numTensors).toBe(before);
    expect(p.step).toBe(1);
    expect(p.target).toEqual(healthStats(await t.representationHealth()));
    expect(p.context).toEqual(healthStats(await t.representationHealth({ encoder: 'context' })));
    // JEPA: the groups' multi-information of its predictor outputs, no latents.
    expect(p.totalCorrelation).toEqual(await t.totalCorrelation());
    expect(Object.keys(p.totalCorrelation!)).toEqual(['groups']);
    expect(p.target.rows).toBe(32 * 64);
    expect(p.target.dim).toBe(64);
    expect(p.target.rankMe).toBeGreaterThan(1);
    expect(p.target.rankMe).toBeLessThanOrEqual(64);
    expect(p.target.stdMin).toBeLessThanOrEqual(p.target.stdMean);
    expect(events).toEqual([{ type: 'health', runId: 'r9', point: p }]);
    // Without an EMA target there is one encoder: MAE, and JEPA without the stop-gradient.
    for (const over of [{ mode: 'mae' as const }, { targetEncoder: 'online-no-stopgrad' as const }]) {
      const q = await new HealthRunner(() => undefined).measure(make(over), 'r');
      expect(q.context).toBeUndefined();
      if (over.mode === 'mae') expect(q.totalCorrelation).toBeUndefined(); // MAE predicts pixels, not groups' embeddings
    }
  });

  it('leaves training exactly as it was', async () => {
    const watched = make();
    const plain = make();
    const h = new HealthRunner(() => undefined);
    for (let i = 0; i < 2; i++) {
      await h.measure(watched, 'r');
      const [a, b] = [await watched.step(), await plain.step()];
      expect(a.loss).toBe(b.loss);
    }
  });
});

describe('Run: health in the loop, kept with the checkpoint', () => {
  it('a run with healthEvery streams health events, and a resumed run gets them back', async () => {
    const { env, events, store } = fakeWorker();
    const run = Run.create('run-h', make({ healthEvery: 2 }), { id: 'synthetic', name: 'built-in' }, env);
    await run.stepOnce(); // step 0 and step 1 (not due)
    run.setHealthEvery(3); // live
    await run.start();
    for (let i = 0; i < 500 && !events.some((e) => e.type === 'state' && e.state === 'done'); i++) await new Promise((r) => setTimeout(r, 5));
    expect(points(events).map((p) => p.step)).toEqual([0, 3, 6, 7]);
    expect(events.filter((e) => e.type === 'health').every((e) => e.type === 'health' && e.runId === 'run-h')).toBe(true);
    await run.close();
    const saved = await readSavedRun(store, 'run-h');
    expect(saved!.state.step).toBe(7);
    expect(saved!.history.upTo(7).health).toEqual(points(events));
  });
});
