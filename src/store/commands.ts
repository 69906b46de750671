// The page's one line to the training worker. Commands a person gives (Start, Pause, Step,
// Reset, Evaluate, exports, a dataset, a backend switch, Resume) go through `command()`: one at a
// time, in the order given, each carried out when the ones before it are done (a Start pressed
// while the model is still being built starts that model once it exists). The store shows the
// command in flight (`busy`) and the ones waiting (`queued`), so controls can say when they will
// act; a command that fails is not retried, its action shows why. Requests that are not commands
// (live λ/β/lr, samples for the views, the pacing message) go straight to the worker through
// `workerApi()`: the worker orders them among the commands it has.
import { startWorker, transfer, type WorkerHandle } from '../worker/client';
import type { PageEvent, WorkerEvent } from '../worker/protocol';
import { useLab } from './runStore';

let handle: WorkerHandle | null = null;
let tail: Promise<unknown> = Promise.resolve();

/** The worker's commands (throws when no worker is running). */
export function workerApi(): WorkerHandle['api'] {
  if (!handle) throw new Error('the training worker is not running');
  return handle.api;
}

/** Tell the worker something on the event port (nothing when no worker is running). */
export function postToWorker(e: PageEvent): void {
  handle?.post(e);
}

/** A new worker replaces the old one (a backend switch, a crashed worker). Returns its handle. */
export function replaceWorker(onEvent: (e: WorkerEvent) => void, onCrash: (message: string) => void): WorkerHandle {
  handle?.terminate();
  handle = startWorker(onEvent, onCrash);
  return handle;
}

/** Whether `h` is still the worker in use (an older one's late replies are dropped). */
export const isCurrentWorker = (h: WorkerHandle) => handle === h;

export { transfer };

/**
 * Run `fn` after every command given before it. `label` says what it does while it runs
 * ("Building the model…"); `setLabel` inside changes it. Commands waiting show as queued.
 */
export function command<T>(label: string, fn: (setLabel: (l: string) => void) => Promise<T>): Promise<T> {
  const entry = label;
  useLab.setState((s) => ({ queued: [...s.queued, entry] }));
  const r = tail.then(async () => {
    useLab.setState((s) => {
      const i = s.queued.indexOf(entry);
      return { queued: i < 0 ? s.queued : [...s.queued.slice(0, i), ...s.queued.slice(i + 1)], busy: label };
    });
    try {
      return await fn((l) => useLab.setState({ busy: l }));
    } finally {
      useLab.setState({ busy: null });
    }
  });
  tail = r.catch(() => undefined);
  return r;
}
