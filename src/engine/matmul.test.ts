import { describe, expect, it } from 'vitest';
import { batchedMatMulPath, convMatMul, matMul, matMulTransposeB } from './matmul';
import { Rng } from '../shared/rng';
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

describe('batched matMul as a depthwise convolution (the WASM path)', () => {
  const shapes: [number, number, number, number][] = [
    [6, 5, 7, 4],
    [3, 64, 32, 64], // attention scores at hd = 32
    [4, 9, 9, 16], // attention output
    [1, 3, 2, 5],
  ];

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`equals tfjs batched matMul and its gradients on ${backend}`, async () => {
      const before = tf.getBackend();
      await tf.setBackend(backend);
      try {
        const rng = new Rng(3);
        for (const [g, m, k, n] of shapes) {
          const a = rand(rng, [g, m, k]);
          const b = rand(rng, [g, k, n]);
          const dy = rand(rng, [g, m, n]);
          expectAllClose(convMatMul(a as tf.Tensor3D, b as tf.Tensor3D), tf.matMul(a, b), 1e-5);
          const ours = tf.grads((x: tf.Tensor, y: tf.Tensor) => convMatMul(x as tf.Tensor3D, y as tf.Tensor3D))([a, b], dy);
          const theirs = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y))([a, b], dy);
          expectAllClose(ours[0], theirs[0], 1e-5);
          expectAllClose(ours[1], theirs[1], 1e-5);
        }
      } finally {
        await tf.setBackend(before);
      }
    });
  }

  it('is the path matMul and matMulTransposeB take on WASM (and not elsewhere)', async () => {
    const before = tf.getBackend();
    expect(batchedMatMulPath()).toBe(before === 'wasm' ? 'conv' : 'matMul');
    await tf.setBackend('wasm');
    try {
      expect(batchedMatMulPath()).toBe('conv');
      const rng = new Rng(4);
      const q = rand(rng, [4, 6, 8]);
      const k = rand(rng, [4, 5, 8]);
      const dy = rand(rng, [4, 6, 5]);
      expectAllClose(matMulTransposeB(q as tf.Tensor3D, k as tf.Tensor3D), tf.matMul(q, k, false, true));
      const ours = tf.grads((x: tf.Tensor, y: tf.Tensor) => matMulTransposeB(x as tf.Tensor3D, y as tf.Tensor3D))([q, k], dy);
      const theirs = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y, false, true))([q, k], dy);
      expectAllClose(ours[0], theirs[0]);
      expectAllClose(ours[1], theirs[1]);
    } finally {
      await tf.setBackend(before);
    }
  });
});
