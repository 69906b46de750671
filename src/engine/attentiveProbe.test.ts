import { describe, expect, it } from 'vitest';
import type { DatasetSplits, ImageDataset } from '../data/types';
import { fitAttentiveProbe, patchTokens, probeEncoderAttentive } from './attentiveProbe';
import type { PatchEncoder } from './probe';
import { probeEncoderOfKind } from './probeKind';
import { Rng } from '../shared/rng';
import * as tf from './tf';

/**
 * Images of N tokens in D dims: every token is noise except one, at a random position, which
 * carries its class's prototype. The class is separable, but lies in one token out of N.
 */
function oneTokenSet(nPerClass: number, C: number, N: number, D: number, seed: number, protoSeed = 99) {
  const protoRng = new Rng(protoSeed);
  const protos = Array.from({ length: C }, () => Array.from({ length: D }, () => protoRng.normal() * 2));
  const rng = new Rng(seed);
  const n = nPerClass * C;
  const x = new Float32Array(n * N * D);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % C;
    const at = rng.int(N);
    for (let t = 0; t < N; t++) for (let d = 0; d < D; d++) x[(i * N + t) * D + d] = (t === at ? protos[y[i]][d] : 0) + 0.5 * rng.normal();
  }
  return { x, y };
}

describe('attentive probe', () => {
  it('reaches ≥ 95 % train accuracy on a separable toy set and leaves no tensors behind', async () => {
    const train = oneTokenSet(40, 5, 8, 16, 1);
    const before = tf.memory().numTensors;
    // Scored on its own train split: the train accuracy.
    const r = await fitAttentiveProbe(train.x, train.y, train.x, train.y, 8, 5, { epochs: 15, batchSize: 32, lr: 1e-2, heads: 2 });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.top1).toBeGreaterThanOrEqual(0.95);
    expect(r.trainCount).toBe(200);
    // And it generalises to fresh images of the same classes.
    const test = oneTokenSet(20, 5, 8, 16, 2);
    const t = await fitAttentiveProbe(train.x, train.y, test.x, test.y, 8, 5, { epochs: 15, batchSize: 32, lr: 1e-2, heads: 2 });
    expect(t.top1).toBeGreaterThan(0.8);
    expect(t.testCount).toBe(100);
  });

  it('stays near chance on shuffled labels (it reads the tokens, not the order)', async () => {
    const train = oneTokenSet(40, 5, 8, 16, 3);
    const test = oneTokenSet(40, 5, 8, 16, 4);
    new Rng(7).shuffle(train.y);
    new Rng(8).shuffle(test.y);
    const r = await fitAttentiveProbe(train.x, train.y, test.x, test.y, 8, 5, { epochs: 10, batchSize: 32, lr: 1e-2, heads: 2 });
    expect(r.top1).toBeLessThan(0.4); // chance 0.2
  });

  it('is deterministic for a seed, takes several queries, and names a head count that does not divide D', async () => {
    const s = oneTokenSet(10, 3, 4, 8, 5);
    const a = await fitAttentiveProbe(s.x, s.y, s.x, s.y, 4, 3, { epochs: 3, heads: 2, queries: 3 });
    const b = await fitAttentiveProbe(s.x, s.y, s.x, s.y, 4, 3, { epochs: 3, heads: 2, queries: 3 });
    expect(a).toEqual(b);
    await expect(fitAttentiveProbe(s.x, s.y, s.x, s.y, 4, 3, { heads: 3 })).rejects.toThrow('heads: 3 does not divide the encoder width 8');
    await expect(fitAttentiveProbe(s.x, s.y, s.x.subarray(8), s.y, 4, 3, {})).rejects.toThrow(/token arrays do not hold/);
  });

  it('probes a frozen encoder through its patch tokens (an encoder that copies the patches), tensors flat', async () => {
    // 32×32 images, 4×4 patches → 64 tokens of 48 values. One random quadrant is bright in one
    // colour channel (or in all three): the class is that colour; the rest of the image is dim noise.
    const n = 40;
    const images = new Uint8Array(n * 3 * 32 * 32);
    const labels = new Int32Array(n);
    const rng = new Rng(11);
    for (let i = 0; i < n; i++) {
      labels[i] = i % 4;
      const quadrant = rng.int(4);
      for (let c = 0; c < 3; c++) for (let yy = 0; yy < 32; yy++) for (let xx = 0; xx < 32; xx++) {
        const inside = (yy >= 16 ? 2 : 0) + (xx >= 16 ? 1 : 0) === quadrant;
        const lit = inside && (labels[i] === 3 || labels[i] === c);
        images[i * 3072 + c * 1024 + yy * 32 + xx] = lit ? 200 + rng.int(50) : rng.int(60);
      }
    }
    const ds = (name: string): ImageDataset => ({ name, images, labels, classNames: ['a', 'b', 'c', 'd'], size: n });
    const data: DatasetSplits = { train: ds('toy/train'), test: ds('toy/test') };
    const copyEncoder: PatchEncoder = { dims: { numPatches: 64, embedDim: 48, patchSize: 4 }, encode: async (patches) => patches };
    const tokens = await patchTokens(copyEncoder, data.train, 16);
    expect(tokens.length).toBe(n * 64 * 48);
    const before = tf.memory().numTensors;
    const r = await probeEncoderAttentive(copyEncoder, data, { epochs: 10, lr: 1e-2, batchSize: 16 });
    expect(r.top1).toBeGreaterThanOrEqual(0.95);
    const viaKind = await probeEncoderOfKind('attentive', copyEncoder, data, { epochs: 10, lr: 1e-2, batchSize: 16 });
    expect(viaKind).toEqual(r);
    const linear = await probeEncoderOfKind('linear', copyEncoder, data, { epochs: 5, heads: 4 });
    expect(linear.trainCount).toBe(n);
    expect(tf.memory().numTensors).toBe(before);
  });
});
