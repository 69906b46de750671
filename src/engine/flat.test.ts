import { describe, expect, it } from 'vitest';
import { FlatView } from './flat';
import * as tf from './tf';

for (const backend of ['cpu', 'wasm']) {
  describe(`FlatView (${backend})`, () => {
    it('gathers variables into one vector and scatters it back, part by part, leaking nothing', async () => {
      const before = tf.getBackend();
      await tf.setBackend(backend);
      try {
        const vs = [tf.variable(tf.tensor2d([[1, 2, 3], [4, 5, 6]])), tf.variable(tf.tensor1d([7])), tf.variable(tf.tensor3d([8, 9, 10, 11], [1, 2, 2]))];
        const view = new FlatView(vs);
        expect(view.size).toBe(11);
        expect(view.offsets).toEqual([0, 6, 7]);
        const flat = view.gather();
        expect(Array.from(flat.dataSync())).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
        const n = tf.memory().numTensors;
        tf.tidy(() => view.scatter(tf.mul(flat, 10) as tf.Tensor1D));
        expect(tf.memory().numTensors).toBe(n);
        expect(vs.map((v) => v.shape)).toEqual([[2, 3], [1], [1, 2, 2]]);
        expect(Array.from(vs[2].dataSync())).toEqual([80, 90, 100, 110]);
        const grads = { [vs[0].name]: tf.ones([2, 3]), [vs[1].name]: tf.scalar(2).reshape([1]), [vs[2].name]: tf.zeros([1, 2, 2]) };
        expect(Array.from(view.gatherGrads(grads).dataSync())).toEqual([1, 1, 1, 1, 1, 1, 2, 0, 0, 0, 0]);
        expect(() => view.gatherGrads({})).toThrow(/no gradient for/);
        const parts = view.unpack(Float32Array.from({ length: 11 }, (_, i) => i));
        expect(parts.map((p) => Array.from(p))).toEqual([[0, 1, 2, 3, 4, 5], [6], [7, 8, 9, 10]]);
        expect(Array.from(view.pack(parts))).toEqual(Array.from({ length: 11 }, (_, i) => i));
        expect(() => view.scatter(tf.zeros([3]) as tf.Tensor1D)).toThrow(/expected 11 values, got 3/);
        tf.dispose([flat, ...vs, ...Object.values(grads)]);
      } finally {
        await tf.setBackend(before);
      }
    });
  });
}
