import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../engine/tf';
import { syntheticDataset } from '../data/synthetic';
import { Trainer } from '../engine/trainer';
import { CheckpointError, decodeCheckpoint, encodeCheckpoint } from './checkpoint';
import { writeSafetensors } from './safetensors';

const data = syntheticDataset({ seed: 3, trainPerClass: 10, testPerClass: 2, numClasses: 3 });
const config = { preset: 'micro', mode: 'sparse', batchSize: 4, steps: 50, seed: 11, normsEvery: 1 } as const;

describe('checkpoints', () => {
  // WASM for speed: bit-identity is a property of the restore, whatever the backend.
  beforeAll(() => tf.setBackend('wasm'));
  afterAll(() => tf.setBackend('cpu'));

  it('a restored run continues with bit-identical losses, norms and weights', async () => {
    const a = Trainer.create(config, data);
    for (let i = 0; i < 3; i++) await a.step();
    a.setHyper({ lambda: 0.02 });
    const bytes = encodeCheckpoint(await a.snapshot());
    const next = [await a.step(), await a.step()];

    const b = Trainer.create(config, data); // fresh weights, fresh RNG streams
    await b.restore(decodeCheckpoint(bytes));
    expect(b.stepCount).toBe(3);
    expect(b.hyper().lambda).toBe(0.02);
    const again = [await b.step(), await b.step()];
    for (let i = 0; i < 2; i++) {
      for (const k of ['step', 'loss', 'predLoss', 'klLoss', 'groupPenalty', 'gradNorm', 'lr', 'ema', 'epoch'] as const) {
        expect(again[i][k]).toBe(next[i][k]);
      }
      expect(again[i].groupNorms).toEqual(next[i].groupNorms);
    }
    expect(await b.exportSafetensors()).toEqual(await a.exportSafetensors());
    a.dispose();
    b.dispose();
  });

  it('refuses a checkpoint of another config, and files that are not checkpoints', async () => {
    const a = Trainer.create(config, data);
    const bytes = encodeCheckpoint(await a.snapshot());
    const other = Trainer.create({ ...config, latentDim: 8 }, data);
    await expect(other.restore(decodeCheckpoint(bytes))).rejects.toThrow(/another config/);
    expect(() => decodeCheckpoint(writeSafetensors([], { format: 'x' }))).toThrow(CheckpointError);
    expect(() => decodeCheckpoint(writeSafetensors([], { format: 'sparsejepa-lab/checkpoint/1', state: '{' }))).toThrow(/not JSON/);
    a.dispose();
    other.dispose();
  });
});
