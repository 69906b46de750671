import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticDataset } from '../data/synthetic';
import type { LabConfigInput } from '../engine/config';
import * as tf from '../engine/tf';
import { Trainer } from '../engine/trainer';
import { Run } from './run';
import { readSavedRun } from './runKeeper';
import { sweepNumbers } from './sweep';
import { fakeWorker } from './testEnv';

const data = syntheticDataset({ seed: 5, trainPerClass: 10, testPerClass: 2, numClasses: 3 });
// normsEvery 5 of 12 steps: the last metrics with a zero share are of step 10, not the end.
const config: LabConfigInput = { preset: 'micro', mode: 'sparse', batchSize: 4, steps: 12, seed: 9, checkpointEvery: 0, normsEvery: 5, lambda: 3 };
const dataset = { id: 'synthetic', name: 'built-in shapes' };

describe('sweepNumbers (a sweep row from the worker)', () => {
  beforeAll(() => tf.setBackend('wasm'));
  afterAll(() => tf.setBackend('cpu'));

  it("the last 10 prediction losses of the run's history and the zero share at its end, the same after a resume", async () => {
    const before = tf.memory().numTensors;
    const { env, events, store } = fakeWorker();
    const run = Run.create('sw-a', Trainer.create(config, data), dataset, env);
    for (let i = 0; i < 7; i++) await run.stepOnce();
    await run.pause(); // saved at step 7
    for (let i = 0; i < 5; i++) await run.stepOnce();
    const sent = events.flatMap((e) => (e.type === 'metrics' ? [e.metrics] : []));
    const n = await sweepNumbers(run);
    expect(n.step).toBe(12);
    expect(n.predLosses).toEqual(sent.slice(-10).map((m) => m.predLoss));
    const end = (await run.trainer.groupNorms())!;
    expect(n.zeroShare).toBe(end.zeroShare);
    // Not the last one the metrics carried (step 10): the end's, read now (0.43 vs 0.39 here).
    expect(n.zeroShare).not.toBe(sent.filter((m) => m.zeroShare !== undefined).at(-1)!.zeroShare);
    expect(n.hyper).toEqual([]); // nothing changed λ, β or lr
    // The groups' multi-information at the end, read now: Trainer.totalCorrelation's.
    expect(Number.isFinite(n.totalCorrelation)).toBe(true);
    expect(n.totalCorrelation).toBe((await run.trainer.totalCorrelation())!.groups);
    const expected = { predLosses: n.predLosses, zeroShare: n.zeroShare };
    run.dispose();

    // Resumed from step 7 and trained to the end again: the same numbers (steps are deterministic).
    const saved = (await readSavedRun(store, 'sw-a'))!;
    expect(saved.state.step).toBe(7);
    const b = await Run.restore('sw-a', Trainer.create(saved.state.config, data), { ...saved, savedAt: saved.info.savedAt }, dataset, fakeWorker({}, store).env);
    for (let i = 0; i < 5; i++) await b.stepOnce();
    const again = await sweepNumbers(b);
    expect({ predLosses: again.predLosses, zeroShare: again.zeroShare }).toEqual(expected);
    // The resume re-announces the checkpoint's values: logged, and equal to the planned ones.
    expect(again.hyper.map((h) => h.hyper.lambda)).toEqual([3]);
    b.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a JEPA run has no zero share; a learning rate changed mid-run is in the log', async () => {
    const run = Run.create('sw-j', Trainer.create({ ...config, mode: 'jepa', steps: 3 }, data), dataset, fakeWorker().env);
    await run.stepOnce();
    await run.setHyper({ lr: 1e-4 });
    await run.stepOnce();
    const n = await sweepNumbers(run);
    expect(n.zeroShare).toBeNull();
    expect(Number.isFinite(n.totalCorrelation)).toBe(true); // JEPA's predictor outputs, split into the same groups
    expect(n.predLosses).toHaveLength(2);
    expect(n.hyper).toEqual([{ atStep: 2, hyper: expect.objectContaining({ lr: 1e-4 }) }]);
    run.dispose();
  });
});
