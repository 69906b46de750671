// A lost WebGPU device (driver reset, GPU process crash, device.destroy()): tfjs-webgpu 4.22
// does not notice, and every later op fails or reads back garbage. We watch `device.lost`, drop
// the dead backend so the next setBackend('webgpu') asks for a fresh adapter and device, and let
// the worker rebuild the trainer there (or on the next backend in line) from its checkpoint.
import * as tf from '../engine/tf';

type WebGpuBackendLike = { device?: GPUDevice };

/** The GPUDevice tfjs computes on, when the current backend is WebGPU. */
export function currentDevice(): GPUDevice | null {
  if (tf.getBackend() !== 'webgpu') return null;
  return (tf.backend() as unknown as WebGpuBackendLike).device ?? null;
}

/** Call `onLost` once when the current WebGPU device is lost; nothing on other backends. */
export function watchDeviceLoss(onLost: (info: GPUDeviceLostInfo) => void): void {
  const device = currentDevice();
  if (device) void device.lost.then(onLost);
}

/**
 * Whether the current WebGPU device is lost, or is lost within `ms`. A read-back fails the
 * moment the device is destroyed, but device.lost can take seconds to resolve on a busy machine.
 */
export function deviceLostWithin(ms: number): Promise<boolean> {
  const device = currentDevice();
  if (!device) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    void device.lost.then(() => (clearTimeout(timer), resolve(true)));
  });
}

/**
 * Remove the (dead) WebGPU backend and register its factory again, so that setBackend('webgpu')
 * builds a new one on a new device. Tensors on the old backend are gone: dispose them first.
 */
export function forgetWebGpuBackend(): void {
  const factory = tf.findBackendFactory('webgpu');
  if (!factory) return;
  tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', factory, 3); // 3: tfjs-backend-webgpu's own priority
}

/**
 * Test and debug hook: destroy the device tfjs uses. This is a real loss (device.lost resolves
 * with reason "destroyed"), not a simulation of one. With `gpuGone`, navigator.gpu also gives no
 * adapter from then on (a GPU that does not come back), so recovery has to fall back.
 * Returns false when not on WebGPU.
 */
export function destroyDevice(opts: { gpuGone?: boolean } = {}): boolean {
  const device = currentDevice();
  if (!device) return false;
  if (opts.gpuGone) {
    const gpu = (self.navigator as Navigator & { gpu?: GPU }).gpu;
    if (gpu) Object.defineProperty(gpu, 'requestAdapter', { configurable: true, value: async () => null });
  }
  device.destroy();
  return true;
}
