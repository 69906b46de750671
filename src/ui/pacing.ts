// Pacing: the training worker waits for the page to draw, so a CPU-starved page (a software GPU,
// few cores) stays responsive while a fast loop trains. This module owns the page's half; the
// worker's half is src/worker/pageGate.ts. One step, in order:
//
//   1. worker (run.ts)       takes a step, posts a 'metrics' event on the event port;
//   2. store (run/state.ts)   buffers it and publishes buffered steps at most every FLUSH_MS
//                            (flushMetrics bumps `version`), then calls the onFlush listeners;
//   3. here                  on each flush, waits until the charts are idle (renderQueue.whenIdle:
//                            no drawing round running, every chart committed the version it was
//                            asked to show; charts draw one per macrotask, see useSeries.ts);
//   4. here                  posts PageEvent { type: 'drawn', runId, step } to the worker;
//   5. worker (pageGate.ts)  before its next step, waits until the page has drawn the step just
//                            taken, but at most min(PAGE_WAIT_MAX_MS, PAGE_SHARE · step time):
//                            a page that never answers slows training by at most that share.
//
// A fresh, resumed or rolled-back run starts with nothing to wait for (PageGate.reset).
import { postToWorker } from '../store/workerLine';
import { onFlush, useLab } from '../store/run/state';
import { whenIdle } from './renderQueue';

let stop: (() => void) | null = null;

/** Start telling the worker what the page has drawn (once; returns the stop). */
export function startPacing(): () => void {
  stop ??= onFlush((step) =>
    whenIdle(() => {
      const run = useLab.getState().run;
      if (run) postToWorker({ type: 'drawn', runId: run.runId, step });
    }),
  );
  return stop;
}
