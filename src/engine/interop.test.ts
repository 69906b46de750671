// PyTorch reads what we write: the exported target encoder, loaded with strict names into the
// reference ViT in interop/pytorch, reproduces the engine's embeddings within 1e-4.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeImageBatch, normalisePixel } from '../data/batch';
import { syntheticDataset } from '../data/synthetic';
import { IMAGE_BYTES } from '../data/types';
import { writeSafetensors } from '../io/safetensors';
import { Trainer } from './trainer';

const PY = '/usr/bin/python3';
const torchWhyNot = (() => {
  try {
    execFileSync(PY, ['-c', 'import torch, numpy'], { stdio: 'ignore' });
    return null;
  } catch {
    return `${PY} cannot import torch and numpy (install Debian's python3-torch and python3-numpy)`;
  }
})();
if (torchWhyNot) console.warn(`PyTorch interop test skipped: ${torchWhyNot}`);

describe.skipIf(torchWhyNot !== null)('PyTorch interop', () => {
  it('the exported target encoder reproduces our embeddings in PyTorch within 1e-4', async () => {
    const data = syntheticDataset({ seed: 1, trainPerClass: 10, testPerClass: 4, numClasses: 3 });
    const trainer = Trainer.create({ preset: 'micro', mode: 'sparse', batchSize: 4, steps: 10, seed: 2, emaMomentum: [0.5, 0.5] }, data);
    for (let i = 0; i < 2; i++) await trainer.step(); // move θ̄ away from its initial copy
    const B = 4;
    const indices = [0, 1, 2, 3];
    const embeddings = await trainer.encode(makeImageBatch(data.test, indices, 4), B);
    // The same images as PyTorch sees them: NCHW, normalised.
    const images = new Float32Array(B * IMAGE_BYTES);
    indices.forEach((img, b) => {
      for (let j = 0; j < IMAGE_BYTES; j++) images[b * IMAGE_BYTES + j] = normalisePixel(data.test.images[img * IMAGE_BYTES + j], Math.floor(j / 1024));
    });
    const dir = mkdtempSync(join(tmpdir(), 'interop-'));
    try {
      const weights = join(dir, 'weights.safetensors');
      const inputs = join(dir, 'inputs.safetensors');
      writeFileSync(weights, await trainer.exportSafetensors());
      writeFileSync(inputs, writeSafetensors([
        { name: 'images', shape: [B, 3, 32, 32], data: images },
        { name: 'embeddings', shape: [B, 64, 64], data: embeddings },
      ]));
      const out = execFileSync(PY, ['interop/pytorch/check_embeddings.py', '--weights', weights, '--prefix', 'target_encoder.', '--inputs', inputs, '--tol', '1e-4'], { encoding: 'utf8' });
      const result = JSON.parse(out.trim().split('\n').pop()!);
      console.log(`PyTorch interop: max |Δ| = ${result.maxAbsDiff} over ${result.params} parameters`);
      expect(result.ok).toBe(true);
      expect(result.maxAbsDiff).toBeLessThan(1e-4);
      expect(result.refMaxAbs).toBeGreaterThan(0.1); // the embeddings are not trivially zero
    } finally {
      rmSync(dir, { recursive: true, force: true });
      trainer.dispose();
    }
  });
});
