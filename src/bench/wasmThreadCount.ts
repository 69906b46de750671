// How many threads the bench's WASM runs get (src/bench/worker.ts), on top of the worker's fix
// that lets them start at all (src/worker/wasmThreads.ts).
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';

/** Logical cores as the browser reports them (before requestWasmThreads changes what tfjs sees). */
export const logicalCores = self.navigator.hardwareConcurrency || 1;

/**
 * Ask tfjs-wasm for n threads. It caps its pool at hardwareConcurrency / 2 (it assumes two
 * hyper-threads per core), which is 1 on a 2-core machine: report enough cores for n.
 * Call before tf.setBackend('wasm'); getThreadsCount() afterwards says what it started.
 */
export function requestWasmThreads(n: number): void {
  if (n > Math.floor(logicalCores / 2)) Object.defineProperty(self.navigator, 'hardwareConcurrency', { configurable: true, get: () => 2 * n });
  setThreadsCount(n);
}
