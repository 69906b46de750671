import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { syntheticDataset } from '../data/synthetic';
import { TrainingSession } from './session';
import * as tf from './tf';
import { Trainer, type TrainerState } from './trainer';

const data = syntheticDataset({ seed: 4, trainPerClass: 10, testPerClass: 2, numClasses: 3 });
const config = { preset: 'micro', mode: 'sparse', batchSize: 4, steps: 50, seed: 21 } as const;

describe('TrainingSession', () => {
  beforeAll(() => tf.setBackend('wasm'));
  afterAll(() => tf.setBackend('cpu'));

  it('NaN at step k: the run rolls back to the checkpoint before k', async () => {
    const saved: number[] = [];
    const trainer = Trainer.create(config, data);
    const session = new TrainingSession(trainer, { checkpointEvery: 2, onCheckpoint: (s: TrainerState) => void saved.push(s.step) });
    for (let i = 0; i < 5; i++) expect((await session.step()).kind).toBe('step');
    expect(saved).toEqual([0, 2, 4]);

    // Poison one weight: the next loss is NaN.
    const w = trainer.model.context.patchEmbed.w;
    w.assign(tf.fill(w.shape, NaN));
    const out = await session.step();
    expect(out.kind).toBe('diverged');
    if (out.kind !== 'diverged') return;
    expect(out.restoredStep).toBe(4);
    expect(out.message).toMatch(/non-finite.*lower learning rate.*Rolled back to the checkpoint at step 4/s);
    expect(trainer.stepCount).toBe(4);
    expect(w.dataSync().every(Number.isFinite)).toBe(true);

    // Continuing gives exactly what a clean run gives at step 5.
    const clean = Trainer.create(config, data);
    let ref;
    for (let i = 0; i < 5; i++) ref = await clean.step();
    const after = await session.step();
    expect(after.kind === 'step' && after.metrics.loss).toBe(ref!.loss);
    trainer.dispose();
    clean.dispose();
  });

  it('a step whose read-back fails (a lost GPU device) throws it and leaks no tensor', async () => {
    const trainer = Trainer.create(config, data);
    const session = new TrainingSession(trainer, { checkpointEvery: 0 });
    await session.step();
    const before = tf.memory().numTensors;
    const spy = vi.spyOn(tf.Tensor.prototype, 'data').mockRejectedValueOnce(new Error('Device was destroyed.'));
    await expect(session.step()).rejects.toThrow('Device was destroyed.');
    spy.mockRestore();
    expect(tf.memory().numTensors).toBe(before);
    // The update was queued before its read-back: the caller rebuilds from the checkpoint (the worker does).
    expect(trainer.stepCount).toBe(2);
    trainer.dispose();
  });

  it('running ahead (the loop) gives the numbers of steps taken one at a time', async () => {
    const one = Trainer.create(config, data);
    const ref: number[] = [];
    for (let i = 0; i < 6; i++) ref.push((await one.step()).loss);
    const trainer = Trainer.create(config, data);
    const session = new TrainingSession(trainer, { checkpointEvery: 4 });
    const tensors = tf.memory().numTensors;
    const got: number[] = [];
    const inFlight: (number | null)[] = [];
    for (let i = 0; i < 5; i++) {
      const out = await session.step(true);
      if (out.kind === 'step') got.push(out.metrics.loss);
      inFlight.push(session.inFlight);
    }
    // Step 4 is a checkpoint step: nothing runs ahead of it, and the checkpoint is of step 4 itself.
    expect(inFlight).toEqual([2, 3, 4, null, 6]);
    expect(session.lastCheckpoint!.step).toBe(4);
    await expect(session.checkpoint()).rejects.toThrow(/step 6 is still in flight/);
    const last = await session.finish();
    expect(last?.kind === 'step' && last.metrics.step).toBe(6);
    if (last?.kind === 'step') got.push(last.metrics.loss);
    expect(await session.finish()).toBeNull();
    expect(got).toEqual(ref);
    expect(tf.memory().numTensors).toBe(tensors); // nothing left behind by the steps run ahead
    one.dispose();
    trainer.dispose();
  });

  it('a non-finite step found a step late: it and the step queued behind it are undone', async () => {
    const trainer = Trainer.create(config, data);
    const session = new TrainingSession(trainer, { checkpointEvery: 4 });
    for (let i = 0; i < 5; i++) expect((await session.step(true)).kind).toBe('step');
    expect(session.inFlight).toBe(6);
    // Step 6 is queued (with good weights); poisoning now makes step 7 non-finite.
    const w = trainer.model.context.patchEmbed.w;
    w.assign(tf.fill(w.shape, NaN));
    expect((await session.step(true)).kind).toBe('step'); // step 6
    const out = await session.step(true); // step 7, with step 8 queued behind it
    expect(out.kind).toBe('diverged');
    if (out.kind !== 'diverged') return;
    expect(out.message).toMatch(/non-finite at step 7.*Step 8, queued before the check came back, was applied too.*Rolled back to the checkpoint at step 4/s);
    expect(out.restoredStep).toBe(4);
    expect(trainer.stepCount).toBe(4);
    expect(session.inFlight).toBeNull();
    expect(w.dataSync().every(Number.isFinite)).toBe(true);

    const clean = Trainer.create(config, data);
    let ref;
    for (let i = 0; i < 5; i++) ref = await clean.step();
    const after = await session.step(true);
    expect(after.kind === 'step' && after.metrics.loss).toBe(ref!.loss);
    await session.finish();
    trainer.dispose();
    clean.dispose();
  });

  it('throws other errors as they are', async () => {
    const trainer = Trainer.create(config, data);
    const session = new TrainingSession(trainer, { checkpointEvery: 0 });
    trainer.queueStep = () => ({ step: 1, metrics: Promise.reject(new Error('boom')) });
    await expect(session.step()).rejects.toThrow('boom');
    trainer.dispose();
  });
});
