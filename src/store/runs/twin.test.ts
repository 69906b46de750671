// The twin shares the sparse run's batches: same images (same augmentation) and same masks.
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { syntheticDataset } from '../../data/synthetic';
import { parseConfig, withMode } from '../../engine/config';
import * as tf from '../../engine/tf';
import { Trainer } from '../../engine/trainer';
import { hasJepaTwin, jepaTwinConfig } from './twin';

// Record what the trainer builds each batch from: the patches (after flips/crops) and the masks.
const seen = vi.hoisted(() => ({ patches: [] as Float32Array[], masks: [] as unknown[] }));
vi.mock('../../data/batch', async (load) => {
  const real = await load<typeof import('../../data/batch')>();
  return { ...real, makePatchBatch: (...a: Parameters<typeof real.makePatchBatch>) => { const p = real.makePatchBatch(...a); seen.patches.push(p); return p; } };
});
vi.mock('../../engine/masks', async (load) => {
  const real = await load<typeof import('../../engine/masks')>();
  return { ...real, sampleBatchMasks: (...a: Parameters<typeof real.sampleBatchMasks>) => { const m = real.sampleBatchMasks(...a); seen.masks.push(m); return m; } };
});

const data = syntheticDataset({ seed: 0, trainPerClass: 8, testPerClass: 2, numClasses: 4 });
const sparseConfig = parseConfig({ preset: 'micro', mode: 'sparse', batchSize: 4, steps: 20, seed: 11, lambda: 0.05, beta: 0.01, proximal: true });
const trainers: Trainer[] = [];
beforeAll(() => tf.setBackend('wasm'));
afterAll(async () => {
  trainers.forEach((t) => t.dispose());
  await tf.setBackend('cpu');
});

/** The patches and masks of the first `steps` batches of a fresh run. */
async function batches(config: typeof sparseConfig, steps: number) {
  seen.patches.length = 0;
  seen.masks.length = 0;
  const t = Trainer.create(config, data);
  trainers.push(t);
  for (let i = 0; i < steps; i++) await t.step();
  return { patches: [...seen.patches], masks: [...seen.masks], trainer: t };
}

describe('JEPA twin of a SparseJEPA run', () => {
  it('is the same config with mode jepa, λ = β = 0 and no proximal step', () => {
    const twin = jepaTwinConfig(sparseConfig);
    expect(twin).toEqual({ ...sparseConfig, mode: 'jepa', lambda: 0, beta: 0, proximal: false });
  });

  it('trains on the same images and masks, batch for batch', async () => {
    const sparse = await batches(sparseConfig, 2);
    const twin = await batches(jepaTwinConfig(sparseConfig), 2);
    expect(sparse.patches).toHaveLength(2);
    expect(sparse.masks).toHaveLength(2);
    expect(twin.patches).toEqual(sparse.patches);
    expect(twin.masks).toEqual(sparse.masks);
    expect(twin.trainer.model.sparseHead).toBeFalsy(); // plain linear head
    // Not equal by accident: another seed draws other masks.
    const other = await batches({ ...sparseConfig, seed: 12 }, 1);
    expect(other.masks[0]).not.toEqual(sparse.masks[0]);
  });
});

describe('JEPA twin of an MAE run', () => {
  // With the sparse run's block masks (maskStrategy 'blocks', the controlled variant), so that the twin's masks are MAE's.
  const maeConfig = parseConfig({ ...sparseConfig, mode: 'mae', lambda: 1, beta: 0.01, proximal: false, maeNormPix: false });

  it('is a JEPA run with the same seed, data and masks (the MAE-only setting stays, unused)', () => {
    const twin = jepaTwinConfig(maeConfig);
    expect(twin).toEqual({ ...maeConfig, mode: 'jepa', lambda: 0, beta: 0 });
    expect(twin.seed).toBe(11);
    expect([hasJepaTwin(maeConfig), hasJepaTwin(sparseConfig), hasJepaTwin(twin)]).toEqual([true, true, false]);
  });

  it("of an MAE run on MAE's own random masks trains on JEPA's blocks (JEPA has no random masks)", () => {
    const random = parseConfig(withMode(sparseConfig, 'mae'));
    expect(random.maskStrategy).toBe('random');
    expect(jepaTwinConfig(random)).toEqual({ ...random, mode: 'jepa', maskStrategy: 'blocks', lambda: 0, beta: 0, proximal: false });
  });

  it('trains on the MAE run\'s images and masks, batch for batch, from the same encoder draw', async () => {
    const mae = await batches(maeConfig, 2);
    const twin = await batches(jepaTwinConfig(maeConfig), 2);
    expect(mae.patches).toHaveLength(2);
    expect(twin.patches).toEqual(mae.patches);
    expect(twin.masks).toEqual(mae.masks);
    // MAE's context encoder at step 0 is the twin's target encoder at step 0 (the same draw from the seed).
    const fresh = [Trainer.create(maeConfig, data), Trainer.create(jepaTwinConfig(maeConfig), data)];
    trainers.push(...fresh);
    const image = new Float32Array(64 * 48).map((_, i) => Math.sin(i));
    expect(await fresh[0].encode(image, 1)).toEqual(await fresh[1].encode(image, 1));
  });
});
