// A fake of the worker's host for work done in slices between steps (the bias demo, the
// projector's UMAP): it records the events and counts how the thread was shared. Tests only.
import type { WorkerEvent } from './protocol';
import type { SliceHost } from './slicedWork';

export function sliceHostFake(training = false) {
  const events: WorkerEvent[] = [];
  const calls = { sleeps: [] as number[], yields: 0 };
  const h: SliceHost = {
    emit: (e) => events.push(e),
    training: () => training,
    yieldToEvents: () => {
      calls.yields++;
      return new Promise((r) => setTimeout(r, 0));
    },
    sleep: (ms) => {
      calls.sleeps.push(ms);
      return new Promise((r) => setTimeout(r, 0));
    },
  };
  return { h, events, calls };
}
