import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticDataset } from '../data/synthetic';
import { makeImageBatch } from '../data/batch';
import { readSafetensors } from '../io/safetensors';
import type { LabConfigInput } from './config';
import * as tf from './tf';
import { Trainer, WeightsError } from './trainer';

const data = syntheticDataset({ seed: 0, trainPerClass: 12, testPerClass: 4, numClasses: 4 });
const base: LabConfigInput = { preset: 'micro', mode: 'sparse', batchSize: 4, steps: 100, seed: 5, lambda: 0.01, beta: 0.001, normsEvery: 5 };
const trainers: Trainer[] = [];
const make = (over: LabConfigInput = {}) => {
  const t = Trainer.create({ ...base, ...over }, data);
  trainers.push(t);
  return t;
};
afterAll(() => trainers.forEach((t) => t.dispose()));

describe('Trainer on the CPU backend (the reference)', () => {
  it('reports every metric of a step', async () => {
    const m = await make().step();
    expect(m.step).toBe(1);
    for (const k of ['loss', 'predLoss', 'klLoss', 'groupPenalty', 'lr', 'wd', 'ema', 'imgPerSec', 'epoch'] as const) {
      expect(Number.isFinite(m[k])).toBe(true);
    }
    expect(m.loss).toBeCloseTo(m.predLoss + 0.001 * m.klLoss + 0.01 * m.groupPenalty, 4);
    expect(m.groupNorms).toHaveLength(16);
    expect(m.groupNorms?.[0]).toHaveLength(32);
    expect(m.zeroShare).toBeGreaterThanOrEqual(0);
    expect(m.epoch).toBeCloseTo(4 / data.train.size, 10);
  });

  it('applies λ, β and lr changes on the next step without rebuilding', async () => {
    const t = make();
    await t.step();
    t.setHyper({ lambda: 0.5, beta: 0 });
    const m = await t.step();
    expect(m.lambda).toBe(0.5);
    expect(m.beta).toBe(0);
    expect(m.loss).toBeCloseTo(m.predLoss + 0.5 * m.groupPenalty, 4);
    t.setHyper({ lr: 0 });
    const before = await t.namedTensors();
    await t.step();
    const after = await t.namedTensors();
    // With lr = 0 nothing trained moves (the schedule's start/final are capped by the peak).
    const ctx = (ts: typeof before) => ts.find((x) => x.name === 'context_encoder.blocks.0.attn.qkv.weight')!.data;
    expect(ctx(after)).toEqual(ctx(before));
    expect(() => t.setHyper({ lambda: -1 })).toThrow(/lambda/);
    expect(() => t.setHyper({ beta: NaN })).toThrow(/beta/);
  });

  it('the proximal option gives exact zero columns', async () => {
    // η·λ = 0.2 per step is above the initial column norms (≈ 0.02·√64 = 0.16).
    const t = make({ proximal: true, lambda: 20, lr: 1e-2, warmupFraction: 0 });
    const m = await t.step();
    const zeros = m.groupNorms!.flat().filter((x) => x === 0).length;
    expect(zeros).toBeGreaterThan(0);
    expect(m.zeroShare).toBeGreaterThan(0);
  });

  it('round-trips weights through .safetensors: names, shapes, config, same embeddings', async () => {
    const a = make();
    await a.step();
    const bytes = await a.exportSafetensors();
    const file = readSafetensors(bytes);
    expect(JSON.parse(file.metadata.config).mode).toBe('sparse');
    expect(file.tensors.get('target_encoder.patch_embed.proj.weight')?.shape).toEqual([64, 3, 4, 4]);
    expect(file.tensors.get('target_encoder.pos_embed')?.shape).toEqual([1, 64, 64]);
    expect(file.tensors.get('target_encoder.blocks.1.attn.qkv.weight')?.shape).toEqual([192, 64]);
    expect(file.tensors.get('target_encoder.blocks.1.mlp.fc1.weight')?.shape).toEqual([256, 64]);
    expect(file.tensors.get('context_encoder.norm.weight')?.shape).toEqual([64]);
    expect(file.tensors.get('predictor.mask_token')?.shape).toEqual([1, 1, 32]);
    expect(file.tensors.get('group_head.W')?.shape).toEqual([16, 64, 32]);

    const b = make({ seed: 99 });
    const patches = makeImageBatch(data.test, [0, 1, 2], 4);
    const ea = await a.encode(patches, 3);
    expect(await b.encode(patches, 3)).not.toEqual(ea);
    await b.importSafetensors(bytes);
    expect(await b.encode(patches, 3)).toEqual(ea);
    expect(await b.evaluateFixedBatch(1)).toEqual(await a.evaluateFixedBatch(1));
  });

  it('gives μ for every patch of an image (sparse) and nothing for JEPA', async () => {
    const patches = makeImageBatch(data.test, [0], 4);
    const mu = await make().patchLatents(patches);
    expect(mu).toHaveLength(64 * 32);
    expect(mu!.every(Number.isFinite)).toBe(true);
    expect(await make({ mode: 'jepa' }).patchLatents(patches)).toBeNull();
  });

  it('refuses weights of the wrong shape, names the tensor, and changes nothing', async () => {
    const small = make();
    const other = make({ latentDim: 16 });
    const patches = makeImageBatch(data.test, [0], 4);
    const before = await small.encode(patches, 1);
    await expect(small.importSafetensors(await other.exportSafetensors())).rejects.toThrow(WeightsError);
    await expect(small.importSafetensors(await other.exportSafetensors())).rejects.toThrow(/group_head\.\S+ has shape/);
    const jepa = make({ mode: 'jepa' });
    await expect(small.importSafetensors(await jepa.exportSafetensors())).rejects.toThrow(/no tensor group_head/);
    expect(await small.encode(patches, 1)).toEqual(before);
  });
});

describe('Trainer on the WASM backend', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('gives the same numbers from the same seed, different numbers from another', async () => {
    const run = async (seed: number) => {
      const t = make({ seed });
      const out = [];
      for (let i = 0; i < 3; i++) out.push((await t.step()).loss);
      return out;
    };
    const a = await run(5);
    expect(await run(5)).toEqual(a);
    expect(await run(6)).not.toEqual(a);
  });

  it('keeps tf.memory().numTensors flat: the same after step 5 and step 50', async () => {
    const t = make();
    for (let i = 0; i < 5; i++) await t.step();
    const at5 = tf.memory().numTensors;
    for (let i = 5; i < 50; i++) await t.step();
    expect(tf.memory().numTensors).toBe(at5);
  });

  it('matches the CPU backend on a fixed batch from the same weights', async () => {
    const onWasm = make();
    await onWasm.step();
    const weights = await onWasm.exportSafetensors();
    const wasm = await onWasm.evaluateFixedBatch(3);
    await tf.setBackend('cpu');
    const onCpu = make();
    await onCpu.importSafetensors(weights);
    const cpu = await onCpu.evaluateFixedBatch(3);
    await tf.setBackend('wasm');
    for (const k of ['loss', 'predLoss', 'klLoss', 'groupPenalty'] as const) {
      expect(Math.abs(wasm[k] - cpu[k])).toBeLessThan(1e-4 * (1 + Math.abs(cpu[k])));
    }
  });
});
