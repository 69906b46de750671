// Page side of the protocol: start the worker, wrap it with Comlink, open the event port.
import * as Comlink from 'comlink';
import type { LabWorkerApi, PageEvent, WorkerEvent } from './protocol';

export interface WorkerHandle {
  api: Comlink.Remote<LabWorkerApi>;
  /** The port the worker posts WorkerEvents on (handed to api.init). */
  workerPort: MessagePort;
  /** Tell the worker something on the event port. */
  post(e: PageEvent): void;
  terminate(): void;
}

export function startWorker(onEvent: (e: WorkerEvent) => void, onCrash: (message: string) => void): WorkerHandle {
  const worker = new Worker(new URL('./trainWorker.ts', import.meta.url), { type: 'module', name: 'sparsejepa-trainer' });
  worker.addEventListener('error', (e) => onCrash(`${e.message || 'the training worker failed to start'}${e.filename ? ` (${e.filename}:${e.lineno}:${e.colno})` : ''}`));
  const channel = new MessageChannel();
  channel.port1.onmessage = (m: MessageEvent<WorkerEvent>) => onEvent(m.data);
  const api = Comlink.wrap<LabWorkerApi>(worker);
  return {
    api,
    workerPort: channel.port2,
    post: (e) => channel.port1.postMessage(e),
    terminate() {
      channel.port1.onmessage = null;
      channel.port1.close();
      api[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}

export const transfer = Comlink.transfer;
