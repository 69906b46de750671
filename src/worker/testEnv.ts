// For tests of a Run (imported by tests only): the worker around it, faked. A port that records the
// events, one queue for tensor work (the real WorkQueue), a checkpoint store on a fake IndexedDB:
// the RunEnv that labWorker.ts builds, without Comlink, a page or a GPU.
import { IDBFactory } from 'fake-indexeddb';
import * as tf from '../engine/tf';
import { CheckpointStore } from './checkpointStore';
import type { WorkerEvent } from './protocol';
import type { RunEnv } from './run';
import { WorkQueue } from './workQueue';

/** `over` replaces parts of the env (probe options, …); `store` lets two workers share one database. */
export function fakeWorker(over: Partial<RunEnv> = {}, store = new CheckpointStore(new IDBFactory())) {
  const events: (WorkerEvent & { runId?: string })[] = [];
  const tensors = new WorkQueue();
  const env: RunEnv = {
    emit: (e) => events.push(e),
    exclusive: (fn) => tensors.run(fn),
    store,
    floors: new Map(),
    memory: () => ({ numTensors: tf.memory().numTensors, numBytes: 0 }),
    yieldToEvents: () => new Promise((r) => setTimeout(r, 0)),
    ...over,
  };
  /** The events run `id` sent of one type. */
  const of = (id: string, type: WorkerEvent['type']) => events.filter((e) => e.type === type && e.runId === id);
  return { env, events, store, of };
}
