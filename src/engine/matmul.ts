// Matrix products whose gradients are plain products of explicitly transposed operands.
// tfjs's own matMul gradient uses matMul(a, b, transposeA, transposeB), which tfjs-wasm runs
// ~12× slower than matMul(a, transpose(b)) (DESIGN.md §3); the maths is the same:
//   C = A B  ⇒  ∂A = ∂C Bᵀ,  ∂B = Aᵀ ∂C.
import * as tf from './tf';

const T2 = [1, 0];
const T3 = [0, 2, 1];

const matMulWithGrad = (...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [a, b, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([a, b]);
  const perm = a.rank === 3 ? T3 : T2;
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb] = saved;
      return [tf.matMul(dy, tf.transpose(sb, perm)), tf.matMul(tf.transpose(sa, perm), dy)];
    },
  };
};

/** A [m, k] × B [k, n] (2-D) or A [b, m, k] × B [b, k, n] (batched). */
export const matMul = tf.customGrad(matMulWithGrad) as unknown as <R extends tf.Rank>(a: tf.Tensor<R>, b: tf.Tensor<R>) => tf.Tensor<R>;

/** A Bᵀ for batched [b, m, k] × [b, n, k] (attention scores q kᵀ), via an explicit transpose. */
export function matMulTransposeB(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  return matMul(a, tf.transpose(b, T3));
}
