// The LabWorker driven as the page drives it, with fakes for its environment: a recording port, a
// fake IndexedDB, a dataset source that hands back the built-in shapes, a device whose loss the
// test triggers. No browser, no Comlink: the same object trainWorker.ts exposes.
import { IDBFactory } from 'fake-indexeddb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticDataset } from '../data/synthetic';
import { parseConfig, type LabConfigInput } from '../engine/config';
import * as tf from '../engine/tf';
import { CheckpointStore } from './checkpointStore';
import { LabWorker, type LabWorkerEnv } from './labWorker';
import type { BackendInfo, WorkerEvent } from './protocol';
import { IMPORTED_RUN_REFUSAL } from './run';

const input: LabConfigInput = { preset: 'micro', mode: 'sparse', batchSize: 4, steps: 6, seed: 3, checkpointEvery: 2, subset: { classes: [0, 1, 2], perClass: 8 } };
const config = parseConfig(input);
const splits = syntheticDataset({ seed: 0, trainPerClass: 8, testPerClass: 2, numClasses: 3 });

interface Fakes {
  worker: LabWorker;
  events: WorkerEvent[];
  backends: string[];
  /** Call the device's loss handler, as WebGPU's device.lost would. */
  loseDevice(): void;
  forgotten: number;
}

function fakeLab(): Fakes {
  const events: WorkerEvent[] = [];
  const backends: string[] = [];
  let onLost: ((info: GPUDeviceLostInfo) => void) | null = null;
  const fakes = { events, backends, forgotten: 0 } as Fakes;
  const env: LabWorkerEnv = {
    selectBackend: async (request) => {
      backends.push(request);
      return { requested: request, backend: 'wasm', crossOriginIsolated: false, fallbacks: [] } satisfies BackendInfo;
    },
    device: {
      watch: (fn) => (onLost = fn),
      lostWithin: async () => false,
      forget: () => fakes.forgotten++,
    },
    store: new CheckpointStore(new IDBFactory()),
    loadSource: async (source) => {
      if (source.kind !== 'synthetic') throw new Error(`the fake loads built-in data only, not ${source.kind}`);
      return { id: 'synthetic', name: 'built-in shapes', splits };
    },
    lockedRuns: async () => new Set(),
    yieldToEvents: () => new Promise((r) => setTimeout(r, 0)),
    transfer: (v) => v,
    probeOptions: { epochs: 1 },
  };
  fakes.worker = new LabWorker(env);
  fakes.loseDevice = () => onLost?.({ reason: 'unknown', message: 'test' } as GPUDeviceLostInfo);
  return fakes;
}

/** The recording end of the event port init() takes. */
const recordingPort = (events: WorkerEvent[]) => ({ postMessage: (e: WorkerEvent) => events.push(e), onmessage: null }) as unknown as MessagePort;

async function until(events: WorkerEvent[], ok: (e: WorkerEvent) => boolean, what: string): Promise<void> {
  for (let i = 0; i < 3000; i++) {
    if (events.some(ok)) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`never saw ${what}`);
}
const stateOf = (runId: string, state: string) => (e: WorkerEvent) => e.type === 'state' && e.runId === runId && e.state === state;

describe('LabWorker (the training worker as an object, with a fake environment)', () => {
  beforeAll(() => tf.setBackend('wasm'));
  afterAll(() => tf.setBackend('cpu'));

  it('carries out commands in the order sent: a Start sent right after a Reset trains the run that Reset built', async () => {
    const f = fakeLab();
    await f.worker.init('auto', recordingPort(f.events));
    expect(f.backends).toEqual(['auto']);
    const summary = await f.worker.loadDataset({ kind: 'synthetic' });
    expect(summary.id).toBe('synthetic');
    // Not awaited in between: the queue, not the caller, keeps the order.
    const [info] = await Promise.all([f.worker.reset(config, 'run-1'), f.worker.start('run-1')]);
    expect(info.runId).toBe('run-1');
    expect(info.trainSize).toBe(24);
    await until(f.events, stateOf('run-1', 'done'), 'run-1 done');
    const steps = f.events.flatMap((e) => (e.type === 'metrics' && e.runId === 'run-1' ? [e.metrics.step] : []));
    expect(steps).toEqual([1, 2, 3, 4, 5, 6]);
    // A Start past the end is refused out loud.
    await expect(f.worker.start('run-1')).rejects.toThrow(/steps/);
    await f.worker.reset(config, 'run-2'); // closes run-1
  });

  it('refuses a command for a run that is not open, naming the runs that are', async () => {
    const f = fakeLab();
    await f.worker.init('auto', recordingPort(f.events));
    await expect(f.worker.start('nobody')).rejects.toThrow(/not open in the worker \(no run is open\)/);
    await f.worker.loadDataset({ kind: 'synthetic' });
    await f.worker.reset(config, 'run-a');
    await expect(f.worker.step('run-b')).rejects.toThrow(/open: run-a/);
    await expect(f.worker.reset(config, 'run-a')).rejects.toThrow(/already open/);
    // A bad config keeps the run open before it.
    await expect(f.worker.reset({ ...config, dataset: 'cifar-100' }, 'run-c')).rejects.toThrow(/not loaded/);
    await f.worker.step('run-a');
    expect(f.events.some((e) => e.type === 'metrics' && e.runId === 'run-a' && e.metrics.step === 1)).toBe(true);
    await expect(f.worker.setStorageBudget(-1)).rejects.toThrow(/≥ 0/);
  });

  it('opens weights as an imported run to look at: Start and Step are refused with the reason', async () => {
    const f = fakeLab();
    await f.worker.init('auto', recordingPort(f.events));
    await f.worker.loadDataset({ kind: 'synthetic' });
    await f.worker.reset(config, 'src');
    await f.worker.step('src');
    const bytes = await f.worker.exportSafetensors('src');
    const buffer = bytes.slice().buffer as ArrayBuffer;
    const look = await f.worker.importSafetensors(buffer, { load: true, runId: 'imported', config, inspect: { step: 4 } });
    expect(look.loaded).toBe(true);
    expect(look.norms).toBeTruthy(); // sparse mode: W's norms at its step
    await expect(f.worker.start('imported')).rejects.toThrow(IMPORTED_RUN_REFUSAL);
    await expect(f.worker.step('imported')).rejects.toThrow(IMPORTED_RUN_REFUSAL);
    const report = await f.worker.evaluate('imported');
    expect(report.step).toBe(4);
  });

  it('recovers from a lost device: the backend is picked again and the run goes on from its checkpoint', async () => {
    const f = fakeLab();
    await f.worker.init('auto', recordingPort(f.events));
    await f.worker.loadDataset({ kind: 'synthetic' });
    await f.worker.reset({ ...config, steps: 4 }, 'r');
    await f.worker.step('r');
    await f.worker.step('r'); // step 2: a checkpoint (checkpointEvery 2)
    await until(f.events, (e) => e.type === 'checkpoint' && e.runId === 'r', 'a checkpoint of r');
    f.loseDevice();
    // A command sent during the recovery waits for it, then is carried out.
    await f.worker.step('r');
    expect(f.forgotten).toBe(1);
    expect(f.backends).toEqual(['auto', 'auto']);
    const rollback = f.events.find((e) => e.type === 'rollback' && e.runId === 'r');
    expect(rollback && rollback.type === 'rollback' && rollback.reason).toBe('device-lost');
    expect(rollback && rollback.type === 'rollback' && rollback.step).toBe(2);
    const steps = f.events.flatMap((e) => (e.type === 'metrics' && e.runId === 'r' ? [e.metrics.step] : []));
    expect(steps).toEqual([1, 2, 3]);
  });
});
