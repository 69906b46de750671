import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticDataset } from '../data/synthetic';
import * as tf from '../engine/tf';
import { Trainer } from '../engine/trainer';
import { rgbBytes, sharingSample } from './sharingSample';

const data = syntheticDataset({ seed: 0, trainPerClass: 6, testPerClass: 2, numClasses: 3 });
const trainers: Trainer[] = [];
const make = (mode: 'sparse' | 'jepa') => {
  const t = Trainer.create({ preset: 'micro', mode, batchSize: 4, steps: 10, seed: 3 }, data);
  trainers.push(t);
  return t;
};

describe('sharingSample (worker side of the latent-sharing views)', () => {
  beforeAll(() => tf.setBackend('wasm'));
  afterAll(async () => {
    trainers.forEach((t) => t.dispose());
    await tf.setBackend('cpu');
  });

  it('interleaves CIFAR planes into RGB', () => {
    const i = 5;
    const rgb = rgbBytes(data.train, i);
    const img = data.train.images.subarray(i * 3072, (i + 1) * 3072);
    // Pixel (row 3, column 7): R, G, B from the three planes.
    const p = 3 * 32 + 7;
    expect([rgb[3 * p], rgb[3 * p + 1], rgb[3 * p + 2]]).toEqual([img[p], img[1024 + p], img[2048 + p]]);
  });

  it('gives μ per patch, the norms, the grouping and the last batch’s masks', async () => {
    const t = make('sparse');
    const before = await sharingSample(t, 'r1', { imageIndex: 2, batchItem: 0 });
    expect(before.masks).toBeNull();
    expect(before.mu).toHaveLength(64 * 32);
    expect(before.norms).toHaveLength(16 * 32);
    expect(Array.from(before.norms!.subarray(0, 32))).toEqual((await t.groupNorms())!.groupNorms[0].map(Math.fround));
    expect(Array.from(before.groupOfPatch.subarray(0, 10))).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 0, 0]);
    expect(before.label).toBe(data.train.classNames[data.train.labels[2]]);

    await t.step();
    const tensors = tf.memory().numTensors;
    const s = await sharingSample(t, 'r1', { imageIndex: 2, batchItem: 3 });
    expect(tf.memory().numTensors).toBe(tensors);
    const last = t.lastBatch!;
    expect(s.masks).toMatchObject({ step: 1, batchItem: 3, batchSize: 4, imageIndex: last.indices[3], context: last.masks.context[3] });
    expect(s.masks!.targets).toEqual(last.masks.targets.map((rows) => rows[3]));
    expect(s.masks!.rgb).toEqual(rgbBytes(data.train, last.indices[3]));
    // μ is the trainer's own for that image.
    expect(s.mu).not.toEqual(before.mu);
  });

  it('says which index is out of range', async () => {
    const t = make('sparse');
    await expect(sharingSample(t, 'r1', { imageIndex: data.train.size, batchItem: 0 })).rejects.toThrow(`image index ${data.train.size} is outside 0…${data.train.size - 1}`);
    await t.step();
    await expect(sharingSample(t, 'r1', { imageIndex: 0, batchItem: -1 })).rejects.toThrow(/batch image -1 is outside 0…3/);
  });

  it('JEPA: no μ and no norms, masks all the same', async () => {
    const t = make('jepa');
    await t.step();
    const s = await sharingSample(t, 'r1', { imageIndex: 0, batchItem: 0 });
    expect(s.mode).toBe('jepa');
    expect(s.mu).toBeNull();
    expect(s.norms).toBeNull();
    expect(s.masks?.context.length).toBeGreaterThan(0);
  });
});
