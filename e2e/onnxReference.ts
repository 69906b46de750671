// The engine's own encoder output for the ONNX browser test (e2e/onnx.spec.ts), in Node on the CPU
// backend: `node --import tsx e2e/onnxReference.ts WEIGHTS.safetensors OUT.json` loads the page's
// exported weights into a trainer of their config and writes, for the built-in shapes' first eight
// test images, the export's input (NCHW, the lab's normalisation) and the tokens and mean-pool.
import { readFileSync, writeFileSync } from 'node:fs';
import { useBackend } from '../src/cli/backend';
import { makeImageBatch, normalisePixel } from '../src/data/batch';
import { syntheticDataset } from '../src/data/synthetic';
import { IMAGE_BYTES } from '../src/data/types';
import { parseSavedConfig } from '../src/engine/config';
import { Trainer } from '../src/engine/trainer';
import { readSafetensors } from '../src/io/safetensors';

const [weightsPath, outPath] = process.argv.slice(2);
await useBackend('cpu');
const bytes = new Uint8Array(readFileSync(weightsPath));
const config = parseSavedConfig(JSON.parse(readSafetensors(bytes).metadata.config));
const data = syntheticDataset({ seed: 0 });
const t = Trainer.create(config, data);
await t.importSafetensors(bytes);
const indices = [0, 1, 2, 3, 4, 5, 6, 7];
const pixels = new Float32Array(indices.length * IMAGE_BYTES);
indices.forEach((i, b) => {
  for (let j = 0; j < IMAGE_BYTES; j++) pixels[b * IMAGE_BYTES + j] = normalisePixel(data.test.images[i * IMAGE_BYTES + j], Math.floor(j / 1024));
});
const { numPatches: N, embedDim: D, patchSize, imageSize } = t.dims;
const tokens = await t.encode(makeImageBatch(data.test, indices, patchSize), indices.length);
const pooled = new Float32Array(indices.length * D);
for (let b = 0; b < indices.length; b++) for (let n = 0; n < N; n++) for (let d = 0; d < D; d++) pooled[b * D + d] += tokens[(b * N + n) * D + d] / N;
t.dispose();
writeFileSync(outPath, JSON.stringify({ dims: [indices.length, 3, imageSize, imageSize], N, D, pixels: [...pixels], tokens: [...tokens], pooled: [...pooled] }));
