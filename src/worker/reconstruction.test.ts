import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { makeImageBatch } from '../data/batch';
import { syntheticDataset } from '../data/synthetic';
import type { LabConfigInput } from '../engine/config';
import * as tf from '../engine/tf';
import { wasmTrainers } from '../engine/testTrainers';
import { rgbBytes } from './sharingSample';
import { HIDDEN_GREY, keepPatches, MASK_SEED, patchesToRgb, reconstructionSample } from './reconstruction';

const data = syntheticDataset({ seed: 2, trainPerClass: 6, testPerClass: 2, numClasses: 3 });
const mae: LabConfigInput = { preset: 'micro', mode: 'mae', batchSize: 4, steps: 20, seed: 5 };
const trainer = wasmTrainers();
const make = (over: LabConfigInput = {}) => trainer({ ...mae, ...over }, data);

describe('patchesToRgb (model-space patches back to bytes)', () => {
  it('undoes makeImageBatch: every byte comes back within rounding, for every patch size', () => {
    for (const p of [2, 4, 8]) {
      for (const i of [0, 7]) {
        const back = patchesToRgb(makeImageBatch(data.train, [i], p), p);
        const truth = rgbBytes(data.train, i);
        const worst = back.reduce((m, v, k) => Math.max(m, Math.abs(v - truth[k])), 0);
        expect(worst).toBeLessThanOrEqual(1);
      }
    }
  });

  it('clamps values outside the byte range, and refuses a wrong length by name', () => {
    const big = new Float32Array(3072).fill(50);
    expect(patchesToRgb(big, 4).every((v) => v === 255)).toBe(true);
    expect(patchesToRgb(big.map(() => -50), 4).every((v) => v === 0)).toBe(true);
    expect(() => patchesToRgb(new Float32Array(10), 4)).toThrow(/expected 64 patches of 48 values, got 10 values/);
  });

  it('keepPatches greys every patch but the kept ones', () => {
    const rgb = new Uint8Array(32 * 32 * 3).fill(7);
    const out = keepPatches(rgb, 8, [0, 15]); // a 4×4 grid: top-left and bottom-right patches
    expect(out[0]).toBe(7); // pixel (0, 0) in patch 0
    expect(out[3 * (31 * 32 + 31)]).toBe(7); // pixel (31, 31) in patch 15
    expect(out[3 * 8]).toBe(HIDDEN_GREY); // pixel (0, 8): patch 1
    expect(rgb[3 * 8]).toBe(7); // the input is left alone
  });
});

describe('reconstructionSample (MAE, between steps)', () => {
  it('decodes the target patches: input, context and reconstruction agree where they must, the error is the decoded pixels\' error', async () => {
    const t = make();
    for (let i = 0; i < 2; i++) await t.step();
    const before = tf.memory().numTensors;
    const s = (await reconstructionSample(t, 'r1', { imageIndex: 3 }))!;
    expect(tf.memory().numTensors).toBe(before);
    expect(s).toMatchObject({ runId: 'r1', step: 2, imageIndex: 3, trainSize: data.train.size, grid: 8, patchSize: 4, normPix: true });
    expect(s.input).toEqual(patchesToRgb(makeImageBatch(data.train, [3], 4), 4));
    const cell = (rgb: Uint8Array, patch: number) => rgb[3 * (Math.floor(patch / 8) * 4 * 32 + (patch % 8) * 4)];
    const targets = new Set(s.targets.flat());
    expect(targets.size).toBeGreaterThan(0);
    for (let q = 0; q < 64; q++) {
      const inContext = s.contextPatches.includes(q);
      expect(cell(s.context, q)).toBe(inContext ? cell(s.input, q) : HIDDEN_GREY);
      if (inContext) expect(cell(s.reconstruction, q)).toBe(cell(s.input, q));
      else if (!targets.has(q)) expect(cell(s.reconstruction, q)).toBe(HIDDEN_GREY);
    }
    // The same numbers as Trainer.reconstruct with the image's own mask seed.
    const patches = makeImageBatch(data.train, [3], 4);
    const r = (await t.reconstruct(patches, undefined, MASK_SEED + 3))!;
    expect(s.targets).toEqual(r.masks.targets.map((rows) => rows[0]));
    let se = 0;
    for (const p of targets) for (let k = 0; k < 48; k++) se += (r.image[p * 48 + k] - patches[p * 48 + k]) ** 2;
    expect(s.targetMse).toBeCloseTo(se / (targets.size * 48), 6);
    expect(s.targetMse).toBeGreaterThan(0);
  });

  it("shows MAE's random mask (the default): 16 visible patches, the other 48 masked, one block, every one decoded", async () => {
    const t = make();
    await t.step();
    const s = (await reconstructionSample(t, 'r', { imageIndex: 1 }))!;
    expect(s.contextPatches).toHaveLength(16);
    expect(s.targets).toHaveLength(1);
    expect(s.targets[0]).toHaveLength(48);
    expect([...s.contextPatches, ...s.targets[0]].sort((a, b) => a - b)).toEqual(Array.from({ length: 64 }, (_, i) => i));
    // No patch is grey in the reconstruction: every one was seen or decoded.
    const cell = (rgb: Uint8Array, patch: number) => rgb.subarray(3 * (Math.floor(patch / 8) * 4 * 32 + (patch % 8) * 4), 3 * (Math.floor(patch / 8) * 4 * 32 + (patch % 8) * 4) + 3);
    for (const q of s.contextPatches) expect(cell(s.reconstruction, q)).toEqual(cell(s.input, q));
    expect(s.targets[0].some((q) => cell(s.reconstruction, q).some((v) => v !== HIDDEN_GREY))).toBe(true);
  });

  it('keeps an image\'s masks from step to step, and leaves training as it was', async () => {
    const viewed = make();
    const plain = make();
    const first = (await reconstructionSample(viewed, 'r', { imageIndex: 1 }))!;
    for (const t of [viewed, plain]) await t.step();
    const again = (await reconstructionSample(viewed, 'r', { imageIndex: 1 }))!;
    expect(again.targets).toEqual(first.targets);
    expect(again.contextPatches).toEqual(first.contextPatches);
    expect(again.reconstruction).not.toEqual(first.reconstruction); // the decoder learned something in one step
    const other = (await reconstructionSample(viewed, 'r', { imageIndex: 2 }))!;
    expect(other.targets).not.toEqual(first.targets);
    const [a, b] = [await viewed.step(), await plain.step()];
    expect(a.loss).toBe(b.loss);
  });

  it('is null for JEPA and SparseJEPA runs, and names a bad image index', async () => {
    expect(await reconstructionSample(make({ mode: 'jepa' }), 'r', { imageIndex: 0 })).toBeNull();
    expect(await reconstructionSample(make({ mode: 'sparse' }), 'r', { imageIndex: 0 })).toBeNull();
    await expect(reconstructionSample(make(), 'r', { imageIndex: data.train.size })).rejects.toThrow(`image index ${data.train.size} is outside 0…${data.train.size - 1}`);
  });
});
