// tfjs-core with every op's gradient registered: the engine imports tf from here.
import '@tensorflow/tfjs-core/dist/register_all_gradients';

export * from '@tensorflow/tfjs-core';
