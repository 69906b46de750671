// Backend selection inside the worker: WebGPU on a real GPU; otherwise WASM (SIMD, threads when
// cross-origin isolated), then WebGL, then CPU. A forced backend is tried first; every backend
// passed over is reported with the reason.
import * as tf from '../engine/tf';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
// tfjs-wasm starts its threads from its factory's source text, which a minified bundle breaks;
// this restores the published text (shared with the benchmark, which found the fix).
import { keepWasmThreadFactory } from './wasmThreads';
import { backendOrder, isSoftwareAdapter } from './adapter';
import { applyWebGpuFixes } from './webgpuFixes';
import type { AdapterDescription, BackendInfo, BackendName, BackendRequest } from './protocol';
import { errText } from '../shared/errors';

setWasmPaths({
  'tfjs-backend-wasm.wasm': new URL(wasmPlain, self.location.href).href,
  'tfjs-backend-wasm-simd.wasm': new URL(wasmSimd, self.location.href).href,
  'tfjs-backend-wasm-threaded-simd.wasm': new URL(wasmThreadedSimd, self.location.href).href,
});

/** Ask navigator.gpu for an adapter and describe it (without creating a device). */
export async function probeWebGpu(): Promise<{ adapter?: AdapterDescription; problem?: string }> {
  const gpu = (self.navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) return { problem: 'this browser exposes no WebGPU (navigator.gpu is missing)' };
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    return { problem: `requestAdapter failed: ${errText(e)}` };
  }
  if (!adapter) return { problem: 'WebGPU gave no adapter (requestAdapter returned null)' };
  const a = adapter as GPUAdapter & { info?: GPUAdapterInfo; isFallbackAdapter?: boolean; requestAdapterInfo?: () => Promise<GPUAdapterInfo> };
  let info: Partial<GPUAdapterInfo> = a.info ?? {};
  if (!a.info && a.requestAdapterInfo) {
    try {
      info = await a.requestAdapterInfo();
    } catch {
      info = {};
    }
  }
  const raw = {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    isFallbackAdapter: Boolean(a.isFallbackAdapter ?? (info as { isFallbackAdapter?: boolean }).isFallbackAdapter),
  };
  return { adapter: { ...raw, software: isSoftwareAdapter(raw) } };
}

/** Set the backend and prove it computes (a tiny op read back). */
async function tryBackend(name: BackendName): Promise<string | null> {
  try {
    if (!tf.findBackendFactory(name)) return 'not available in this browser';
    const ok = await tf.setBackend(name);
    if (!ok) return 'failed to initialise';
    await tf.ready();
    const t = tf.tidy(() => tf.sum(tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([1, 0, 0, 1], [2, 2]))));
    const v = (await t.data())[0];
    t.dispose();
    if (v !== 10) return `a test computation gave ${v} instead of 10`;
    return null;
  } catch (e) {
    return errText(e);
  }
}

function label(name: BackendName): string {
  return { webgpu: 'WebGPU', wasm: 'WASM', webgl: 'WebGL', cpu: 'CPU' }[name];
}

export async function selectBackend(request: BackendRequest): Promise<BackendInfo> {
  const isolated = Boolean((self as unknown as { crossOriginIsolated?: boolean }).crossOriginIsolated);
  const fallbacks: string[] = [];
  let threadsNote: string | undefined;
  // The training threads (this worker's plus tfjs-wasm's pool) leave one core to the page.
  const cores = self.navigator.hardwareConcurrency || 1;
  const computeThreads = Math.max(1, cores - 1);
  if (!isolated) {
    threadsNote = 'threads off: the page is not cross-origin isolated (COOP/COEP headers missing)';
  } else if (computeThreads < 2) {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    threadsNote = `threads off: this machine has ${cores} logical core${cores === 1 ? '' : 's'}, and one is kept for the page`;
  } else if (!keepWasmThreadFactory()) {
    // Threads would die at start-up: run WASM on one thread rather than not at all.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    threadsNote = "threads off: this build minified tfjs-wasm's thread factory and its source could not be restored";
  } else {
    setThreadsCount(computeThreads); // tfjs caps the pool at cores / 2
  }
  const probe = await probeWebGpu();
  const realGpu = Boolean(probe.adapter && !probe.adapter.software);
  if (request === 'auto') {
    if (probe.problem) fallbacks.push(`WebGPU skipped: ${probe.problem}`);
    else if (!realGpu) {
      fallbacks.push(
        `WebGPU skipped: the adapter is not a real GPU (${probe.adapter!.isFallbackAdapter ? 'fallback adapter' : 'software renderer'}: ${
          [probe.adapter!.vendor, probe.adapter!.architecture, probe.adapter!.description].filter(Boolean).join(' / ') || 'unnamed'
        }), so it would be slower than WASM`,
      );
    }
  }
  for (const name of backendOrder(request, realGpu)) {
    if (name === 'webgpu' && probe.problem) {
      if (request === 'webgpu') fallbacks.push(`WebGPU (forced) unavailable: ${probe.problem}`);
      continue;
    }
    const problem = await tryBackend(name);
    if (problem) {
      fallbacks.push(`${label(name)}${name === request ? ' (forced)' : ''} failed: ${problem}`);
      continue;
    }
    if (name === 'webgpu') applyWebGpuFixes();
    const info: BackendInfo = { requested: request, backend: name, adapter: probe.adapter, crossOriginIsolated: isolated, fallbacks };
    if (name === 'wasm') {
      const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
      const threads = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
      info.wasm = { simd, threads, threadCount: threads ? getThreadsCount() : 1, note: threads ? undefined : threadsNote };
    }
    return info;
  }
  throw new Error(`no tfjs backend works here: ${fallbacks.join('; ')}`);
}
