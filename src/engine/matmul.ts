// Matrix products whose gradients are plain products of explicitly transposed operands on WASM.
// tfjs's own matMul gradient uses matMul(a, b, transposeA, transposeB), which tfjs-wasm runs
// ~12× slower than matMul(a, transpose(b)) (docs/design.md §3); the maths is the same:
//   C = A B  ⇒  ∂A = ∂C Bᵀ,  ∂B = Aᵀ ∂C.
// Every other backend reads a transposed operand in place, so there the flags are used and an
// explicit transpose would only be one more kernel per product (WebGPU: one more dispatch).
//
// Batched products (attention: one [T, T] or [T, hd] product per image and head) are a second
// trap: tfjs-wasm hands only batch-1 products to XNNPACK and runs every batched one through a
// scalar triple loop (~0.5 GFLOP/s). On WASM they run here as one depthwise convolution, which
// XNNPACK does run, with the batch as channels and the shared dimension as the kernel height:
//   x[0, r, i, g] = A[g, i, r],  f[r, 0, g, j] = B[g, r, j]
//   ⇒ depthwiseConv2d(x, f)[0, 0, i, g·n + j] = Σ_r A[g, i, r]·B[g, r, j] = C[g, i, j].
import * as tf from './tf';

const T2 = [1, 0];
const T3 = [0, 2, 1];

let forcedTransposes: boolean | null = null;

/**
 * Whether products transpose an operand with an explicit Transpose kernel first (tfjs-wasm, whose
 * transposed matMul forms are ~12× slower) or through matMul's own transpose flags (every other
 * backend reads the operand transposed in place: no extra kernel, no extra pass over memory).
 */
export function explicitTransposes(): boolean {
  return forcedTransposes ?? tf.getBackend() === 'wasm';
}

/** Force one way of transposing on every backend (null: by backend). For tests. */
export function setExplicitTransposes(on: boolean | null): void {
  forcedTransposes = on;
}

/** opA(a) · opB(b), op = transpose where asked: explicitly on WASM, by matMul's flags elsewhere. */
export function product<R extends tf.Rank>(a: tf.Tensor<R>, b: tf.Tensor<R>, transposeA = false, transposeB = false): tf.Tensor<R> {
  if (!explicitTransposes()) return tf.matMul(a, b, transposeA, transposeB) as tf.Tensor<R>;
  const perm = a.rank === 3 ? T3 : T2;
  return tf.matMul(transposeA ? tf.transpose(a, perm) : a, transposeB ? tf.transpose(b, perm) : b) as tf.Tensor<R>;
}

const matMulWithGrad = (...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [a, b, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb] = saved;
      return [product(dy, sb, false, true), product(sa, dy, true, false)];
    },
  };
};

const plainMatMul = tf.customGrad(matMulWithGrad) as unknown as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

/**
 * The batched product from operands already laid out for the convolution:
 * a as [k, m, g] (shared dim, rows, batch), b as [k, g, n]; returns C as [m, g, n].
 */
export function convProduct(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  const [k, m, g] = a.shape;
  const n = b.shape[2];
  const y = tf.depthwiseConv2d(tf.reshape(a, [1, k, m, g]) as tf.Tensor4D, tf.reshape(b, [k, 1, g, n]) as tf.Tensor4D, 1, 'valid');
  return tf.reshape(y, [m, g, n]);
}

/** A [g, m, k] × B [g, k, n] as one convolution (forward and gradients). */
const convMatMul = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [a, b, save] = args as [tf.Tensor3D, tf.Tensor3D, tf.GradSaveFunc];
  save([a, b]);
  return {
    // [g, m, k] → [k, m, g];  [g, k, n] → [k, g, n];  C [m, g, n] → [g, m, n]
    value: tf.transpose(convProduct(tf.transpose(a, [2, 1, 0]), tf.transpose(b, [1, 0, 2])), [1, 0, 2]),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as tf.Tensor3D[];
      // ∂A [g, m, k] = ∂C [g, m, n] · Bᵀ [g, n, k]: ∂C as [n, m, g], Bᵀ as [n, g, k] (from B [g, k, n]).
      const da = tf.transpose(convProduct(tf.transpose(dy, [2, 1, 0]) as tf.Tensor3D, tf.transpose(sb, [2, 0, 1])), [1, 0, 2]);
      // ∂B [g, k, n] = Aᵀ [g, k, m] · ∂C [g, m, n]: Aᵀ as [m, k, g] (from A [g, m, k]), ∂C as [m, g, n].
      const db = tf.transpose(convProduct(tf.transpose(sa, [1, 2, 0]), tf.transpose(dy, [1, 0, 2]) as tf.Tensor3D), [1, 0, 2]);
      return [da, db];
    },
  };
}) as unknown as (a: tf.Tensor3D, b: tf.Tensor3D) => tf.Tensor3D;

let forcedPath: 'conv' | 'matMul' | null = null;

/** The engine's fast formulations, each of which can be switched off on its own (benchmarks). */
export const FAST_PATHS = ['batchedConv', 'linear', 'layerNorm', 'gelu', 'attention', 'lookup'] as const;
export type FastPath = (typeof FAST_PATHS)[number];
const fast: Record<FastPath, boolean> = Object.fromEntries(FAST_PATHS.map((k) => [k, true])) as Record<FastPath, boolean>;

/**
 * Whether the engine uses its fast formulations (custom gradients, fused bias, convolution
 * products on WASM) or tfjs's plain ops and their own gradients: the same maths either way.
 * Off only to check one against the other (tests) or to measure what each buys (benchmarks).
 */
export function fastPaths(which?: FastPath): boolean {
  return which ? fast[which] : FAST_PATHS.every((k) => fast[k]);
}

/** All fast paths on or off, or some of them. */
export function setFastPaths(on: boolean | Partial<Record<FastPath, boolean>>): void {
  for (const k of FAST_PATHS) fast[k] = typeof on === 'boolean' ? on : (on[k] ?? fast[k]);
}

/** Which batched path the current backend gets: the convolution on WASM, batched matMul elsewhere. */
export function batchedMatMulPath(): 'conv' | 'matMul' {
  return forcedPath ?? (fast.batchedConv && tf.getBackend() === 'wasm' ? 'conv' : 'matMul');
}

/** Force one batched path on every backend (null: choose by backend). For benchmarks and tests. */
export function setBatchedMatMulPath(path: 'conv' | 'matMul' | null): void {
  forcedPath = path;
}

/**
 * A [m, k] × B [k, n] (2-D) or A [b, m, k] × B [b, k, n] (batched). Where transposes are explicit
 * (WASM) the gradient is written out with them; elsewhere tfjs's own gradient already uses the
 * transpose flags, so the product is tf.matMul itself.
 */
export const matMul = (<R extends tf.Rank>(a: tf.Tensor<R>, b: tf.Tensor<R>): tf.Tensor<R> => {
  if (a.rank === 3 && batchedMatMulPath() === 'conv') return convMatMul(a as tf.Tensor3D, b as tf.Tensor3D) as tf.Tensor<R>;
  return (explicitTransposes() ? plainMatMul(a, b) : tf.matMul(a, b)) as tf.Tensor<R>;
});

/** The batched product as one depthwise convolution, on any backend (exported for tests). */
export { convMatMul };

/** A Bᵀ for batched [b, m, k] × [b, n, k] (attention scores q kᵀ): an explicit transpose on WASM, the flag elsewhere. */
export function matMulTransposeB(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  if (!explicitTransposes() && batchedMatMulPath() !== 'conv') return tf.matMul(a, b, false, true);
  return matMul(a, tf.transpose(b, T3));
}
