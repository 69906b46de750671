import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { NamedTensor } from './namedTensor';
import { readTfjsWeights, TfjsFormatError, writeTfjsWeights } from './tfjs-format';

const tensors: NamedTensor[] = [
  { name: 'context_encoder.patch_embed.proj.weight', shape: [4, 3, 2, 2], data: Float32Array.from({ length: 48 }, (_, i) => i * 0.5 - 7) },
  { name: 'context_encoder.patch_embed.proj.bias', shape: [4], data: new Float32Array([1e-8, -0, 3.25, -1e30]) },
  { name: 'predictor.mask_token', shape: [1, 1, 3], data: new Float32Array([0.1, 0.2, 0.3]) },
];

describe('tfjs weights format', () => {
  it('writes a manifest and a little-endian float32 blob that tfjs itself decodes', async () => {
    await tf.setBackend('cpu');
    const { modelJson, weightsBin } = writeTfjsWeights(tensors, { metadata: { config: '{"preset":"micro"}' } });
    expect(weightsBin.byteLength).toBe((48 + 4 + 3) * 4);
    expect(modelJson.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(modelJson.userDefinedMetadata?.config).toBe('{"preset":"micro"}');
    // JSON round trip, as it would be written to disk.
    const manifest = JSON.parse(JSON.stringify(modelJson)).weightsManifest;
    const ab = weightsBin.buffer.slice(weightsBin.byteOffset, weightsBin.byteOffset + weightsBin.byteLength) as ArrayBuffer;
    const decoded = tf.io.decodeWeights(ab, manifest[0].weights);
    for (const t of tensors) {
      const d = decoded[t.name];
      expect(d.shape).toEqual(t.shape);
      expect(d.dtype).toBe('float32');
      expect(Array.from(d.dataSync())).toEqual(Array.from(t.data));
    }
    tf.dispose(Object.values(decoded));
  });

  it('reads back what it writes', () => {
    const { modelJson, weightsBin } = writeTfjsWeights(tensors);
    const back = readTfjsWeights(JSON.parse(JSON.stringify(modelJson)), weightsBin);
    expect(back.map((t) => t.name)).toEqual(tensors.map((t) => t.name));
    back.forEach((t, i) => {
      expect(t.shape).toEqual(tensors[i].shape);
      expect(Array.from(t.data)).toEqual(Array.from(tensors[i].data));
    });
  });

  it('rejects mismatched shapes, duplicate names and short files', () => {
    expect(() => writeTfjsWeights([{ name: 'a', shape: [2, 2], data: new Float32Array(3) }])).toThrow(/needs 4 values, got 3/);
    expect(() =>
      writeTfjsWeights([
        { name: 'a', shape: [1], data: new Float32Array(1) },
        { name: 'a', shape: [1], data: new Float32Array(1) },
      ]),
    ).toThrow(TfjsFormatError);
    const { modelJson, weightsBin } = writeTfjsWeights(tensors);
    expect(() => readTfjsWeights(modelJson, weightsBin.subarray(0, 10))).toThrow(/too short/);
    expect(() => readTfjsWeights({}, weightsBin)).toThrow(/weightsManifest/);
  });
});
