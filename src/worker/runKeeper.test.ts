import { IDBFactory } from 'fake-indexeddb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticDataset } from '../data/synthetic';
import * as tf from '../engine/tf';
import { Trainer } from '../engine/trainer';
import { CheckpointStore } from './checkpointStore';
import type { WorkerEvent } from './protocol';
import { readSavedRun, RunKeeper } from './runKeeper';

const data = syntheticDataset({ seed: 5, trainPerClass: 10, testPerClass: 2, numClasses: 3 });
const config = { preset: 'micro', mode: 'sparse', batchSize: 4, steps: 50, seed: 9, checkpointEvery: 3, normsEvery: 2 } as const;
const dataset = { id: 'synthetic', name: 'built-in shapes' };

function keeperFor(trainer: Trainer, store: CheckpointStore, events: WorkerEvent[]): RunKeeper {
  return new RunKeeper(trainer, { runId: 'run-1', dataset, store, emit: (e) => events.push(e) });
}

/** n steps the way the worker takes them: step, record, save in the background. */
async function steps(k: RunKeeper, n: number): Promise<number[]> {
  const losses: number[] = [];
  for (let i = 0; i < n; i++) {
    const out = await k.step();
    if (out.kind !== 'step') throw new Error(out.message);
    const { groupNorms, ...scalars } = out.metrics;
    const norms = groupNorms ? { step: out.metrics.step, G: groupNorms.length, K: groupNorms[0].length, data: Float32Array.from(groupNorms.flat()) } : undefined;
    k.record(scalars, norms);
    await k.saveLatest();
    losses.push(out.metrics.loss);
  }
  return losses;
}

describe('RunKeeper: checkpoints in IndexedDB, metrics so far, resume', () => {
  beforeAll(() => tf.setBackend('wasm'));
  afterAll(() => tf.setBackend('cpu'));

  it('after a "reload" the run continues from its saved step with bit-identical losses and its metrics', async () => {
    const factory = new IDBFactory();
    const events: WorkerEvent[] = [];
    const a = Trainer.create(config, data);
    const before = await steps(keeperFor(a, new CheckpointStore(factory), events), 7);
    const saves = events.filter((e) => e.type === 'checkpoint').map((e) => (e.type === 'checkpoint' ? [e.step, e.error] : null));
    expect(saves).toEqual([[0, undefined], [3, undefined], [6, undefined]]);
    a.dispose(); // the tab goes away at step 7; the checkpoint of step 6 is what is left

    const saved = await readSavedRun(new CheckpointStore(factory), 'run-1');
    expect(saved!.info).toMatchObject({ step: 6, dataset });
    expect(saved!.history.upTo(6).metrics.map((m) => m.loss)).toEqual(before.slice(0, 6));
    expect(saved!.history.upTo(6).norms.map((n) => n.step)).toEqual([1, 2, 4, 6]);
    const b = Trainer.create(saved!.state.config, data);
    const k = await RunKeeper.restore(b, saved!.state, { runId: 'run-1', dataset, store: new CheckpointStore(factory), emit: () => undefined, history: saved!.history });
    expect(b.stepCount).toBe(6);
    const after = await steps(k, 3);

    const clean = Trainer.create(config, data);
    const straight: number[] = [];
    for (let i = 0; i < 9; i++) straight.push((await clean.step()).loss);
    expect([...before.slice(0, 6), ...after]).toEqual(straight);
    expect(k.history.upTo(9).metrics.map((m) => m.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    b.dispose();
    clean.dispose();
  });

  it('a diverged step drops the metrics after the checkpoint; Pause saves the step it stands at', async () => {
    const store = new CheckpointStore(new IDBFactory());
    const events: WorkerEvent[] = [];
    const t = Trainer.create(config, data);
    const k = keeperFor(t, store, events);
    await steps(k, 4);
    k.hyperChanged(5, { ...t.hyper(), lr: 0.5 });
    const w = t.model.context.patchEmbed.w;
    w.assign(tf.fill(w.shape, NaN));
    const out = await k.step();
    expect(out.kind === 'diverged' && out.restoredStep).toBe(3);
    expect(k.history.upTo(100).metrics.map((m) => m.step)).toEqual([1, 2, 3]);
    // The λ/β/lr change for step 5 is gone; the checkpoint's values apply from step 4.
    expect(k.history.upTo(100).hyper).toEqual([{ atStep: 4, hyper: t.hyper() }]);

    await steps(k, 1); // step 4 again
    await k.checkpointNow(); // Pause
    expect((await store.info('run-1'))!.step).toBe(4);
    const n = events.length;
    await k.checkpointNow(); // nothing new to save
    expect(events.length).toBe(n);
    t.dispose();
  });
});
