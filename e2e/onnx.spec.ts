// Export ONNX from the page, then run the file in onnxruntime-web (WASM) in the browser: its
// tokens and pooled embeddings equal the engine's (e2e/onnxReference.ts, the CPU backend in Node,
// from the same run's exported weights) within 1e-4, for batch 8 and batch 1.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { expect, test } from '@playwright/test';
import { download, status, waitForReady } from './helpers';

const ORT_DIST = join('node_modules', 'onnxruntime-web', 'dist');
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };
const HARNESS = '<!doctype html><meta charset="utf-8"><title>onnxruntime-web</title><script src="/__ort/ort.wasm.min.js"></script>';

interface Reference {
  dims: number[];
  N: number;
  D: number;
  pixels: number[];
  tokens: number[];
  pooled: number[];
}

const maxAbsDiff = (a: readonly number[], b: readonly number[]) => {
  expect(a.length).toBe(b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
};

test('Export ONNX: the file runs in onnxruntime-web (WASM) and gives the engine’s embeddings within 1e-4', async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  await page.goto('/?preset=micro&batchSize=8&steps=50');
  await waitForReady(page);
  for (let i = 1; i <= 2; i++) {
    await page.getByRole('button', { name: 'Step' }).click();
    await expect(status(page)).toContainText(new RegExp(`step ${i} of 50`));
  }
  const onnx = await download(page, () => page.getByRole('button', { name: 'Export ONNX' }).click());
  expect(onnx.name).toMatch(/^sparsejepa-sparse-micro-step2-encoder\.onnx$/);
  const weights = await download(page, () => page.getByRole('button', { name: 'Export weights' }).click());

  // The engine's outputs for the same weights, in Node.
  const weightsPath = testInfo.outputPath('weights.safetensors');
  const refPath = testInfo.outputPath('reference.json');
  writeFileSync(weightsPath, weights.bytes);
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'e2e/onnxReference.ts', weightsPath, refPath], { encoding: 'utf8', timeout: 120_000 });
  expect(r.status, r.stderr).toBe(0);
  const ref = JSON.parse(readFileSync(refPath, 'utf8')) as Reference;

  // onnxruntime-web from node_modules, on a page of its own (no network: every file is served here).
  await page.route('**/__ort/**', async (route) => {
    const name = new URL(route.request().url()).pathname.replace(/^\/__ort\//, '');
    if (name === 'index.html') return route.fulfill({ body: HARNESS, contentType: TYPES['.html'] });
    if (name === 'encoder.onnx') return route.fulfill({ body: onnx.bytes, contentType: 'application/octet-stream' });
    if (!/^[\w.-]+$/.test(name)) return route.fulfill({ status: 404 });
    return route.fulfill({ body: readFileSync(join(ORT_DIST, name)), contentType: TYPES[extname(name)] ?? 'application/octet-stream' });
  });
  await page.goto('/__ort/index.html');
  const run = (pixels: number[], dims: number[]) =>
    page.evaluate(
      async ({ pixels, dims }) => {
        const ort = (window as unknown as { ort: typeof import('onnxruntime-web') }).ort;
        ort.env.wasm.numThreads = 1;
        ort.env.wasm.wasmPaths = '/__ort/';
        const session = await ort.InferenceSession.create('/__ort/encoder.onnx', { executionProviders: ['wasm'] });
        const out = await session.run({ pixels: new ort.Tensor('float32', Float32Array.from(pixels), dims) });
        const result = { tokens: Array.from(out.tokens.data as Float32Array), pooled: Array.from(out.pooled.data as Float32Array), tokenDims: [...out.tokens.dims], pooledDims: [...out.pooled.dims] };
        await session.release();
        return result;
      },
      { pixels, dims },
    );

  const [B, C, H, W] = ref.dims;
  const all = await run(ref.pixels, ref.dims);
  expect(all.tokenDims).toEqual([B, ref.N, ref.D]);
  expect(all.pooledDims).toEqual([B, ref.D]);
  const tokens8 = maxAbsDiff(all.tokens, ref.tokens);
  const pooled8 = maxAbsDiff(all.pooled, ref.pooled);
  const one = await run(ref.pixels.slice(0, C * H * W), [1, C, H, W]);
  const pooled1 = maxAbsDiff(one.pooled, ref.pooled.slice(0, ref.D));
  console.log(`[onnx] onnxruntime-web vs the engine: max |Δ| tokens ${tokens8.toExponential(2)}, pooled ${pooled8.toExponential(2)} (batch 8), pooled ${pooled1.toExponential(2)} (batch 1)`);
  expect(tokens8).toBeLessThan(1e-4);
  expect(pooled8).toBeLessThan(1e-4);
  expect(pooled1).toBeLessThan(1e-4);
});
