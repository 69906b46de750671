// tfjs-wasm starts its pthreads from a Blob holding `var WasmBackendModuleThreadedSimd = ` +
// factory.toString(). A minified bundle renames the variables that function text refers to
// outside itself, so every thread dies ("ReferenceError: e is not defined") and the lab falls
// back to one thread. Giving the factory its published source text as toString() makes the
// Blob self-contained again, whatever the bundler did to the copy that runs in the bundle.
import * as threadedFactoryModule from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js';
import threadedSource from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js?raw';

const PREFIX = 'var WasmBackendModuleThreadedSimd = ';

function factory(): { toString(): string } | null {
  const m = threadedFactoryModule as unknown as { default?: unknown };
  const f = typeof m.default === 'function' ? m.default : m;
  return typeof f === 'function' ? (f as { toString(): string }) : null;
}

/** The factory's own text still works in a Blob (an unminified build). */
export function threadedFactoryIntact(): boolean {
  const f = factory();
  return f !== null && /typeof _scriptDir\b/.test(Function.prototype.toString.call(f));
}

/** Make tfjs-wasm's thread Blob self-contained; true when threads can start. Call before tf.setBackend('wasm'). */
export function keepWasmThreadFactory(): boolean {
  if (threadedFactoryIntact()) return true;
  const f = factory();
  const start = threadedSource.indexOf(PREFIX);
  const end = threadedSource.lastIndexOf('})();');
  if (!f || start < 0 || end < start) return false;
  const source = threadedSource.slice(start + PREFIX.length, end + '})()'.length);
  Object.defineProperty(f, 'toString', { value: () => source, configurable: true });
  return true;
}
