// MAE as the lab's third mode: its loss by hand, where its gradients go, its weights file, its
// reconstruction, and no tensors left behind.
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeImageBatch } from '../data/batch';
import { syntheticDataset } from '../data/synthetic';
import { readSafetensors } from '../io/safetensors';
import { WeightsError } from '../io/trainerWeights';
import { batchTensors, disposeBatch } from './batch';
import { groupOfPatch, modelDims, parseConfig, type LabConfigInput } from './config';
import { maskSettingsOf, sampleBatchMasks } from './masks';
import { JepaModel } from './model';
import { probeEncoderOfKind } from './probeKind';
import { Rng } from '../shared/rng';
import * as tf from './tf';
import { Trainer } from './trainer';

const models: JepaModel[] = [];
const trainers: Trainer[] = [];
afterEach(() => models.splice(0).forEach((m) => m.dispose()));
afterAll(() => trainers.forEach((t) => t.dispose()));

const data = syntheticDataset({ seed: 0, trainPerClass: 12, testPerClass: 4, numClasses: 4 });
const make = (over: LabConfigInput = {}) => {
  const t = Trainer.create({ preset: 'micro', mode: 'mae', batchSize: 4, steps: 100, seed: 3, ...over }, data);
  trainers.push(t);
  return t;
};

/** A tiny MAE batch of random patches: the model, its batch, and the numbers behind them. */
function tinyBatch(over: LabConfigInput, seed = 1) {
  const config = parseConfig({ preset: 'micro', mode: 'mae', batchSize: 2, ...over });
  const dims = modelDims(config);
  const model = new JepaModel(config, dims, new Rng(config.seed));
  models.push(model);
  const rng = new Rng(seed);
  const B = config.batchSize;
  const patches = Float64Array.from({ length: B * dims.numPatches * dims.patchDim }, () => rng.normal());
  const masks = sampleBatchMasks(rng, B, maskSettingsOf(config, dims.grid));
  const batch = batchTensors(dims, Float32Array.from(patches), B, masks, groupOfPatch(config.grouping, dims.grid), null);
  return { config, dims, model, patches, masks, batch };
}

/** (x − mean)/√(var + 1e-6) with the unbiased variance, in double precision. */
function normPixByHand(x: number[]): number[] {
  const m = x.reduce((a, b) => a + b, 0) / x.length;
  const v = x.reduce((a, b) => a + (b - m) ** 2, 0) / (x.length - 1);
  return x.map((y) => (y - m) / Math.sqrt(v + 1e-6));
}

describe('MAE loss, by hand on a tiny batch', () => {
  for (const maeNormPix of [false, true]) {
    for (const predictionReduction of ['paper', 'mean'] as const) {
      it(`${predictionReduction} reduction, ${maeNormPix ? 'per-patch normalised' : 'raw'} pixels`, () => {
        const { dims, model, patches, masks, batch } = tinyBatch({ maeNormPix, predictionReduction });
        const P = dims.patchDim;
        const N = dims.numPatches;
        const [pred, total, predTerm, kl, penalty] = tf.tidy(() => {
          const t = model.lossTerms(batch, model.targets(batch), 0.5, 0.5, false);
          return [model.predict(batch).pred.arraySync(), t.total.dataSync()[0], t.pred.dataSync()[0], t.kl.dataSync()[0], t.penalty.dataSync()[0]];
        });
        // The decoder's output x̂ for target block m, image b, patch j is row (j·nT + m)·B + b (time-major, batch.ts).
        const B = masks.context.length;
        const nT = masks.targets.length;
        let sum = 0;
        masks.targets.forEach((rows, m) =>
          rows.forEach((row, b) =>
            row.forEach((p, j) => {
              const raw = Array.from(patches.subarray((b * N + p) * P, (b * N + p + 1) * P));
              const x = maeNormPix ? normPixByHand(raw) : raw;
              const xh = pred[(j * nT + m) * B + b];
              for (let i = 0; i < P; i++) sum += (xh[i] - x[i]) ** 2;
            }),
          ),
        );
        const blocks = masks.targets.length * B;
        const expected = predictionReduction === 'paper' ? sum / blocks : sum / (blocks * masks.numTarget * P);
        expect(Math.abs(total - expected) / expected).toBeLessThan(1e-5);
        expect(predTerm).toBe(total); // no KL, no group lasso: λ and β do nothing
        expect([kl, penalty]).toEqual([0, 0]);
        disposeBatch(batch);
      });
    }
  }
});

describe("MAE's own masks (maskStrategy 'random', He et al.)", () => {
  it('is the MAE default: the encoder sees round(0.25·N) patches per image and the decoder predicts the other N − round(0.25·N) in one pass', () => {
    const { config, dims, model, masks, batch } = tinyBatch({ batchSize: 3 });
    expect([config.maskStrategy, config.maskRatio]).toEqual(['random', 0.75]);
    const N = dims.numPatches;
    const visible = Math.round(0.25 * N);
    expect([batch.numContext, batch.numTarget, batch.numTargets]).toEqual([visible, N - visible, 1]);
    expect(batch.contextPatches.shape).toEqual([visible * 3, dims.patchDim]);
    expect(batch.targetPos.shape).toEqual([(N - visible) * 3]);
    // Per image (time-major rows, batch.ts: token t of image b is row t·B + b): context ∪ targets = all N positions, disjoint.
    const ctx = Array.from(batch.hostPos.context);
    const tgt = Array.from(batch.hostPos.target);
    const rowsOf = (pos: number[], b: number) => pos.filter((_, i) => i % 3 === b);
    for (let b = 0; b < 3; b++) {
      const c = rowsOf(ctx, b);
      const t = rowsOf(tgt, b);
      expect(c).toEqual(masks.context[b]);
      expect(t).toEqual(masks.targets[0][b]);
      expect(new Set([...c, ...t]).size).toBe(N);
    }
    expect(new Set(masks.context.map((c) => c.join())).size).toBe(3); // each image its own mask
    const pred = tf.tidy(() => model.predict(batch).pred.shape);
    expect(pred).toEqual([(N - visible) * 3, dims.patchDim]); // every masked patch of every image, one decoder pass
    disposeBatch(batch);
  });

  it("keeps I-JEPA's blocks with maskStrategy 'blocks' (the controlled variant), and JEPA and SparseJEPA on blocks only", () => {
    const { masks, batch } = tinyBatch({ maskStrategy: 'blocks' });
    expect(masks.targets).toHaveLength(4);
    expect(batch.numTargets).toBe(4);
    disposeBatch(batch);
    expect(parseConfig({ mode: 'jepa' }).maskStrategy).toBe('blocks');
    expect(parseConfig({ mode: 'sparse' }).maskStrategy).toBe('blocks');
    expect(() => parseConfig({ mode: 'sparse', maskStrategy: 'random' })).toThrow(/maskStrategy 'random' is MAE's/);
  });

  it('trains a step under random masks: the step sees round(0.25·N) context patches and N − round(0.25·N) targets per image', async () => {
    const t = make({ maskRatio: 0.75 });
    const m = await t.step();
    const N = t.dims.numPatches;
    expect([m.contextKept, m.targetKept]).toEqual([Math.round(0.25 * N), N - Math.round(0.25 * N)]);
    expect(Number.isFinite(m.loss)).toBe(true);
  });
});

describe('MAE model', () => {
  it('has a context encoder and a decoder, no target encoder; gradients reach every decoder and encoder weight', () => {
    const { model, batch } = tinyBatch({});
    expect(model.hasTarget).toBe(false);
    expect(() => model.target).toThrow(/no target encoder/);
    expect(model.evaluated).toBe(model.context);
    expect(model.paramSets().map((s) => s.prefix)).toEqual(['context_encoder.', 'decoder.', 'decoder.']);
    const trained = model.trainableParams();
    const { grads } = tf.variableGrads(() => model.lossTerms(batch, model.targets(batch), 0, 0, false).total, trained.map((p) => p.variable));
    const names = model.paramSets().flatMap((s) => s.params.filter((p) => !p.frozen).map((p) => ({ name: s.prefix + p.name, v: p.variable })));
    expect(names.length).toBe(trained.length);
    const norms = tf.tidy(() => names.map(({ v }) => tf.norm(grads[v.name]).dataSync()[0]));
    names.forEach(({ name }, i) => expect(norms[i], name).toBeGreaterThan(0));
    expect(names.filter((n) => n.name.startsWith('decoder.')).length).toBeGreaterThan(10);
    expect(names.some((n) => n.name.startsWith('target_encoder.') || n.name.startsWith('predictor.'))).toBe(false);
    tf.dispose(Object.values(grads));
    disposeBatch(batch);
  });

  it('starts its context encoder and decoder transformer from the same draws as a JEPA model of the seed', () => {
    const mae = tinyBatch({ seed: 4 });
    const jepa = tinyBatch({ seed: 4, mode: 'jepa' });
    mae.model.context.params.params.forEach((p, i) => expect(p.variable.dataSync()).toEqual(jepa.model.context.params.params[i].variable.dataSync()));
    expect(mae.model.predictor.params.params.map((p) => p.name)).toEqual(jepa.model.predictor.params.params.map((p) => p.name.replace(/^predictor_/, 'decoder_')));
    expect(mae.model.predictor.blocks[0].qkv.w.dataSync()).toEqual(jepa.model.predictor.blocks[0].qkv.w.dataSync());
    disposeBatch(mae.batch);
    disposeBatch(jepa.batch);
  });
});

describe('MAE Trainer', () => {
  it('trains: loss = reconstruction term, no EMA, and the probed encoder is the context encoder', async () => {
    const t = make();
    const m = await t.step();
    expect(m.loss).toBe(m.predLoss);
    expect([m.klLoss, m.groupPenalty]).toEqual([0, 0]);
    expect(m.ema).toBeNaN();
    expect(m.groupNorms).toBeUndefined();
    const x = makeImageBatch(data.test, [0, 1], 4);
    expect(await t.encode(x, 2)).toEqual(await t.encode(x, 2, 'context'));
    expect(await t.patchLatents(makeImageBatch(data.test, [0], 4))).toBeNull();
  });

  it('exports context_encoder.* and decoder.* (no target encoder) and round-trips them', async () => {
    const a = make();
    await a.step();
    const bytes = await a.exportSafetensors();
    const file = readSafetensors(bytes);
    expect(JSON.parse(file.metadata.config).mode).toBe('mae');
    const names = [...file.tensors.keys()];
    expect(new Set(names.map((n) => n.split('.')[0]))).toEqual(new Set(['context_encoder', 'decoder']));
    expect(file.tensors.get('context_encoder.blocks.1.attn.qkv.weight')?.shape).toEqual([192, 64]);
    expect(file.tensors.get('decoder.decoder_embed.weight')?.shape).toEqual([32, 64]);
    expect(file.tensors.get('decoder.mask_token')?.shape).toEqual([1, 1, 32]);
    expect(file.tensors.get('decoder.decoder_pos_embed')?.shape).toEqual([1, 64, 32]);
    expect(file.tensors.get('decoder.decoder_blocks.2.mlp.fc2.weight')?.shape).toEqual([32, 128]);
    expect(file.tensors.get('decoder.decoder_norm.weight')?.shape).toEqual([32]);
    expect(file.tensors.get('decoder.decoder_pred.weight')?.shape).toEqual([48, 32]); // PyTorch Linear [3·p·p, D_p]

    const b = make({ seed: 8 });
    const x = makeImageBatch(data.test, [0, 1, 2], 4);
    const img = makeImageBatch(data.test, [3], 4);
    const ea = await a.encode(x, 3);
    expect(await b.encode(x, 3)).not.toEqual(ea);
    await b.importSafetensors(bytes);
    expect(await b.encode(x, 3)).toEqual(ea);
    expect((await b.reconstruct(img, undefined, 5))!.image).toEqual((await a.reconstruct(img, undefined, 5))!.image);
    expect(await b.evaluateFixedBatch(1)).toEqual(await a.evaluateFixedBatch(1));
    // A JEPA file has no decoder, and an MAE file no predictor: refused, naming the tensor, nothing changed.
    await expect(b.importSafetensors(await make({ mode: 'jepa' }).exportSafetensors())).rejects.toThrow(WeightsError);
    await expect(b.importSafetensors(await make({ mode: 'jepa' }).exportSafetensors())).rejects.toThrow(/no tensor decoder\./);
    await expect(make({ mode: 'jepa' }).importSafetensors(bytes)).rejects.toThrow(/no tensor target_encoder\./);
    expect(await b.encode(x, 3)).toEqual(ea);
  });

  it('continues from a snapshot exactly', async () => {
    const a = make();
    await a.step();
    await a.step();
    const state = await a.snapshot();
    const b = make();
    await b.restore(state);
    expect((await b.step()).loss).toBe((await a.step()).loss);
    // A checkpoint saved before targetEncoder, maeNormPix and healthEvery existed restores too (they were at their defaults).
    const { targetEncoder: _t, maeNormPix: _m, healthEvery: _h, ...older } = state.config;
    await make().restore({ ...state, config: older as typeof state.config });
    await expect(make().restore({ ...state, config: { ...state.config, maeNormPix: false } })).rejects.toThrow(/another config/);
  });

  for (const maeNormPix of [true, false]) {
    it(`reconstructs an image's target blocks in pixel space (${maeNormPix ? 'normalised targets, unnormalised back' : 'raw pixels'})`, async () => {
      const t = make({ maeNormPix });
      for (let i = 0; i < 2; i++) await t.step();
      const img = makeImageBatch(data.test, [1], 4);
      const rec = (await t.reconstruct(img, undefined, 2))!;
      const { numPatches: N, patchDim: P } = t.dims;
      const { masks } = rec;
      expect(masks.context).toHaveLength(1);
      expect(rec.blocks).toHaveLength(masks.targets.length);
      for (const blk of rec.blocks) expect(blk).toHaveLength(masks.numTarget * P);
      // By hand: the decoder's output, taken back with each true patch's mean and unbiased variance.
      const b = batchTensors(t.dims, img, 1, masks, groupOfPatch(t.config.grouping, t.dims.grid), null);
      const pred = tf.tidy(() => t.model.predict(b).pred.arraySync());
      disposeBatch(b);
      masks.targets.forEach((rows, k) =>
        rows[0].forEach((p, j) => {
          const truth = Array.from(img.subarray(p * P, (p + 1) * P));
          const mean = truth.reduce((s, v) => s + v, 0) / P;
          const sd = Math.sqrt(truth.reduce((s, v) => s + (v - mean) ** 2, 0) / (P - 1) + 1e-6);
          const row = pred[j * masks.targets.length + k]; // time-major rows (batch.ts): patch j of block k, B = 1
          for (let i = 0; i < P; i += 5) {
            const expected = maeNormPix ? row[i] * sd + mean : row[i];
            expect(Math.abs(rec.blocks[k][j * P + i] - expected)).toBeLessThan(1e-4 * (1 + Math.abs(expected)));
          }
        }),
      );
      // The whole image: decoded pixels at target positions, the input everywhere else.
      const isTarget = new Set(masks.targets.flatMap((rows) => rows[0]));
      for (let p = 0; p < N; p++) {
        const got = rec.image.subarray(p * P, (p + 1) * P);
        if (!isTarget.has(p)) expect(got).toEqual(img.subarray(p * P, (p + 1) * P));
      }
      const onlyTarget = masks.targets.findIndex((rows) => rows[0].some((p) => masks.targets.filter((r) => r[0].includes(p)).length === 1));
      if (onlyTarget >= 0) {
        const j = masks.targets[onlyTarget][0].findIndex((p) => masks.targets.filter((r) => r[0].includes(p)).length === 1);
        const p = masks.targets[onlyTarget][0][j];
        expect(rec.image.subarray(p * P, (p + 1) * P)).toEqual(rec.blocks[onlyTarget].subarray(j * P, (j + 1) * P));
      }
    });
  }

  it('gives no reconstruction for JEPA and refuses input of the wrong size', async () => {
    expect(await make({ mode: 'jepa' }).reconstruct(makeImageBatch(data.test, [0], 4))).toBeNull();
    await expect(make().reconstruct(new Float32Array(10))).rejects.toThrow(/expected one image of 64×48/);
  });
});

describe('MAE Trainer on the WASM backend', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('is probed (linear and attentive) through its context encoder: untrained, it scores exactly what an untrained JEPA of the seed does', async () => {
    const mae = make({ seed: 6 });
    const jepa = make({ seed: 6, mode: 'jepa' });
    for (const kind of ['linear', 'attentive'] as const) {
      const before = tf.memory().numTensors;
      const opts = { epochs: 2, seed: 0 };
      const a = await probeEncoderOfKind(kind, mae, data, opts);
      expect(tf.memory().numTensors).toBe(before);
      expect(a).toEqual(await probeEncoderOfKind(kind, jepa, data, opts));
      expect(a.testCount).toBe(16);
    }
  });

  it('keeps tf.memory().numTensors flat over steps, health reads and reconstructions', async () => {
    const t = make();
    const img = makeImageBatch(data.test, [0], 4);
    const round = async () => {
      await t.step();
      await t.representationHealth();
      await t.reconstruct(img);
    };
    for (let i = 0; i < 3; i++) await round();
    const at3 = tf.memory().numTensors;
    for (let i = 3; i < 20; i++) await round();
    expect(tf.memory().numTensors).toBe(at3);
  });

  it('learns: the reconstruction loss on 8 fixed images falls (normalised pixels, the default)', async () => {
    // Eight images, batch 8, no augmentation: every step sees them (under new masks). On the
    // built-in data's larger splits a short run moves little: per-patch normalisation turns its
    // flat patches into unit-variance pixel noise (docs/results.md, MAE).
    const few = syntheticDataset({ seed: 0, trainPerClass: 8, testPerClass: 1, numClasses: 1 });
    const t = Trainer.create({ preset: 'micro', mode: 'mae', batchSize: 8, steps: 20, warmupFraction: 0, predictionReduction: 'mean', flip: false, cropPad: 0, seed: 3 }, few);
    trainers.push(t);
    const before = (await t.evaluateFixedBatch(0)).predLoss;
    for (let i = 0; i < 20; i++) await t.step();
    const after = (await t.evaluateFixedBatch(0)).predLoss;
    console.log(`MAE fixed-batch reconstruction loss (per pixel): ${before.toFixed(3)} at init, ${after.toFixed(3)} after 20 steps`);
    expect(after).toBeLessThan(0.85 * before);
  });
});
