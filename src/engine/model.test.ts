import { afterEach, describe, expect, it } from 'vitest';
import { batchTensors, disposeBatch } from './batch';
import { groupOfPatch, modelDims, parseConfig, type LabConfigInput } from './config';
import { sampleBatchMasks } from './masks';
import { JepaModel, type BatchTensors } from './model';
import { Rng } from '../shared/rng';
import * as tf from './tf';
import { LinearHead, SparseGroupHead } from './heads';

const models: JepaModel[] = [];
afterEach(() => {
  models.splice(0).forEach((m) => m.dispose());
});

function build(over: LabConfigInput = {}) {
  const config = parseConfig({ preset: 'micro', batchSize: 3, ...over });
  const dims = modelDims(config);
  const model = new JepaModel(config, dims, new Rng(config.seed));
  models.push(model);
  return { config, dims, model };
}

function randomBatch(over: LabConfigInput, seed: number, withNoise: boolean): BatchTensors {
  const { config, dims } = build(over);
  const rng = new Rng(seed);
  const B = config.batchSize;
  const patches = Float32Array.from({ length: B * dims.numPatches * dims.patchDim }, () => rng.normal());
  const masks = sampleBatchMasks(rng, B, { ...config, grid: dims.grid });
  return batchTensors(dims, patches, B, masks, groupOfPatch(config.grouping, dims.grid), withNoise ? rng : null);
}

/** The loss of a batch and of each of its images on its own (same masks and noise): values and gradients. */
function batchAndImages(mode: 'sparse' | 'jepa', recordGradients: boolean) {
  const { config, dims, model } = build({ mode, lambda: 0.01, beta: 0.1, predictionReduction: 'paper' });
  const rng = new Rng(11);
  const B = config.batchSize;
  const { numPatches: N, patchDim: P, latentDim: K } = dims;
  const patches = Float32Array.from({ length: B * N * P }, () => rng.normal());
  const masks = sampleBatchMasks(rng, B, { ...config, grid: dims.grid });
  const groups = groupOfPatch(config.grouping, dims.grid);
  const vars = model.trainableParams().map((p) => p.variable);
  const loss = (b: BatchTensors) =>
    tf.tidy(() => {
      if (!recordGradients) return { value: model.lossTerms(b, model.targets(b), config.lambda, config.beta, false).total.dataSync()[0], grads: [] as Float32Array[] };
      const targets = model.targets(b);
      const { value, grads } = tf.variableGrads(() => model.lossTerms(b, targets, config.lambda, config.beta, false).total, vars);
      return { value: value.dataSync()[0], grads: vars.map((v) => grads[v.name].dataSync() as Float32Array) };
    });
  // ε for every token of the batch, in the order batchTensors draws it; image b's share for its own batch.
  const noise = Float32Array.from({ length: masks.targets.length * B * masks.numTarget * K }, () => rng.normal());
  const noiseRng = (offsets: number[]) => {
    let i = 0;
    const order = offsets.flatMap((o) => Array.from({ length: masks.numTarget * K }, (_, j) => o + j));
    return { normal: () => noise[order[i++]] } as unknown as Rng;
  };
  const perImage = masks.numTarget * K;
  const whole = batchTensors(dims, patches, B, masks, groups, mode === 'sparse' ? noiseRng(Array.from({ length: masks.targets.length * B }, (_, i) => i * perImage)) : null);
  const all = loss(whole);
  disposeBatch(whole);
  const each = Array.from({ length: B }, (_, b) => {
    const one = { context: [masks.context[b]], targets: masks.targets.map((t) => [t[b]]), numContext: masks.numContext, numTarget: masks.numTarget };
    const batch = batchTensors(dims, patches.slice(b * N * P, (b + 1) * N * P), 1, one, groups, mode === 'sparse' ? noiseRng(masks.targets.map((_, m) => (m * B + b) * perImage)) : null);
    const r = loss(batch);
    disposeBatch(batch);
    return r;
  });
  return { B, all, each };
}

describe('JepaModel', () => {
  // Only attention mixes tokens, and only within an image: the batch's rows must keep images apart
  // and pair each prediction with its own target ('paper': the batch loss is the mean of the images').
  for (const mode of ['sparse', 'jepa'] as const) {
    for (const recordGradients of [false, true]) {
      it(`${mode}: a batch is its images taken one at a time (${recordGradients ? 'loss and gradients, the custom-gradient path' : 'loss, the forward path'})`, () => {
        const { B, all, each } = batchAndImages(mode, recordGradients);
        const mean = each.reduce((s, r) => s + r.value, 0) / B;
        expect(Math.abs(all.value - mean)).toBeLessThan(1e-5 * Math.abs(mean));
        all.grads.forEach((g, i) => {
          const ref = g.map((_, j) => each.reduce((s, r) => s + r.grads[i][j], 0) / B);
          const scale = Math.max(...ref.map(Math.abs), 1e-6);
          g.forEach((x, j) => expect(Math.abs(x - ref[j])).toBeLessThan(2e-4 * scale));
        });
      });
    }
  }

  it('produces the shapes of docs/design.md §1', () => {
    const { dims, model } = build({ mode: 'sparse' });
    const b = randomBatch({ mode: 'sparse' }, 1, true);
    const M = b.numTargets * b.B * b.numTarget;
    tf.tidy(() => {
      const out = model.predict(b);
      expect(out.pred.shape).toEqual([M, dims.embedDim]);
      expect(out.mu?.shape).toEqual([M, dims.latentDim]);
      expect(out.logVar?.shape).toEqual([M, dims.latentDim]);
      const s = model.targets(b);
      expect(s.shape).toEqual([M, dims.embedDim]);
      // Targets are layer-normalised over features.
      const { mean, variance } = tf.moments(s, -1);
      expect(Math.max(...tf.abs(mean).dataSync())).toBeLessThan(1e-4);
      expect(Math.abs(tf.mean(variance).dataSync()[0] - 1)).toBeLessThan(1e-3);
    });
    expect(dims).toMatchObject({ grid: 8, numPatches: 64, patchDim: 48, embedDim: 64, predictorDim: 32, numGroups: 16 });
    expect((model.head as SparseGroupHead).W.shape).toEqual([16, 32, 64]);
    disposeBatch(b);
  });

  it('with λ = β = 0 the sparse model gives exactly the JEPA prediction loss', () => {
    const over = { latentDim: 32, lambda: 0, beta: 0 } as const;
    const sparse = build({ ...over, mode: 'sparse' });
    const jepa = build({ ...over, mode: 'jepa' });
    const head = sparse.model.head as SparseGroupHead;
    const proj = (jepa.model.head as LinearHead).proj;
    const { predictorDim: Dp, numGroups: G } = sparse.dims;
    // Make the sparse head the identity into K = D_p latents, then JEPA's projection in every group.
    head.mu.w.assign(tf.eye(Dp));
    head.mu.b.assign(tf.zeros([Dp]));
    head.W.assign(tf.tile(tf.expandDims(proj.w, 0), [G, 1, 1]));
    head.b.assign(tf.tile(tf.expandDims(proj.b, 0), [G, 1]));
    const b = randomBatch(over, 2, false);
    const [sparseTotal, sparsePred, jepaTotal] = tf.tidy(() => {
      const s = sparse.model.lossTerms(b, sparse.model.targets(b), 0, 0, false);
      const j = jepa.model.lossTerms(b, jepa.model.targets(b), 0, 0, false);
      return [s.total.dataSync()[0], s.pred.dataSync()[0], j.total.dataSync()[0]];
    });
    expect(sparseTotal).toBeGreaterThan(0.1);
    expect(Math.abs(sparseTotal - jepaTotal)).toBeLessThan(1e-5 * jepaTotal);
    expect(sparseTotal).toBe(sparsePred);
    disposeBatch(b);
  });

  it('λ and β add exactly their terms; the proximal option leaves λ out of the loss', () => {
    const { model } = build({ mode: 'sparse' });
    const b = randomBatch({}, 3, true);
    tf.tidy(() => {
      const s = model.targets(b);
      const t = model.lossTerms(b, s, 0.3, 0.2, false);
      const [total, pred, kl, pen] = [t.total, t.pred, t.kl, t.penalty].map((x) => x.dataSync()[0]);
      // Relative: with W ~ N(0, 1) the penalty is in the thousands (float32 keeps ~7 digits).
      expect(Math.abs(total - (pred + 0.2 * kl + 0.3 * pen)) / total).toBeLessThan(1e-6);
      const p = model.lossTerms(b, s, 0.3, 0.2, true);
      expect(Math.abs(p.total.dataSync()[0] - (pred + 0.2 * kl)) / (pred + 0.2 * kl)).toBeLessThan(1e-6);
    });
    disposeBatch(b);
  });

  it('updates the target encoder as θ̄ ← m·θ̄ + (1−m)·θ', () => {
    const { model } = build({ mode: 'jepa' });
    const ctx = model.context.params.trainableParams();
    const tgt = model.target.params.trainableParams();
    const rng = new Rng(9);
    for (const p of [...ctx, ...tgt]) {
      p.variable.assign(tf.tensor(Float32Array.from({ length: p.variable.size }, () => rng.normal()), p.variable.shape));
    }
    const before = tgt.map((p) => p.variable.dataSync().slice());
    const source = ctx.map((p) => p.variable.dataSync().slice());
    model.updateTarget(0.9);
    tgt.forEach((p, i) => {
      const after = p.variable.dataSync();
      for (let j = 0; j < after.length; j += 7) expect(after[j]).toBeCloseTo(0.9 * before[i][j] + 0.1 * source[i][j], 5);
    });
    // Position embeddings are fixed and identical in both encoders.
    expect(model.target.posEmbed.dataSync()).toEqual(model.context.posEmbed.dataSync());
  });

  it('starts the target encoder as an exact copy of the context encoder', () => {
    const { model } = build({});
    model.context.params.params.forEach((p, i) => {
      expect(model.target.params.params[i].variable.dataSync()).toEqual(p.variable.dataSync());
    });
  });
});
