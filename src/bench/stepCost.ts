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

/** What the read-backs of one loop iteration cost. */
export interface IterationReads {
  /** Read-backs issued in the iteration. */
  issued: number;
  /** Of those, the ones that came back before the iteration ended: the loop waited for them before it could queue the next step. */
  awaited: number;
  /** Time from issue to arrival of the awaited ones (the host idles meanwhile), ms. */
  waitMs: number;
}

/**
 * Watches the backend's read-backs (tf.Tensor.data() and friends end in backend.read) over loop
 * iterations: `iteration(f)` runs one and says which of its read-backs it waited for.
 */
export class ReadTracker {
  private readonly backend = tf.backend() as unknown as ReadingBackend;
  private readonly original = this.backend.read;
  private log: { start: number; end: number | null }[] = [];

  constructor() {
    const log = () => this.log;
    const original = this.original;
    this.backend.read = function (this: unknown, dataId: object) {
      const entry = { start: performance.now(), end: null as number | null };
      log().push(entry);
      const p = original.call(this, dataId);
      p.then(
        () => (entry.end = performance.now()),
        () => (entry.end = performance.now()),
      );
      return p;
    };
  }

  async iteration<T>(f: () => Promise<T>): Promise<{ result: T; wallMs: number; reads: IterationReads }> {
    this.log = [];
    const t0 = performance.now();
    const result = await f();
    const wallMs = performance.now() - t0;
    const done = this.log.filter((r) => r.end !== null);
    const reads = { issued: this.log.length, awaited: done.length, waitMs: done.reduce((s, r) => s + (r.end! - r.start), 0) };
    return { result, wallMs, reads };
  }

  dispose(): void {
    this.backend.read = this.original;
  }
}
