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

  it('NaN at step k: the step is not applied, the run rolls back to the checkpoint before k', async () => {
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

  it('a step whose read-back fails (a lost GPU device) throws it, applies nothing and leaks no tensor', async () => {
    const trainer = Trainer.create(config, data);
    const session = new TrainingSession(trainer, { checkpointEvery: 0 });
    await session.step();
    const before = tf.memory().numTensors;
    const spy = vi.spyOn(tf.Tensor.prototype, 'data').mockRejectedValueOnce(new Error('Device was destroyed.'));
    await expect(session.step()).rejects.toThrow('Device was destroyed.');
    spy.mockRestore();
    expect(tf.memory().numTensors).toBe(before);
    expect(trainer.stepCount).toBe(1);
    trainer.dispose();
  });

  it('throws other errors as they are', async () => {
    const trainer = Trainer.create(config, data);
    const session = new TrainingSession(trainer, { checkpointEvery: 0 });
    trainer.step = () => Promise.reject(new Error('boom'));
    await expect(session.step()).rejects.toThrow('boom');
    trainer.dispose();
  });
});
