// What one training step asks of the backend, counted rather than timed (counts do not move with
// the machine's load): the tfjs kernels tf.profile records (by name; Reshape and Identity relabel
// a buffer and run no program, so they are also counted apart), the GPU programs actually
// dispatched on WebGPU (one kernel such as Concat or SplitV may run several), and the read-backs
// a step waits for before the loop can queue the next one.
import * as tf from '../engine/tf';

/** Kernels that only relabel a buffer (no program runs on any backend). */
export const FREE_KERNELS = ['Reshape', 'Identity'] as const;

export interface KernelCount {
  /** Every kernel tf.profile records for the step. */
  all: number;
  /** Without Reshape and Identity. */
  work: number;
  /** WebGPU programs dispatched (null on other backends, where a kernel is one call). */
  dispatches: number | null;
  /** Kernels by name, most frequent first. */
  byName: Record<string, number>;
}

interface WebGpuBackendLike {
  recordAndSubmit(...args: unknown[]): unknown;
}

/** Run `f`, counting the WebGPU programs recorded meanwhile (null if the backend is not WebGPU). */
export async function countDispatches<T>(f: () => Promise<T>): Promise<{ result: T; dispatches: number | null }> {
  if (tf.getBackend() !== 'webgpu') return { result: await f(), dispatches: null };
  const backend = tf.backend() as unknown as WebGpuBackendLike;
  const original = backend.recordAndSubmit;
  let n = 0;
  backend.recordAndSubmit = function (this: unknown, ...args: unknown[]) {
    n++;
    return original.apply(this, args);
  };
  try {
    return { result: await f(), dispatches: n };
  } finally {
    backend.recordAndSubmit = original;
  }
}

/** tf.profile around `f` (one training step): kernels by name, and WebGPU dispatches. */
export async function countKernels(f: () => Promise<unknown>): Promise<KernelCount> {
  let info: Awaited<ReturnType<typeof tf.profile>> | undefined;
  const { dispatches } = await countDispatches(async () => {
    info = await tf.profile(async () => {
      await f();
      return [];
    });
  });
  const byName: Record<string, number> = {};
  for (const k of info!.kernels) byName[k.name] = (byName[k.name] ?? 0) + 1;
  const sorted = Object.fromEntries(Object.entries(byName).sort((a, b) => b[1] - a[1]));
  const all = info!.kernels.length;
  const free = FREE_KERNELS.reduce((n, k) => n + (byName[k] ?? 0), 0);
  return { all, work: all - free, dispatches, byName: sorted };
}

interface ReadingBackend {
  read(dataId: object): Promise<unknown>;
}

/**
 * Counts the backend's read-backs (tf.Tensor.data() and friends end in backend.read) per training
 * step: each is charged to the step being queued when it was issued (`current()`).
 */
export class ReadCounter {
  private readonly backend = tf.backend() as unknown as ReadingBackend;
  private readonly original = this.backend.read;
  private readonly byStep = new Map<number, number>();

  constructor(current: () => number) {
    const byStep = this.byStep;
    const original = this.original;
    this.backend.read = function (this: unknown, dataId: object) {
      const s = current();
      byStep.set(s, (byStep.get(s) ?? 0) + 1);
      return original.call(this, dataId);
    };
  }

  /** The read-backs issued while `step` was queued (and forget them). */
  take(step: number): number {
    const n = this.byStep.get(step) ?? 0;
    this.byStep.delete(step);
    return n;
  }

  dispose(): void {
    this.backend.read = this.original;
  }
}
