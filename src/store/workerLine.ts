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
import { useLab } from './run/state';

/** The worker in use and the commands' queue (one of each per page: `line` below). */
class WorkerLine {
  private handle: WorkerHandle | null = null;
  private tail: Promise<unknown> = Promise.resolve();

  api(): WorkerHandle['api'] {
    if (!this.handle) throw new Error('the training worker is not running');
    return this.handle.api;
  }

  post(e: PageEvent): void {
    this.handle?.post(e);
  }

  replace(onEvent: (e: WorkerEvent) => void, onCrash: (message: string) => void): WorkerHandle {
    this.handle?.terminate();
    this.handle = startWorker(onEvent, onCrash);
    return this.handle;
  }

  isCurrent(h: WorkerHandle): boolean {
    return this.handle === h;
  }

  command<T>(label: string, fn: (setLabel: (l: string) => void) => Promise<T>): Promise<T> {
    const entry = label;
    useLab.setState((s) => ({ queued: [...s.queued, entry] }));
    const r = this.tail.then(async () => {
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
    this.tail = r.catch(() => undefined);
    return r;
  }
}

const line = new WorkerLine();

/** The worker's commands (throws when no worker is running). */
export const workerApi = (): WorkerHandle['api'] => line.api();

/** Tell the worker something on the event port (nothing when no worker is running). */
export const postToWorker = (e: PageEvent): void => line.post(e);

/** A new worker replaces the old one (a backend switch, a crashed worker). Returns its handle. */
export const replaceWorker = (onEvent: (e: WorkerEvent) => void, onCrash: (message: string) => void): WorkerHandle => line.replace(onEvent, onCrash);

/** Whether `h` is still the worker in use (an older one's late replies are dropped). */
export const isCurrentWorker = (h: WorkerHandle) => line.isCurrent(h);

export { transfer };

/**
 * Run `fn` after every command given before it. `label` says what it does while it runs
 * ("Building the model…"); `setLabel` inside changes it. Commands waiting show as queued.
 */
export const command = <T>(label: string, fn: (setLabel: (l: string) => void) => Promise<T>): Promise<T> => line.command(label, fn);
