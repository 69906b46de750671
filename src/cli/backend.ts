// tfjs backends for command-line runs: WASM (fast on CPUs), the pure-JS CPU reference, and
// WebGPU on Dawn where the optional `webgpu` package is installed (a GPU machine; nodeWebgpu.ts).
import '@tensorflow/tfjs'; // registers every op's gradient and the CPU backend
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '../engine/tf';
import { UsageError } from './args';
import { describeAdapterText, isSoftwareAdapter } from '../worker/adapter';
import { useNodeWebGpu } from './nodeWebgpu';

export const NODE_BACKENDS = ['wasm', 'cpu', 'webgpu'] as const;

export async function useBackend(name: string): Promise<string> {
  if (!(NODE_BACKENDS as readonly string[]).includes(name)) {
    throw new UsageError(`--backend: expected one of ${NODE_BACKENDS.join(', ')}, got '${name}'`);
  }
  if (name === 'webgpu') {
    const a = await useNodeWebGpu();
    console.error(`webgpu: Dawn adapter ${describeAdapterText({ ...a, software: isSoftwareAdapter(a) })}`);
    return tf.getBackend();
  }
  if (!(await tf.setBackend(name))) throw new Error(`the ${name} backend could not start`);
  await tf.ready();
  return tf.getBackend();
}
