// The host's one way to read a result back from the backend.
import * as tf from './tf';

/** Read a tensor back and dispose it, also when the read fails (a lost GPU device rejects it). */
export async function readAndDispose(t: tf.Tensor): Promise<Float32Array> {
  try {
    return (await t.data()) as Float32Array;
  } finally {
    t.dispose();
  }
}
