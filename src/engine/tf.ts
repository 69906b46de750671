// The engine's one door to tfjs. Gradients are registered by the host, once, by importing the
// @tensorflow/tfjs package (src/cli/backend.ts, src/test-setup.ts, the worker): in Node only its
// CommonJS build can register them, because tfjs-core's ES build uses directory imports.
export * from '@tensorflow/tfjs-core';
