// WebGPU in Node through Dawn (the `webgpu` npm package), so the engine's WebGPU path can be
// trained and measured on a GPU machine without a browser (`--backend webgpu`, `npm run bench`).
//
// The package is a devDependency (prebuilt Dawn inside the package) and loaded only when asked
// for, so nothing else needs it. SPARSEJEPA_DAWN passes Dawn options, comma-separated:
// "backend=vulkan", "adapter=NAME", or "backend=opengles" for Mesa's llvmpipe on a machine
// without a GPU (then also EGL_PLATFORM=surfaceless). SPARSEJEPA_DAWN_NODE=/path/to/dawn.node
// loads Dawn from that file instead of the package (the packed GPU bench, scripts/gpu-bench.sh). tfjs-backend-webgpu registers itself only
// in a browser (it looks for `window`), so the backend is registered here with the device limits
// it asks for there.
import { createRequire } from 'node:module';
import { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import * as tf from '../engine/tf';
import { applyWebGpuFixes } from '../worker/webgpuFixes';
import { UsageError } from './args';

export interface NodeAdapter {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
  /** Dawn options in use (SPARSEJEPA_DAWN). */
  dawnOptions: string[];
  /** Feature level the adapter was asked for: 'core', or 'compatibility' (OpenGL/ES backends). */
  featureLevel: 'core' | 'compatibility';
  fixes: string[];
}

interface DawnModule {
  create(options: string[]): GPU;
  globals: Record<string, unknown>;
}

const PACKAGE = 'webgpu';
let registered: Promise<NodeAdapter> | null = null;

async function loadDawn(): Promise<DawnModule> {
  const file = process.env.SPARSEJEPA_DAWN_NODE;
  if (file) {
    try {
      return createRequire(import.meta.url)(file) as DawnModule;
    } catch (e) {
      throw new UsageError(`SPARSEJEPA_DAWN_NODE=${file}: could not load Dawn (${(e as Error).message.split('\n')[0]})`);
    }
  }
  try {
    // A name in a variable: the package is optional, neither tsc nor a bundler should look for it.
    const mod = (await import(/* @vite-ignore */ PACKAGE)) as Partial<DawnModule> & { default?: DawnModule };
    return typeof mod.create === 'function' ? (mod as DawnModule) : mod.default!;
  } catch (e) {
    throw new UsageError(`--backend webgpu needs the '${PACKAGE}' npm package (Dawn), which is not installed: npm i ${PACKAGE} (${(e as Error).message.split('\n')[0]})`);
  }
}

/** Make `navigator.gpu` and the WebGPU globals exist in Node and register tfjs's 'webgpu' backend on Dawn. */
export function registerNodeWebGpu(): Promise<NodeAdapter> {
  registered ??= register().catch((e: unknown) => {
    registered = null;
    throw e;
  });
  return registered;
}

async function register(): Promise<NodeAdapter> {
  const dawn = await loadDawn();
  const dawnOptions = (process.env.SPARSEJEPA_DAWN ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create(dawnOptions);
  if (!('navigator' in globalThis) || !(globalThis as { navigator?: object }).navigator) {
    Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
  }
  Object.defineProperty((globalThis as unknown as { navigator: object }).navigator, 'gpu', { value: gpu, configurable: true });

  // OpenGL/ES adapters exist only at the compatibility feature level.
  const compat = dawnOptions.some((o) => /^backend=opengl/.test(o));
  const featureLevel = compat ? 'compatibility' : 'core';
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance', ...(compat ? { featureLevel } : {}) } as GPURequestAdapterOptions);
  if (!adapter) {
    throw new Error(`Dawn found no WebGPU adapter (options: ${dawnOptions.join(',') || 'none'}); on a machine without a GPU try SPARSEJEPA_DAWN=backend=opengles EGL_PLATFORM=surfaceless`);
  }
  const info = adapter.info;
  const described: NodeAdapter = {
    vendor: info?.vendor ?? '',
    architecture: info?.architecture ?? '',
    device: info?.device ?? '',
    description: info?.description ?? '',
    isFallbackAdapter: Boolean((info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter ?? (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter),
    dawnOptions,
    featureLevel,
    fixes: [],
  };
  tf.registerBackend('webgpu', async () => {
    const limits = adapter.limits;
    const device = await adapter.requestDevice({
      requiredFeatures: adapter.features.has('timestamp-query') ? ['timestamp-query'] : [],
      // What tfjs-backend-webgpu's own registration asks for (its src/base.ts).
      requiredLimits: {
        maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
        maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
        maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
        maxBufferSize: limits.maxBufferSize,
        maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
        maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
      },
    });
    return new WebGPUBackend(device, info);
  });
  return described;
}

/** Switch tfjs to WebGPU on Dawn (registering it first) and apply the engine's WebGPU fixes. */
export async function useNodeWebGpu(): Promise<NodeAdapter> {
  const adapter = await registerNodeWebGpu();
  if (!(await tf.setBackend('webgpu'))) throw new Error('the webgpu backend could not start on Dawn');
  await tf.ready();
  adapter.fixes = applyWebGpuFixes();
  return adapter;
}
