// tfjs backends for command-line runs: WASM (fast on CPUs) or the pure-JS CPU reference.
import '@tensorflow/tfjs'; // registers every op's gradient and the CPU backend
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '../engine/tf';
import { UsageError } from './args';

export const NODE_BACKENDS = ['wasm', 'cpu'] as const;

export async function useBackend(name: string): Promise<string> {
  if (!(NODE_BACKENDS as readonly string[]).includes(name)) {
    throw new UsageError(`--backend: expected one of ${NODE_BACKENDS.join(', ')}, got '${name}'`);
  }
  if (!(await tf.setBackend(name))) throw new Error(`the ${name} backend could not start`);
  await tf.ready();
  return tf.getBackend();
}
