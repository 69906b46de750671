import { describe, expect, it } from 'vitest';
import { backendOrder, describeAdapterText, isSoftwareAdapter } from './adapter';

const base = { vendor: '', architecture: '', device: '', description: '', isFallbackAdapter: false };

describe('backend choice', () => {
  it('treats SwiftShader and fallback adapters as software', () => {
    expect(isSoftwareAdapter({ ...base, vendor: 'google', architecture: 'swiftshader' })).toBe(true);
    expect(isSoftwareAdapter({ ...base, description: 'SwiftShader Device (Subzero)' })).toBe(true);
    expect(isSoftwareAdapter({ ...base, vendor: 'mesa', device: 'llvmpipe (LLVM 15.0.6, 256 bits)' })).toBe(true);
    expect(isSoftwareAdapter({ ...base, vendor: 'nvidia', architecture: 'ampere', isFallbackAdapter: true })).toBe(true);
  });
  it('treats named hardware as a real GPU', () => {
    expect(isSoftwareAdapter({ ...base, vendor: 'nvidia', architecture: 'hopper' })).toBe(false);
    expect(isSoftwareAdapter({ ...base, vendor: 'apple', architecture: 'metal-3' })).toBe(false);
    expect(isSoftwareAdapter({ ...base, vendor: 'intel', architecture: 'gen-12lp' })).toBe(false);
  });
  it('orders backends: WebGPU first only on a real GPU; a forced one goes first', () => {
    expect(backendOrder('auto', true)).toEqual(['webgpu', 'wasm', 'webgl', 'cpu']);
    expect(backendOrder('auto', false)).toEqual(['wasm', 'webgl', 'cpu']);
    expect(backendOrder('webgpu', false)).toEqual(['webgpu', 'wasm', 'webgl', 'cpu']);
    expect(backendOrder('cpu', true)).toEqual(['cpu', 'webgpu', 'wasm', 'webgl']);
  });
  it('describes an adapter', () => {
    expect(describeAdapterText({ ...base, vendor: 'google', architecture: 'swiftshader', software: true })).toBe('google / swiftshader (software)');
    expect(describeAdapterText({ ...base, software: false })).toBe('unnamed adapter');
  });
});
