// FlatView's gather and scatter on WebGPU as buffer-to-buffer copies. tfjs-backend-webgpu runs
// Concat and SplitV as one compute program per part (SplitV: a Slice program per output, ~120 a
// step here), each with its own uniforms and bind group; copyBufferToBuffer moves the same bytes
// with no program at all. The copies go into the backend's own command encoder, in order with its
// programs, and the buffers they touch are marked as in use by that encoder (as the backend's own
// reads and uploads do), so a tensor disposed meanwhile is released only after the submit.
import * as tf from './tf';

interface TensorData {
  resource: unknown;
  dtype: string;
}

interface WebGpuBackendLike {
  tensorMap: { get(dataId: object): TensorData };
  commandEncoder: GPUCommandEncoder | null;
  commandQueueOwnedIds: WeakSet<object>;
  uploadToGPU(dataId: object): void;
  makeTensorInfo(shape: number[], dtype: 'float32'): tf.TensorInfo;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
}

let enabled = true;

/** Use buffer copies on WebGPU (default), or tfjs's Concat/SplitV everywhere (to check one against the other). */
export function setGpuCopies(on: boolean): void {
  enabled = on;
}

function webgpuBackend(xs: tf.Tensor[]): WebGpuBackendLike | null {
  if (!enabled || tf.getBackend() !== 'webgpu') return null;
  if (xs.some((x) => x.dtype !== 'float32')) return null;
  const b = tf.backend() as unknown as Partial<WebGpuBackendLike>;
  // The internals this relies on (tfjs-backend-webgpu 4.x); anything else falls back to tfjs's kernels.
  if (typeof b.uploadToGPU !== 'function' || typeof b.ensureCommandEncoderReady !== 'function' || !b.tensorMap || !b.commandQueueOwnedIds) return null;
  return b as WebGpuBackendLike;
}

function bufferOf(b: WebGpuBackendLike, t: tf.TensorInfo): GPUBuffer | null {
  b.uploadToGPU(t.dataId);
  const r = b.tensorMap.get(t.dataId).resource;
  return r && typeof (r as GPUBuffer).size === 'number' && typeof (r as GPUTexture).createView !== 'function' ? (r as GPUBuffer) : null;
}

function encoder(b: WebGpuBackendLike): GPUCommandEncoder {
  b.ensureCommandEncoderReady();
  b.endComputePassEncoder();
  return b.commandEncoder!;
}

const F32 = 4;

/** xs flattened and concatenated into one new [size] tensor by copies; null where not on WebGPU. */
export function gatherOnGpu(xs: tf.Tensor[], size: number): tf.Tensor1D | null {
  const b = webgpuBackend(xs);
  if (!b) return null;
  const sources = xs.map((x) => bufferOf(b, x));
  if (sources.some((s) => s === null)) return null;
  const out = b.makeTensorInfo([size], 'float32');
  const dst = bufferOf(b, out)!;
  const enc = encoder(b);
  let offset = 0;
  xs.forEach((x, i) => {
    enc.copyBufferToBuffer(sources[i]!, 0, dst, offset * F32, x.size * F32);
    b.commandQueueOwnedIds.add(x.dataId);
    offset += x.size;
  });
  b.commandQueueOwnedIds.add(out.dataId);
  return tf.engine().makeTensorFromTensorInfo(out) as tf.Tensor1D;
}

/** flat cut into new 1-D tensors of the given sizes by copies; null where not on WebGPU. */
export function scatterOnGpu(flat: tf.Tensor1D, sizes: number[]): tf.Tensor1D[] | null {
  const b = webgpuBackend([flat]);
  if (!b) return null;
  const src = bufferOf(b, flat);
  if (!src) return null;
  const enc = encoder(b);
  let offset = 0;
  const parts = sizes.map((s) => {
    const out = b.makeTensorInfo([s], 'float32');
    const dst = bufferOf(b, out)!;
    enc.copyBufferToBuffer(src, offset * F32, dst, 0, s * F32);
    b.commandQueueOwnedIds.add(out.dataId);
    offset += s;
    return tf.engine().makeTensorFromTensorInfo(out) as tf.Tensor1D;
  });
  b.commandQueueOwnedIds.add(flat.dataId);
  return parts;
}
