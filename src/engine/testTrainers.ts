// For a test file that builds trainers: its tests run on WASM (the lab's default without a GPU),
// and every trainer it made is disposed at the end, the backend put back to CPU.
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll } from 'vitest';
import type { DatasetSplits } from '../data/types';
import type { LabConfig, LabConfigInput } from './config';
import * as tf from './tf';
import { Trainer } from './trainer';

export function wasmTrainers(): (config: LabConfigInput | LabConfig, data: DatasetSplits) => Trainer {
  const made: Trainer[] = [];
  beforeAll(() => tf.setBackend('wasm'));
  afterAll(async () => {
    made.forEach((t) => t.dispose());
    await tf.setBackend('cpu');
  });
  return (config, data) => {
    const t = Trainer.create(config, data);
    made.push(t);
    return t;
  };
}
