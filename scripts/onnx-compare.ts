// The exported encoder against the engine on real images: `node --import tsx scripts/onnx-compare.ts
// WEIGHTS.safetensors ENCODER.onnx DATASET` runs the first eight test images of DATASET (any id or
// archive `npm run train` takes) through the engine (CPU backend) and through onnxruntime-node,
// batch 8 and batch 1, and prints the largest |Δ| of the tokens and the pooled embedding.
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { useBackend } from '../src/cli/backend';
import { openForCommand } from '../src/cli/dataset';
import { makeImageBatch, normalisePixel } from '../src/data/batch';
import { IMAGE_BYTES } from '../src/data/types';
import { parseSavedConfig } from '../src/engine/config';
import { Trainer } from '../src/engine/trainer';
import { readSafetensors } from '../src/io/safetensors';

const [weightsPath, onnxPath, dataset] = process.argv.slice(2);
if (!weightsPath || !onnxPath || !dataset) throw new Error('usage: onnx-compare.ts WEIGHTS.safetensors ENCODER.onnx DATASET');
await useBackend('cpu');
const bytes = new Uint8Array(readFileSync(weightsPath));
const config = parseSavedConfig(JSON.parse(readSafetensors(bytes).metadata.config));
const data = (await openForCommand(dataset, config.seed)).splits;
const t = Trainer.create(config, data);
await t.importSafetensors(bytes);
const session = await ort.InferenceSession.create(readFileSync(onnxPath));
const { numPatches: N, embedDim: D, patchSize, imageSize: S } = t.dims;
const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};
for (const indices of [[0, 1, 2, 3, 4, 5, 6, 7], [0]]) {
  const pixels = new Float32Array(indices.length * IMAGE_BYTES);
  indices.forEach((i, b) => {
    for (let j = 0; j < IMAGE_BYTES; j++) pixels[b * IMAGE_BYTES + j] = normalisePixel(data.test.images[i * IMAGE_BYTES + j], Math.floor(j / 1024));
  });
  const tokens = await t.encode(makeImageBatch(data.test, indices, patchSize), indices.length);
  const pooled = new Float32Array(indices.length * D);
  for (let b = 0; b < indices.length; b++) for (let n = 0; n < N; n++) for (let d = 0; d < D; d++) pooled[b * D + d] += tokens[(b * N + n) * D + d] / N;
  const out = await session.run({ pixels: new ort.Tensor('float32', pixels, [indices.length, 3, S, S]) });
  const line = { dataset: data.test.name, batch: indices.length, tokens: maxAbsDiff(out.tokens.data as Float32Array, tokens), pooled: maxAbsDiff(out.pooled.data as Float32Array, pooled) };
  console.log(JSON.stringify(line));
}
t.dispose();
await session.release();
