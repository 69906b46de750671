// The fast formulations (custom gradients, fused bias, convolution attention) against the plain
// tfjs ops and tfjs's own gradients: values and every gradient, on the CPU and WASM backends.
import { afterEach, describe, expect, it } from 'vitest';
import { setBatchedMatMulPath, setFastPaths } from './matmul';
import { ParamSet } from './params';
import { Rng } from '../shared/rng';
import * as tf from './tf';
import { attention, gelu, layerNorm, linear, lookupRows, makeBlocks, repeatBatch, runBlocks } from './vit';
import { batchTensors, disposeBatch } from './batch';
import { groupOfPatch, modelDims, parseConfig } from './config';
import { sampleBatchMasks } from './masks';
import { JepaModel } from './model';

afterEach(() => {
  setFastPaths(true);
  setBatchedMatMulPath(null);
});

const rand = (rng: Rng, shape: number[], scale = 1) =>
  tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal() * scale), shape);

/** Value and gradients (w.r.t. every trainable variable) of Σ f()·w for fixed random weights w. */
function valueAndGrads(f: () => tf.Tensor, seed: number): { value: Float32Array; grads: Map<string, Float32Array> } {
  let out: { value: Float32Array; grads: Map<string, Float32Array> } | undefined;
  tf.tidy(() => {
    const value = f();
    const w = rand(new Rng(seed), value.shape);
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(f(), w)) as tf.Scalar);
    out = { value: value.dataSync() as Float32Array, grads: new Map([...Object.entries(grads)].map(([k, g]) => [k, g.dataSync() as Float32Array])) };
  });
  return out!;
}

function expectClose(a: Float32Array, b: Float32Array, tol: number, what: string) {
  expect(a.length, what).toBe(b.length);
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  expect(worst, `${what}: max |Δ| ${worst} (max |ref| ${scale})`).toBeLessThanOrEqual(tol * (1 + scale));
}

/** Fast vs plain on one backend: same values and gradients. */
function compare(f: () => tf.Tensor, tol = 2e-5, opts: { forceConv?: boolean } = {}) {
  setFastPaths(false);
  const plain = valueAndGrads(f, 99);
  setFastPaths(true);
  if (opts.forceConv) setBatchedMatMulPath('conv');
  const fast = valueAndGrads(f, 99);
  setBatchedMatMulPath(null);
  expectClose(fast.value, plain.value, tol, 'value');
  expect([...fast.grads.keys()].sort()).toEqual([...plain.grads.keys()].sort());
  expect(fast.grads.size).toBeGreaterThan(0);
  for (const [k, g] of plain.grads) expectClose(fast.grads.get(k)!, g, tol, `∂/∂${k}`);
}

async function onBackend(name: string, fn: () => void) {
  const before = tf.getBackend();
  await tf.setBackend(name);
  try {
    fn();
  } finally {
    await tf.setBackend(before);
  }
}

for (const backend of ['cpu', 'wasm']) {
  describe(`fast layers = plain layers, values and gradients (${backend})`, () => {
    it('linear (fused bias; ∂W through the narrower transpose either way round)', () =>
      onBackend(backend, () => {
        const rng = new Rng(1);
        const ps = new ParamSet('t.', rng, true);
        for (const [m, k, n] of [[7, 5, 3], [6, 4, 9]]) {
          const p = ps.linear(`l${k}`, k, n);
          p.b.assign(rand(rng, [n]));
          const x = tf.variable(rand(rng, [m, k]), true);
          compare(() => linear(x as tf.Tensor2D, p));
          x.dispose();
        }
        ps.dispose();
      }));

    it('LayerNorm with and without affine parameters', () =>
      onBackend(backend, () => {
        const rng = new Rng(2);
        const ps = new ParamSet('t.', rng, true);
        const p = ps.layerNorm('ln', 16);
        p.g.assign(rand(rng, [16]));
        p.b.assign(rand(rng, [16]));
        const x = tf.variable(tf.add(rand(rng, [9, 16], 3), 1.5), true);
        compare(() => layerNorm(x as tf.Tensor2D, p));
        compare(() => layerNorm(x as tf.Tensor2D));
        x.dispose();
        ps.dispose();
      }));

    it('GELU', () =>
      onBackend(backend, () => {
        const x = tf.variable(rand(new Rng(3), [11, 13], 2.5), true);
        compare(() => gelu(x as tf.Tensor2D));
        x.dispose();
      }));

    it('attention (convolution products with their own backward) and whole blocks', () =>
      onBackend(backend, () => {
        const rng = new Rng(4);
        const ps = new ParamSet('t.', rng, true);
        const [B, T, D, heads] = [3, 5, 8, 2];
        const [blk] = makeBlocks(ps, 'b', 1, D, 4);
        for (const p of ps.params) p.variable.assign(rand(rng, p.variable.shape, 0.3));
        const x = tf.variable(rand(rng, [B * T, D]), true);
        compare(() => attention(x as tf.Tensor2D, blk, B, T, heads), 2e-5, { forceConv: true });
        const blocks = makeBlocks(ps, 'c', 2, D, 4);
        for (const p of ps.params) p.variable.assign(rand(rng, p.variable.shape, 0.3));
        compare(() => runBlocks(x as tf.Tensor2D, blocks, B, T, heads), 5e-5, { forceConv: true });
        x.dispose();
        ps.dispose();
      }));
  });
}

for (const backend of ['cpu', 'wasm']) {
  describe(`fast model = plain model (${backend})`, () => {
    it('row lookup and repetition', () =>
      onBackend(backend, () => {
        const rng = new Rng(5);
        const table = tf.variable(rand(rng, [7, 4]), true);
        const idx = tf.tensor1d([3, 0, 6, 6, 1], 'int32');
        // Lookups are of fixed tables (position embeddings): values only, and exactly equal.
        setFastPaths(false);
        const plain = tf.tidy(() => lookupRows(table as tf.Tensor2D, idx).dataSync());
        setFastPaths(true);
        expect(tf.tidy(() => lookupRows(table as tf.Tensor2D, idx).dataSync())).toEqual(plain);
        compare(() => repeatBatch(tf.reshape(tf.mul(table, 2), [7, 2, 2]) as tf.Tensor3D, 3));
        tf.dispose([table, idx]);
      }));

    for (const mode of ['sparse', 'jepa'] as const) {
      it(`${mode}: the loss and the gradient of every trained parameter`, () =>
        onBackend(backend, () => {
          const config = parseConfig({ preset: 'micro', mode, batchSize: 3, lambda: 0.01, beta: 0.001, seed: 7 });
          const dims = modelDims(config);
          const model = new JepaModel(config, dims, new Rng(config.seed));
          const rng = new Rng(8);
          const patches = Float32Array.from({ length: 3 * dims.numPatches * dims.patchDim }, () => rng.normal());
          const masks = sampleBatchMasks(rng, 3, { ...config, grid: dims.grid });
          const batch = batchTensors(dims, patches, 3, masks, groupOfPatch(config.grouping, dims.grid), mode === 'sparse' ? rng : null);
          try {
            compare(() => {
              const targets = model.targets(batch);
              return model.lossTerms(batch, targets, config.lambda, config.beta, false).total;
            }, 1e-4);
          } finally {
            disposeBatch(batch);
            model.dispose();
          }
        }));
    }
  });
}
