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

type Product = (x: tf.Tensor, y: tf.Tensor) => tf.Tensor;
/** `ours` equals tfjs's `theirs` on (a, b), and so do both gradients for the upstream gradient dy. */
function expectSameWithGrads(ours: Product, theirs: Product, [a, b, dy]: tf.Tensor[]) {
  expectAllClose(ours(a, b), theirs(a, b));
  const [da, db] = tf.grads(ours)([a, b], dy);
  const [ta, tb] = tf.grads(theirs)([a, b], dy);
  expectAllClose(da, ta);
  expectAllClose(db, tb);
}
const qkT: Product = (x, y) => matMulTransposeB(x as tf.Tensor3D, y as tf.Tensor3D);
const tfQkT: Product = (x, y) => tf.matMul(x, y, false, true);

describe('matMul with explicit-transpose gradients', () => {
  it('equals tfjs matMul and its own gradients (2-D)', () => {
    const rng = new Rng(1);
    expectSameWithGrads(matMul, (x, y) => tf.matMul(x, y), [rand(rng, [5, 7]), rand(rng, [7, 3]), rand(rng, [5, 3])]);
  });

  it('equals tfjs batched matMul, and q kᵀ, with their gradients (3-D)', () => {
    const rng = new Rng(2);
    expectSameWithGrads(qkT, tfQkT, [rand(rng, [4, 6, 8]), rand(rng, [4, 5, 8]), rand(rng, [4, 6, 5])]);
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
          const conv: Product = (x, y) => convMatMul(x as tf.Tensor3D, y as tf.Tensor3D);
          expectSameWithGrads(conv, (x, y) => tf.matMul(x, y), [rand(rng, [g, m, k]), rand(rng, [g, k, n]), rand(rng, [g, m, n])]);
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
      expectSameWithGrads(qkT, tfQkT, [rand(rng, [4, 6, 8]), rand(rng, [4, 5, 8]), rand(rng, [4, 6, 5])]);
    } finally {
      await tf.setBackend(before);
    }
  });
});
