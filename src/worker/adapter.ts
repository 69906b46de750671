// Pure rules for choosing a backend: what counts as a real GPU, and the order to try.
import type { AdapterDescription, BackendName, BackendRequest } from './protocol';

const SOFTWARE = /swiftshader|llvmpipe|softpipe|lavapipe|software|microsoft basic render|warp\b|cpu/i;

/** True for software adapters (SwiftShader, llvmpipe, WARP…) and WebGPU fallback adapters. */
export function isSoftwareAdapter(info: Omit<AdapterDescription, 'software'>): boolean {
  if (info.isFallbackAdapter) return true;
  return SOFTWARE.test([info.vendor, info.architecture, info.device, info.description].join(' '));
}

export function describeAdapterText(a: AdapterDescription): string {
  const parts = [a.vendor, a.architecture, a.device, a.description].filter((s) => s && s.trim());
  const name = parts.length ? [...new Set(parts)].join(' / ') : 'unnamed adapter';
  return a.software ? `${name} (software)` : name;
}

export const AUTO_ORDER_WITH_GPU: BackendName[] = ['webgpu', 'wasm', 'webgl', 'cpu'];
export const AUTO_ORDER_NO_GPU: BackendName[] = ['wasm', 'webgl', 'cpu'];

/**
 * Backends to try, in order. Auto: WebGPU only on a real GPU adapter, then WASM, WebGL, CPU.
 * Forced: the forced one first, then the automatic order as fallback.
 */
export function backendOrder(request: BackendRequest, realGpu: boolean): BackendName[] {
  const auto = realGpu ? AUTO_ORDER_WITH_GPU : AUTO_ORDER_NO_GPU;
  if (request === 'auto') return auto;
  return [request, ...auto.filter((b) => b !== request)];
}
