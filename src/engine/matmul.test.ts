import { describe, expect, it } from 'vitest';
import { matMul, matMulTransposeB } from './matmul';
import { Rng } from './rng';
import * as tf from './tf';

const rand = (rng: Rng, shape: number[]) =>
  tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()), shape);

function expectAllClose(a: tf.Tensor, b: tf.Tensor, tol = 1e-5) {
  expect(a.shape).toEqual(b.shape);
  const x = a.dataSync();
  const y = b.dataSync();
  for (let i = 0; i < x.length; i++) expect(Math.abs(x[i] - y[i])).toBeLessThan(tol * (1 + Math.abs(y[i])));
}

describe('matMul with explicit-transpose gradients', () => {
  it('equals tfjs matMul and its own gradients (2-D)', () => {
    const rng = new Rng(1);
    const a = rand(rng, [5, 7]);
    const b = rand(rng, [7, 3]);
    const dy = rand(rng, [5, 3]);
    expectAllClose(matMul(a, b), tf.matMul(a, b));
    const ours = tf.grads((x: tf.Tensor, y: tf.Tensor) => matMul(x, y))([a, b], dy);
    const theirs = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y))([a, b], dy);
    expectAllClose(ours[0], theirs[0]);
    expectAllClose(ours[1], theirs[1]);
  });

  it('equals tfjs batched matMul, and q kᵀ, with their gradients (3-D)', () => {
    const rng = new Rng(2);
    const q = rand(rng, [4, 6, 8]);
    const k = rand(rng, [4, 5, 8]);
    const dy = rand(rng, [4, 6, 5]);
    expectAllClose(matMulTransposeB(q as tf.Tensor3D, k as tf.Tensor3D), tf.matMul(q, k, false, true));
    const ours = tf.grads((x: tf.Tensor, y: tf.Tensor) => matMulTransposeB(x as tf.Tensor3D, y as tf.Tensor3D))([q, k], dy);
    const theirs = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y, false, true))([q, k], dy);
    expectAllClose(ours[0], theirs[0]);
    expectAllClose(ours[1], theirs[1]);
  });
});
