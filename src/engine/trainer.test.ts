import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticDataset } from '../data/synthetic';
import { makeImageBatch } from '../data/batch';
import { readSafetensors } from '../io/safetensors';
import { WeightsError } from '../io/trainerWeights';
import type { LabConfigInput } from './config';
import * as tf from './tf';
import { Trainer } from './trainer';

const data = syntheticDataset({ seed: 0, trainPerClass: 12, testPerClass: 4, numClasses: 4 });
const base: LabConfigInput = { preset: 'micro', mode: 'sparse', batchSize: 4, steps: 100, seed: 5, lambda: 0.01, beta: 0.001, normsEvery: 5 };
const trainers: Trainer[] = [];
const make = (over: LabConfigInput = {}) => {
  const t = Trainer.create({ ...base, ...over }, data);
  trainers.push(t);
  return t;
};
afterAll(() => trainers.forEach((t) => t.dispose()));
const relDiff = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);

describe('Trainer on the CPU backend (the reference)', () => {
  it('reports every metric of a step', async () => {
    const m = await make().step();
    expect(m.step).toBe(1);
    for (const k of ['loss', 'predLoss', 'klLoss', 'groupPenalty', 'lr', 'wd', 'ema', 'imgPerSec', 'epoch'] as const) {
      expect(Number.isFinite(m[k])).toBe(true);
    }
    expect(relDiff(m.loss, m.predLoss + 0.001 * m.klLoss + 0.01 * m.groupPenalty)).toBeLessThan(1e-6);
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
    expect(relDiff(m.loss, m.predLoss + 0.5 * m.groupPenalty)).toBeLessThan(1e-6);
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
    // η_W·λ = 10 per step is above the initial column norms (W ~ N(0, 1): ≈ √64 = 8).
    const t = make({ proximal: true, lambda: 10, groupLr: 1, warmupFraction: 0 });
    const m = await t.step();
    const zeros = m.groupNorms!.flat().filter((x) => x === 0).length;
    expect(zeros).toBeGreaterThan(0);
    expect(m.zeroShare).toBeGreaterThan(0);
  });

  it("W's proximal-gradient step: a plain SGD step of η_W = groupLr·lr_t/lr, then the group shrink by η_W·λ", async () => {
    const W = async (t: Trainer) => Float64Array.from((await t.model.sparseHead!.W.data()) as Float32Array);
    // Proximal mode leaves λ out of the gradient, so from one seed all three see the same ∇W.
    const cfg = { proximal: true, warmupFraction: 0, lr: 1e-3, groupLr: 0.05 } as const;
    const plain = make({ ...cfg, lambda: 0 });
    const twice = make({ ...cfg, lambda: 0, groupLr: 0.1 });
    const prox = make({ ...cfg, lambda: 2 });
    const w0 = await W(plain);
    const m = await plain.step();
    await twice.step();
    await prox.step();
    expect(m.groupLr).toBeCloseTo((0.05 * m.lr) / 1e-3, 12); // η_W = groupLr·lr_t/lr (no warm-up: lr_t is the cosine's first step, just under lr)
    const [wPlain, wTwice, wProx] = [await W(plain), await W(twice), await W(prox)];
    const { numGroups: G, latentDim: K, embedDim: D } = plain.dims;
    // SGD: the update is linear in η (twice the step size, twice the update) and not Adam's
    // normalised step (whose first update has the same magnitude, lr, in every coordinate).
    const delta = wPlain.map((x, i) => x - w0[i]);
    for (let i = 0; i < delta.length; i += 97) expect(Math.abs(wTwice[i] - w0[i] - 2 * delta[i])).toBeLessThan(1e-5 + 1e-3 * Math.abs(delta[i]));
    const mags = delta.map(Math.abs);
    const mean = mags.reduce((a, b) => a + b, 0) / mags.length;
    const sd = Math.sqrt(mags.reduce((a, b) => a + (b - mean) ** 2, 0) / mags.length);
    expect(sd / mean).toBeGreaterThan(0.3);
    // The shrink, by hand in double precision: each column of the SGD-stepped W scaled by max(0, 1 − ηλ/‖col‖).
    const t = m.groupLr! * 2;
    for (let g = 0; g < G; g++)
      for (let k = 0; k < K; k++) {
        const o = (g * K + k) * D;
        let sq = 0;
        for (let d = 0; d < D; d++) sq += wPlain[o + d] ** 2;
        const f = Math.max(0, 1 - t / Math.sqrt(sq));
        for (let d = 0; d < D; d += 7) expect(Math.abs(wProx[o + d] - f * wPlain[o + d])).toBeLessThan(1e-5);
      }
  });

  it('W carries no weight decay in either optimiser; the AdamW group keeps its decay', async () => {
    for (const groupOptimizer of ['sgd', 'adamw'] as const) {
      const t = make({ groupOptimizer });
      const head = t.model.sparseHead!;
      const wParam = head.params.params.find((p) => p.variable === head.W)!;
      expect(wParam.decay).toBe(false);
      // In the 'sgd' mode W is not in AdamW at all; in 'adamw' it is, without decay.
      expect(t.optimizer.params.some((p) => p.variable === head.W)).toBe(groupOptimizer === 'adamw');
      // Zero gradients and a large decay: decayed parameters shrink by (1 − lr·wd), W does not move.
      const zeros = Object.fromEntries(t.optimizer.params.map((p) => [p.variable.name, tf.zerosLike(p.variable)]));
      const w0 = head.W.dataSync().slice();
      const qkv = t.model.context.params.params.find((p) => p.name === 'blocks.0.attn.qkv.weight')!.variable;
      const q0 = qkv.dataSync()[0];
      t.optimizer.apply(zeros, 0.1, 0.5);
      tf.dispose(Object.values(zeros));
      expect(Array.from(head.W.dataSync())).toEqual(Array.from(w0));
      expect(qkv.dataSync()[0]).toBeCloseTo(q0 * 0.95, 6);
    }
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
