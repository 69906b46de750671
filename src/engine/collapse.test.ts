// Collapse made visible: without the stop-gradient (targets from the online encoder, gradients
// through them) JEPA's representation collapses; with it (the EMA target) it does not.
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { syntheticDataset } from '../data/synthetic';
import { batchTensors, disposeBatch } from './batch';
import { groupOfPatch, modelDims, parseConfig, type LabConfigInput } from './config';
import { sampleBatchMasks } from './masks';
import { setFastPaths } from './matmul';
import { JepaModel } from './model';
import { readSafetensors } from '../io/safetensors';
import { Rng } from '../shared/rng';
import * as tf from './tf';
import { Trainer } from './trainer';

const models: JepaModel[] = [];
afterEach(() => models.splice(0).forEach((m) => m.dispose()));

function build(over: LabConfigInput) {
  const config = parseConfig({ preset: 'micro', mode: 'jepa', batchSize: 2, seed: 1, ...over });
  const dims = modelDims(config);
  const model = new JepaModel(config, dims, new Rng(config.seed));
  models.push(model);
  const rng = new Rng(7);
  const patches = Float32Array.from({ length: config.batchSize * dims.numPatches * dims.patchDim }, () => rng.normal());
  const masks = sampleBatchMasks(rng, config.batchSize, { ...config, grid: dims.grid });
  return { model, batch: batchTensors(dims, patches, config.batchSize, masks, groupOfPatch(config.grouping, dims.grid), null) };
}

describe("targetEncoder 'online-no-stopgrad'", () => {
  it('has no target encoder; its targets come from the context encoder, and gradients flow through them', () => {
    const { model, batch } = build({ targetEncoder: 'online-no-stopgrad' });
    expect(model.hasTarget).toBe(false);
    expect(model.targetsNeedGradient).toBe(true);
    expect(model.paramSets().map((s) => s.prefix)).toEqual(['context_encoder.', 'predictor.', 'predictor.']);
    const vars = model.trainableParams().map((p) => p.variable);
    const loss = (targets: () => tf.Tensor2D) => tf.variableGrads(() => model.lossTerms(batch, targets(), 0, 0, false).total, vars).grads;
    const fixed = tf.tidy(() => model.targets(batch)); // the same values, computed outside the gradient
    const through = loss(() => model.targets(batch));
    const stopped = loss(() => fixed);
    const diff = (v: tf.Variable) => tf.tidy(() => tf.max(tf.abs(tf.sub(through[v.name], stopped[v.name]))).dataSync()[0]);
    // The predictor and head do not make the targets: identical gradients. The context encoder does: other gradients.
    for (const p of [...model.predictor.params.trainableParams(), ...model.head.params.trainableParams()]) expect(diff(p.variable)).toBe(0);
    const qkv = model.context.blocks[0].qkv.w;
    expect(diff(qkv)).toBeGreaterThan(1e-3 * tf.tidy(() => tf.max(tf.abs(stopped[qkv.name])).dataSync()[0]));
    tf.dispose([fixed, ...Object.values(through), ...Object.values(stopped)]);
    disposeBatch(batch);
  });

  it('SparseJEPA: the fused head-and-loss gradient (objective.ts) reaches the context encoder through the targets, as tfjs differentiates it', () => {
    const { model, batch } = build({ mode: 'sparse', targetEncoder: 'online-no-stopgrad', lambda: 0.01, beta: 0.1 });
    const vars = model.trainableParams().map((p) => p.variable);
    const grads = (fast: boolean) => {
      setFastPaths(fast);
      try {
        return tf.tidy(() => {
          const { grads: g } = tf.variableGrads(() => model.lossTerms(batch, model.targets(batch), 0.01, 0.1, false).total, vars);
          return vars.map((v) => g[v.name].dataSync() as Float32Array);
        });
      } finally {
        setFastPaths(true);
      }
    };
    const fused = grads(true);
    const plain = grads(false);
    vars.forEach((v, i) => {
      const scale = Math.max(...Array.from(plain[i], Math.abs), 1e-6);
      const worst = Math.max(...Array.from(fused[i], (x, j) => Math.abs(x - plain[i][j])));
      expect(worst, v.name).toBeLessThan(2e-4 * scale);
    });
    disposeBatch(batch);
  });

  it("with 'ema' the targets come from the target encoder, which gradients never touch", () => {
    const { model, batch } = build({});
    expect(model.hasTarget).toBe(true);
    expect(model.evaluated).toBe(model.target);
    expect(model.target.params.params.every((p) => !p.variable.trainable)).toBe(true);
    expect(model.trainableParams().some((p) => model.target.params.params.includes(p))).toBe(false);
    disposeBatch(batch);
  });
});

describe('representation health with and without the stop-gradient (built-in data, WASM)', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('RankMe of the encoder that makes the targets stays up with the EMA target and falls without the stop-gradient', async () => {
    await tf.setBackend('wasm');
    const data = syntheticDataset({ seed: 0, trainPerClass: 50, testPerClass: 5, numClasses: 10 });
    const steps = 40;
    const run = async (targetEncoder: 'ema' | 'online-no-stopgrad') => {
      const t = Trainer.create({ preset: 'micro', mode: 'jepa', steps, batchSize: 8, seed: 0, targetEncoder }, data);
      try {
        const ranks: number[] = [];
        const before = tf.memory().numTensors;
        for (let i = 0; i <= steps; i++) {
          if (i % 10 === 0) ranks.push((await t.representationHealth()).rankMe);
          if (i < steps) await t.step();
        }
        if (targetEncoder === 'online-no-stopgrad') {
          expect(readSafetensors(await t.exportSafetensors()).tensors.has('target_encoder.norm.weight')).toBe(false);
          expect(tf.memory().numTensors).toBe(before); // flat without the stop-gradient too
        }
        return ranks;
      } finally {
        t.dispose();
      }
    };
    const ema = await run('ema');
    const online = await run('online-no-stopgrad');
    const fmt = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(' → ');
    console.log(`RankMe over patch tokens (32 images, micro, batch 8, steps 0…${steps} every 10): EMA target ${fmt(ema)}; no stop-gradient ${fmt(online)}`);
    expect(online[0]).toBe(ema[0]); // the same encoder at step 0
    expect(ema.at(-1)!).toBeGreaterThan(0.9 * ema[0]);
    expect(online.at(-1)!).toBeLessThan(0.5 * ema.at(-1)!);
  });
});
