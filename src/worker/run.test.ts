import { IDBObjectStore as FakeObjectStore } from 'fake-indexeddb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticDataset } from '../data/synthetic';
import type { LabConfigInput } from '../engine/config';
import { probeEncoder } from '../engine/probe';
import * as tf from '../engine/tf';
import { Trainer } from '../engine/trainer';
import { PageGate } from './pageGate';
import type { WorkerEvent } from './protocol';
import { Run, RunRefused } from './run';
import { readSavedRun } from './runKeeper';
import { fakeWorker } from './testEnv';

const data = syntheticDataset({ seed: 5, trainPerClass: 10, testPerClass: 2, numClasses: 3 });
const config: LabConfigInput = { preset: 'micro', mode: 'sparse', batchSize: 4, steps: 12, seed: 9, checkpointEvery: 4, normsEvery: 2 };
const dataset = { id: 'synthetic', name: 'built-in shapes' };

/** A fake worker around the runs (testEnv.ts), its probes short. */
const worker = () => fakeWorker({ probeOptions: { epochs: 2 } });

const losses = (events: WorkerEvent[], id: string) => events.flatMap((e) => (e.type === 'metrics' && e.runId === id ? [[e.metrics.step, e.metrics.loss] as const] : []));
/** Resolves once run `id` has sent a state event of `state`. */
async function until(events: WorkerEvent[], id: string, state: string): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (events.some((e) => e.type === 'state' && e.runId === id && e.state === state)) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`run ${id} never reached ${state}`);
}

describe('Run (one run in the worker: trainer, keeper, probes, loop)', () => {
  beforeAll(() => tf.setBackend('wasm'));
  afterAll(() => tf.setBackend('cpu'));

  it('trains to the end, says so, refuses a Start past the end, and leaves no tensors behind', async () => {
    const before = tf.memory().numTensors;
    const w = worker();
    const run = Run.create('run-a', Trainer.create(config, data), dataset, w.env);
    await run.start();
    expect(run.running).toBe(true);
    await until(w.events, 'run-a', 'done');
    expect(losses(w.events, 'run-a').map(([s]) => s)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(w.of('run-a', 'state').map((e) => e.type === 'state' && e.state)).toEqual(['running', 'done']);
    await expect(run.start()).rejects.toThrow(RunRefused);
    await expect(run.start()).rejects.toThrow('already at 12 steps: raise Steps or Reset');
    await run.close();
    // The finished run was saved as it ended, under its id.
    expect((await w.store.info('run-a'))!.step).toBe(12);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('Pause saves the step it stands at; a Run restored from the store continues with bit-identical losses, its masks shown', async () => {
    const w = worker();
    const a = Run.create('run-a', Trainer.create(config, data), dataset, w.env);
    for (let i = 0; i < 5; i++) await a.stepOnce();
    await a.start();
    await a.pause();
    const at = a.step;
    expect(at).toBeGreaterThanOrEqual(5);
    expect((await w.store.info('run-a'))!.step).toBe(at);
    // The Masks view after the pause: the batch of the step it stands at.
    expect((await a.sharingSample({ imageIndex: 0, batchItem: 1 })).masks!.step).toBe(at);
    a.dispose();

    // A reload: the same id, read back from storage.
    const saved = (await readSavedRun(w.store, 'run-a'))!;
    const b = await Run.restore('run-a', Trainer.create(saved.state.config, data), { ...saved, savedAt: saved.info.savedAt }, dataset, w.env);
    expect(b.step).toBe(at);
    expect(b.history.upTo(at).metrics).toHaveLength(at);
    expect((await b.sharingSample({ imageIndex: 0, batchItem: 1 })).masks!.step).toBe(at); // also right after the resume
    for (let i = 0; i < 3; i++) await b.stepOnce();
    const clean = Trainer.create(config, data);
    const straight: number[] = [];
    for (let i = 0; i < at + 3; i++) straight.push((await clean.step()).loss);
    expect(losses(w.events, 'run-a').map(([, l]) => l)).toEqual(straight);
    clean.dispose();
    b.dispose();
  });

  it('the loop runs a step ahead but not past a probed step: probes every 3 steps see steps 3 and 6 as a run stepped one at a time has them', async () => {
    const w = worker();
    // A checkpoint every 2 steps: the loop does not run ahead past step 2, so step 3 would be taken with step 4 queued behind it.
    const probed = { ...config, steps: 6, probeEvery: 3, checkpointEvery: 2 };
    const run = Run.create('run-p', Trainer.create(probed, data), dataset, w.env);
    await run.start();
    await until(w.events, 'run-p', 'done');
    const probes = w.of('run-p', 'probe').flatMap((e) => (e.type === 'probe' && e.kind === 'linear' ? [[e.step, e.top1] as const] : []));
    const clean = Trainer.create(probed, data);
    const expected: (readonly [number, number])[] = [];
    for (let i = 1; i <= 6; i++) {
      await clean.step();
      if (i % 3 === 0) expected.push([i, (await probeEncoder(clean, data, { seed: probed.seed, epochs: 2 })).top1] as const);
    }
    expect(probes).toEqual(expected);
    expect(losses(w.events, 'run-p').map(([s]) => s)).toEqual([1, 2, 3, 4, 5, 6]);
    clean.dispose();
    await run.close();
  });

  it('two runs keep their own checkpoints in one store; deleting one leaves the other', async () => {
    const w = worker();
    const a = Run.create('run-a', Trainer.create(config, data), dataset, w.env);
    const b = Run.create('run-b', Trainer.create({ ...config, seed: 2 }, data), dataset, w.env);
    for (let i = 0; i < 4; i++) await a.stepOnce();
    for (let i = 0; i < 2; i++) await b.stepOnce();
    await a.pause();
    await b.pause();
    const { runs } = await w.store.list();
    expect(runs.map((r) => [r.runId, r.step, r.config.seed])).toEqual([['run-a', 4, 9], ['run-b', 2, 2]]);
    b.forget();
    await w.store.delete('run-b');
    await b.stepOnce();
    await b.pause(); // forgotten: not written again
    expect((await w.store.list()).runs.map((r) => r.runId)).toEqual(['run-a']);
    a.dispose();
    b.dispose();
  });

  it('storage refuses a write (QuotaExceededError): training goes on, checkpoints are off and say why, the last good one stays readable', async () => {
    const w = worker();
    const run = Run.create('run-q', Trainer.create({ ...config, steps: 20 }, data), dataset, w.env);
    for (let i = 0; i < 4; i++) await run.stepOnce(); // checkpoint of step 4 stored
    await new Promise((r) => setTimeout(r, 20));
    expect((await w.store.info('run-q'))!.step).toBe(4);
    const proto = FakeObjectStore.prototype as IDBObjectStore;
    const put = proto.put;
    proto.put = () => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
    try {
      await run.start();
      await until(w.events, 'run-q', 'done');
    } finally {
      proto.put = put;
    }
    expect(run.step).toBe(20);
    const refusals = w.of('run-q', 'checkpoint').filter((e) => e.type === 'checkpoint' && e.error);
    expect(refusals).toHaveLength(1); // said once; no retries after
    const r = refusals[0];
    expect(r.type === 'checkpoint' && r.off).toBe(true);
    expect(r.type === 'checkpoint' && r.lastGood?.step).toBe(4);
    expect(r.type === 'checkpoint' && r.error).toMatch(/Checkpoints are off for this run: .* storage for this site is full \(QuotaExceededError.*The last good checkpoint, of step 4, is kept\. Training goes on\./);
    expect(run.storage.off).toMatch(/QuotaExceededError/);
    const kept = (await readSavedRun(w.store, 'run-q'))!;
    expect(kept.state.step).toBe(4);
    // Storage is back: Try again saves where it stands.
    await run.retryCheckpoints();
    expect((await w.store.info('run-q'))!.step).toBe(20);
    expect(run.storage.off).toBeNull();
    run.dispose();
  });

  it('refuses a single step while training, and a Start of a closed run, out loud', async () => {
    const w = worker();
    const run = Run.create('run-s', Trainer.create({ ...config, steps: 1000 }, data), dataset, w.env);
    await run.start();
    await expect(run.stepOnce()).rejects.toThrow('the run is training: Pause it to take single steps');
    // A Start given while a Pause winds the loop down starts a new loop once it has stopped.
    const stopping = run.stop();
    await run.start();
    await stopping;
    expect(run.running).toBe(true);
    await run.close();
    await expect(run.start()).rejects.toThrow(/was closed/);
  });
});

describe('PageGate (the worker waits for the page to draw)', () => {
  it('waits until the page has drawn the step, at most a share of the step time', async () => {
    const gate = new PageGate();
    let done = false;
    const p = gate.wait(3, 500).then(() => (done = true));
    gate.drawn(2);
    await new Promise((r) => setTimeout(r, 10));
    expect(done).toBe(false);
    gate.drawn(3);
    await p;
    expect(done).toBe(true);
    const t0 = performance.now();
    await gate.wait(9, 30); // the page never draws it
    expect(performance.now() - t0).toBeGreaterThanOrEqual(25);
    gate.reset(20);
    await gate.wait(20, 10_000); // a resumed run stands at 20: nothing to wait for
  });
});
