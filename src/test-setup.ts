// Unit tests run on tfjs's CPU backend: the reference every other backend is checked against.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs'; // registers every op's gradient and the CPU backend
import '@tensorflow/tfjs-backend-wasm';

await tf.setBackend('cpu');
await tf.ready();
