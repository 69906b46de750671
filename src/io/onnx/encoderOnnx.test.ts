// The exported encoder run by ONNX Runtime (onnxruntime-node, CPU) against the engine's own
// encoder (Trainer.encode, CPU backend) on whole test images: tokens and the probe's mean-pool.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { makeImageBatch, normalisePixel } from '../../data/batch';
import { syntheticDataset } from '../../data/synthetic';
import { IMAGE_BYTES } from '../../data/types';
import type { LabConfigInput } from '../../engine/config';
import { Trainer } from '../../engine/trainer';
import { trainerEncoderOnnx } from './encoderModel';
import { OnnxFileError, verifiedModel } from './integrity';
import { NORMALISATION } from './metadata';

const data = syntheticDataset({ seed: 0, trainPerClass: 12, testPerClass: 4, numClasses: 4 });
const trainers: Trainer[] = [];
afterAll(() => trainers.forEach((t) => t.dispose()));

/** Test images as the export's input: NCHW float32, (x/255 − mean_c)/std_c, straight from the bytes. */
function pixels(indices: number[]): Float32Array {
  const out = new Float32Array(indices.length * IMAGE_BYTES);
  indices.forEach((i, b) => {
    const img = data.test.images.subarray(i * IMAGE_BYTES, (i + 1) * IMAGE_BYTES);
    for (let j = 0; j < IMAGE_BYTES; j++) out[b * IMAGE_BYTES + j] = normalisePixel(img[j], Math.floor(j / 1024));
  });
  return out;
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

/** The engine's tokens [B, N, D] and their mean over N (probe.ts pooledFeatures). */
async function engineOutputs(t: Trainer, indices: number[]): Promise<{ tokens: Float32Array; pooled: Float32Array }> {
  const { numPatches: N, embedDim: D, patchSize } = t.dims;
  const tokens = await t.encode(makeImageBatch(data.test, indices, patchSize), indices.length);
  const pooled = new Float32Array(indices.length * D);
  for (let b = 0; b < indices.length; b++) for (let n = 0; n < N; n++) for (let d = 0; d < D; d++) pooled[b * D + d] += tokens[(b * N + n) * D + d] / N;
  return { tokens, pooled };
}

async function trained(config: LabConfigInput, steps = 3): Promise<Trainer> {
  const t = Trainer.create({ batchSize: 4, steps: 100, seed: 3, warmupFraction: 0, ...config }, data);
  trainers.push(t);
  for (let i = 0; i < steps; i++) await t.step();
  return t;
}

/** Export, run ONNX Runtime on batch 1 and batch 8, compare with the engine; returns the largest |Δ| seen. */
async function compare(t: Trainer): Promise<{ tokens: number; pooled: number; bytes: Uint8Array }> {
  const bytes = await trainerEncoderOnnx(t);
  const session = await ort.InferenceSession.create(bytes);
  const S = t.dims.imageSize;
  let worst = { tokens: 0, pooled: 0 };
  for (const indices of [[5], [0, 1, 2, 3, 4, 5, 6, 7]]) {
    const out = await session.run({ pixels: new ort.Tensor('float32', pixels(indices), [indices.length, 3, S, S]) });
    expect(Array.from(out.tokens.dims, Number)).toEqual([indices.length, t.dims.numPatches, t.dims.embedDim]);
    expect(Array.from(out.pooled.dims, Number)).toEqual([indices.length, t.dims.embedDim]);
    const want = await engineOutputs(t, indices);
    worst = {
      tokens: Math.max(worst.tokens, maxAbsDiff(out.tokens.data as Float32Array, want.tokens)),
      pooled: Math.max(worst.pooled, maxAbsDiff(out.pooled.data as Float32Array, want.pooled)),
    };
  }
  await session.release();
  console.log(`${t.config.mode} ${t.config.preset} p${t.config.patchSize} ${t.config.targetEncoder}: max |Δ| tokens ${worst.tokens.toExponential(2)}, pooled ${worst.pooled.toExponential(2)}`);
  return { ...worst, bytes };
}

describe('ONNX export of the probed encoder, run by onnxruntime-node', () => {
  const cases: [string, LabConfigInput][] = [
    ['JEPA micro (the EMA target encoder)', { mode: 'jepa', preset: 'micro' }],
    ['SparseJEPA micro', { mode: 'sparse', preset: 'micro' }],
    ['MAE micro (the context encoder)', { mode: 'mae', preset: 'micro' }],
    ['JEPA micro without an EMA target (the context encoder)', { mode: 'jepa', preset: 'micro', targetEncoder: 'online-no-stopgrad' }],
    ['SparseJEPA micro with 8×8 patches', { mode: 'sparse', preset: 'micro', patchSize: 8 }],
    ['SparseJEPA small', { mode: 'sparse', preset: 'small' }],
    ['JEPA vit-tiny', { mode: 'jepa', preset: 'vit-tiny' }],
  ];
  for (const [name, config] of cases) {
    it(`${name}: tokens and pooled match the engine within 1e-4 on batch 1 and 8`, async () => {
      // small, vit-tiny: their initial weights (a step on the CPU backend costs seconds); the micro runs are trained, so f_θ̄ ≠ f_θ there.
      const t = await trained(config, config.preset === 'micro' ? 3 : 0);
      const d = await compare(t);
      expect(d.tokens).toBeLessThan(1e-4);
      expect(d.pooled).toBeLessThan(1e-4);
    }, 60_000);
  }

  it('says the run, step and normalisation in metadata_props; opset 17, a dynamic batch axis', async () => {
    const t = await trained({ mode: 'mae', preset: 'micro' }, 2);
    const model = await verifiedModel(await trainerEncoderOnnx(t));
    const meta = Object.fromEntries(model.metadataProps.map((p) => [p.key, p.value]));
    expect(JSON.parse(meta.config)).toEqual(t.config);
    expect(meta.step).toBe('2');
    expect(meta.encoder).toBe('context_encoder');
    expect(JSON.parse(meta.normalisation)).toEqual(JSON.parse(JSON.stringify(NORMALISATION)));
    expect(model.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 17]]);
    expect(model.graph?.input?.[0]?.type?.tensorType?.shape?.dim?.[0]?.dimParam).toBe('batch');
    expect(model.graph?.node?.some((n) => n.opType === 'Erf')).toBe(true); // exact GELU
  }, 60_000);

  it('a truncated or altered file is refused', async () => {
    const t = await trained({ mode: 'jepa', preset: 'micro' }, 1);
    const bytes = await trainerEncoderOnnx(t);
    await expect(verifiedModel(bytes.subarray(0, Math.floor(bytes.length / 2)))).rejects.toThrow(OnnxFileError);
    const altered = bytes.slice();
    altered[Math.floor(bytes.length / 2)] ^= 0x40; // inside a weight: ONNX Runtime alone would run it
    await expect(verifiedModel(altered)).rejects.toThrow(/altered/);
  }, 60_000);

  // Debian's python3-onnx, when installed for the system Python: onnx.checker on the export.
  const hasOnnx = spawnSync('/usr/bin/python3', ['-c', 'import onnx'], { stdio: 'ignore' }).status === 0;
  it.skipIf(!hasOnnx)(`onnx.checker.check_model accepts the export${hasOnnx ? '' : ' (skipped: /usr/bin/python3 has no onnx module; apt install python3-onnx)'}`, async () => {
    const t = await trained({ mode: 'sparse', preset: 'micro' }, 1);
    const path = join(mkdtempSync(join(tmpdir(), 'onnx-')), 'encoder.onnx');
    writeFileSync(path, await trainerEncoderOnnx(t));
    const r = spawnSync('/usr/bin/python3', ['-c', 'import onnx,sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True); print("ok")', path], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('ok');
  }, 60_000);
});
