// The engine on WebGPU in Node (Dawn, the `webgpu` package) against the CPU backend: same seed,
// same steps, the same numbers within float32 tolerance, and no tensors left behind.
// Without a GPU, Dawn runs on Mesa's llvmpipe through OpenGL ES (Debian's Mesa, which the
// chromium package brings); where there is no adapter at all the test says why it is skipped.
import { describe, expect, it } from 'vitest';
import { syntheticDataset } from '../data/synthetic';
import { parseConfig } from '../engine/config';
import * as tf from '../engine/tf';
import { setGpuCopies } from '../engine/flatWebgpu';
import { Trainer } from '../engine/trainer';
import { useBackend } from './backend';
import { registerNodeWebGpu } from './nodeWebgpu';

// A real GPU first; else the software OpenGL ES adapter (needs a surfaceless EGL).
async function findAdapter(): Promise<string | null> {
  try {
    await registerNodeWebGpu();
    return null;
  } catch (first) {
    if (process.env.SPARSEJEPA_DAWN) return (first as Error).message;
    process.env.SPARSEJEPA_DAWN = 'backend=opengles';
    process.env.EGL_PLATFORM ??= 'surfaceless';
    process.env.XDG_RUNTIME_DIR ??= '/tmp';
    try {
      await registerNodeWebGpu();
      return null;
    } catch (second) {
      return `${(first as Error).message}; then ${(second as Error).message}`;
    }
  }
}

const skipWhy = await findAdapter();
if (skipWhy) console.warn(`nodeWebgpu.test skipped: ${skipWhy}`);

const data = syntheticDataset({ seed: 1, numClasses: 3, trainPerClass: 8, testPerClass: 2 });
const config = parseConfig({ preset: 'micro', mode: 'sparse', batchSize: 4, steps: 20, seed: 5, lambda: 1e-2, beta: 1e-3, normsEvery: 2 });

async function losses(backend: string, steps: number): Promise<{ loss: number[]; norms: number[][] | undefined; tensors: number[] }> {
  await useBackend(backend);
  const t = Trainer.create(config, data);
  const loss: number[] = [];
  const tensors: number[] = [];
  let norms: number[][] | undefined;
  for (let i = 0; i < steps; i++) {
    const m = await t.step();
    loss.push(m.loss);
    norms = m.groupNorms ?? norms;
    tensors.push(tf.memory().numTensors);
  }
  t.dispose();
  return { loss, norms, tensors };
}

describe.skipIf(skipWhy !== null)('WebGPU in Node (Dawn)', () => {
  it('trains with the CPU backend’s numbers and leaks no tensors', async () => {
    const gpu = await losses('webgpu', 4);
    expect(tf.getBackend()).toBe('webgpu');
    const cpu = await losses('cpu', 4);
    for (let i = 0; i < 4; i++) expect(Math.abs(gpu.loss[i] - cpu.loss[i])).toBeLessThan(1e-4 * Math.max(1, cpu.loss[0]));
    const flat = (m: number[][] | undefined) => (m ?? []).flat();
    expect(flat(gpu.norms).length).toBe(config.latentDim * 16);
    flat(gpu.norms).forEach((v, i) => expect(Math.abs(v - flat(cpu.norms)[i])).toBeLessThan(1e-4));
    expect(gpu.tensors[3]).toBe(gpu.tensors[1]);
    // The flat vectors' buffer copies (flatWebgpu.ts) move exactly what tfjs's Concat/SplitV would.
    setGpuCopies(false);
    try {
      const kernels = await losses('webgpu', 2);
      expect(kernels.loss).toEqual(gpu.loss.slice(0, 2));
    } finally {
      setGpuCopies(true);
    }
  }, 300_000);
});
