import { afterAll, describe, expect, it } from 'vitest';
import { syntheticDataset } from '../data/synthetic';
import { parseConfig } from '../engine/config';
import * as tf from '../engine/tf';
import { Trainer } from '../engine/trainer';
import { encodeCheckpoint } from '../io/checkpoint';
import { readSafetensors, writeSafetensors } from '../io/safetensors';
import { architectureProblem, readRunWeights, standAt } from './importedRun';
import { RunRefused } from './run';

const data = syntheticDataset({ seed: 3, trainPerClass: 6, testPerClass: 2, numClasses: 3 });
const config = parseConfig({ preset: 'micro', mode: 'sparse', batchSize: 4, steps: 3, seed: 1, normsEvery: 1 });

describe('importing a run’s weights', () => {
  const trainer = Trainer.create(config, data);
  afterAll(() => trainer.dispose());
  let weights: Uint8Array;

  it('reads the lab’s weights of the model the metadata describes: config, step, every tensor', async () => {
    for (let i = 0; i < 3; i++) await trainer.step();
    weights = await trainer.exportSafetensors();
    const before = tf.memory().numTensors;
    const info = readRunWeights(weights, 'weights.safetensors');
    expect(tf.memory().numTensors).toBe(before); // the model built to list the tensors is freed
    expect(info.step).toBe(3);
    expect(info.config).toEqual(config);
    expect(info.dims.numGroups).toBe(16);
    expect(info.tensorCount).toBe(readSafetensors(weights).tensors.size);
    expect(info.run).toBeUndefined();
  });

  it('refuses weights of another architecture than the config, naming the file and the tensor', () => {
    const before = tf.memory().numTensors;
    expect(() => readRunWeights(weights, 'weights.safetensors', parseConfig({ ...config, latentDim: 16 }))).toThrow(
      /^weights\.safetensors does not hold the weights of a SparseJEPA micro model \(K=16.*that config\.json describes: group_head\.\S+ has shape \[.*\], this model's is \[/,
    );
    expect(() => readRunWeights(weights, 'w.safetensors', parseConfig({ ...config, mode: 'jepa' }))).toThrow(/^w\.safetensors does not hold the weights of a JEPA micro model.*: (it has no tensor|it has a tensor) /);
    expect(() => readRunWeights(weights, 'w.safetensors', parseConfig({ ...config, preset: 'small' }))).toThrow(/has shape/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a checkpoint, another format, a file without config or step, and bytes that are no safetensors', async () => {
    const checkpoint = encodeCheckpoint(await trainer.snapshot());
    expect(() => readRunWeights(checkpoint, 'checkpoint.safetensors')).toThrow(/^checkpoint\.safetensors is a checkpoint .*pick weights\.safetensors/);
    const file = readSafetensors(weights);
    const tensors = [...file.tensors].map(([name, t]) => ({ name, shape: t.shape, data: t.data as Float32Array, dtype: 'F32' as const }));
    expect(() => readRunWeights(writeSafetensors(tensors, {}), 'a.safetensors')).toThrow(/^a\.safetensors has format null in its metadata, not the lab's weights/);
    expect(() => readRunWeights(writeSafetensors(tensors, { format: 'sparsejepa-lab/1', step: '3' }), 'a.safetensors')).toThrow(/^a\.safetensors has no config in its metadata/);
    expect(() => readRunWeights(writeSafetensors(tensors, { ...file.metadata, step: 'three' }), 'a.safetensors')).toThrow(/^a\.safetensors has no step in its metadata/);
    expect(() => readRunWeights(new TextEncoder().encode('{"step": 1, "loss": 2}\n'), 'metrics.safetensors')).toThrow(/^metrics\.safetensors is not a readable \.safetensors file/);
    // One tensor too many is another architecture too.
    const extra = writeSafetensors([...tensors, { name: 'extra.weight', shape: [2], data: new Float32Array(2), dtype: 'F32' }], file.metadata);
    expect(architectureProblem(readSafetensors(extra), config)).toBe('it has a tensor extra.weight that this model does not have');
  });

  it('stands a trainer with the imported weights at the run’s step, after checking the data’s size', async () => {
    const opened = Trainer.create(config, data);
    try {
      await opened.importSafetensors(weights);
      await expect(standAt(opened, { step: 3, trainSize: data.train.size + 1 })).rejects.toThrow(RunRefused);
      expect(opened.stepCount).toBe(0);
      await standAt(opened, { step: 3, trainSize: data.train.size });
      expect(opened.stepCount).toBe(3);
      // The weights are the run's: the same loss on the same fixed batch.
      expect(await opened.evaluateFixedBatch(0)).toEqual(await trainer.evaluateFixedBatch(0));
    } finally {
      opened.dispose();
    }
  });
});
