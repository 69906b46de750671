// The training worker's entry: a LabWorker (labWorker.ts) built from the browser's environment
// and exposed to the page with Comlink (client.ts is the page's side). Nothing else lives here.
import * as Comlink from 'comlink';
// The host registers tfjs's gradients once (the engine does not); the ES build works in a bundle.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
// And the chained ops (x.toFloat(), …), as the tfjs package registers them for Node: engine code runs the same in both.
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import { selectBackend } from './backend';
import { CheckpointStore } from './checkpointStore';
import { loadSource } from './datasetSource';
import { destroyDevice, deviceLostWithin, forgetWebGpuBackend, watchDeviceLoss } from './deviceLoss';
import { macrotaskYield } from './eventYield';
import { LabWorker } from './labWorker';
import { lockedRunIds } from './runLocks';

// Test and debug hook (e2e/reliability.spec.ts): destroy the WebGPU device, a genuine device loss.
Object.assign(self, { sparsejepaDebug: { destroyDevice } });

Comlink.expose(
  new LabWorker({
    selectBackend,
    device: { watch: watchDeviceLoss, lostWithin: deviceLostWithin, forget: forgetWebGpuBackend },
    store: new CheckpointStore(),
    loadSource,
    lockedRuns: () => lockedRunIds(),
    yieldToEvents: macrotaskYield(),
    transfer: Comlink.transfer,
  }),
);
