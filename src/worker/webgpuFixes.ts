// Work-arounds for tfjs-backend-webgpu 4.22, applied when the worker runs on WebGPU.
//
// AddN binds every input as a storage buffer in one compute pipeline, but WebGPU allows only
// maxStorageBuffersPerShaderStage (8 by default) per stage: tf.addN over more than 7 tensors
// makes an invalid pipeline, the command buffer is dropped, and every read-back submitted with it
// silently returns zeros (the trainer sums ‖∇‖² over ~80 gradients with addN). Re-register AddN
// to add in chunks that fit.
import * as tf from '../engine/tf';

interface WebGpuBackendLike {
  device: GPUDevice;
  disposeData(dataId: object): boolean;
}

// Marks the chunked AddN: tfjs's kernel registry, not a flag here, says whether it is applied
// (once per registry; the kernel outlives a lost device's backend, which is built again).
const CHUNKED = Symbol('AddN in chunks');
type Marked = tf.KernelFunc & { [CHUNKED]?: true };

export function applyWebGpuFixes(): string[] {
  if (tf.getBackend() !== 'webgpu') return [];
  const original = tf.getKernel('AddN', 'webgpu');
  if (!original || (original.kernelFunc as Marked)[CHUNKED]) return [];
  const initial = tf.backend() as unknown as WebGpuBackendLike;
  // One storage buffer is the output.
  const inputsFor = (b: WebGpuBackendLike) => Math.max(2, (b.device?.limits?.maxStorageBuffersPerShaderStage ?? 8) - 1);
  const maxInputsAtStart = inputsFor(initial);
  const kernelFunc: tf.KernelFunc = (args) => {
    // The backend of this call, not the one at registration: after a lost device it is a new one.
    const backend = args.backend as unknown as WebGpuBackendLike;
    const maxInputs = inputsFor(backend);
    const inputs = args.inputs as unknown as tf.TensorInfo[];
    if (inputs.length <= maxInputs) return original.kernelFunc(args);
    let level: tf.TensorInfo[] = inputs;
    const temporaries: tf.TensorInfo[] = [];
    while (level.length > 1) {
      const next: tf.TensorInfo[] = [];
      for (let i = 0; i < level.length; i += maxInputs) {
        const chunk = level.slice(i, i + maxInputs);
        if (chunk.length === 1) {
          next.push(chunk[0]);
          continue;
        }
        const sum = original.kernelFunc({ ...args, inputs: chunk as unknown as tf.NamedTensorInfoMap }) as tf.TensorInfo;
        temporaries.push(sum);
        next.push(sum);
      }
      level = next;
    }
    const result = level[0];
    for (const t of temporaries) if (t !== result) backend.disposeData(t.dataId);
    return result;
  };
  tf.unregisterKernel('AddN', 'webgpu');
  tf.registerKernel({ kernelName: 'AddN', backendName: 'webgpu', kernelFunc: Object.assign(kernelFunc, { [CHUNKED]: true as const }) });
  return [`tf.addN split into chunks of ${maxInputsAtStart} inputs (WebGPU allows ${maxInputsAtStart + 1} storage buffers per shader stage)`];
}
