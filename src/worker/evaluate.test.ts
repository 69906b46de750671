import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { syntheticDataset } from '../data/synthetic';
import type { LabConfigInput } from '../engine/config';
import * as tf from '../engine/tf';
import { wasmTrainers } from '../engine/testTrainers';
import { floorKey, ProbeRunner } from './evaluate';
import type { WorkerEvent } from './protocol';

const data = syntheticDataset({ seed: 0, trainPerClass: 10, testPerClass: 5, numClasses: 4 });
const base: LabConfigInput = { preset: 'micro', mode: 'sparse', batchSize: 4, steps: 50, seed: 3, lambda: 0.01, beta: 0.001 };
const PROBE = { epochs: 4, batchSize: 32 };
const trainer = wasmTrainers();
const make = (over: LabConfigInput = {}) => trainer({ ...base, ...over }, data);

/** Every event the runner sends, and a queue that runs work at once (the worker's exclusive()). */
function harness() {
  const events: WorkerEvent[] = [];
  const runner = new ProbeRunner((e) => events.push(e), PROBE);
  const queue = <T,>(fn: () => Promise<T>) => fn();
  return { events, runner, queue };
}

describe('evaluate() in the worker', () => {
  it('leaves training exactly as it was: the next steps have the same loss as without probing', async () => {
    const probed = make();
    const plain = make();
    for (const t of [probed, plain]) for (let i = 0; i < 2; i++) await t.step();
    const { runner } = harness();
    await runner.evaluate(probed, 'r1');
    for (let i = 0; i < 2; i++) {
      const a = await probed.step();
      const b = await plain.step();
      expect(a.loss).toBe(b.loss);
      expect(a.gradNorm).toBe(b.gradNorm);
    }
    const [sa, sb] = [await probed.snapshot(), await plain.snapshot()];
    expect(sa.rng).toEqual(sb.rng);
    expect(sa.sampler).toEqual(sb.sampler);
    expect(sa.adamStep).toBe(sb.adamStep);
  });

  it('reports top-1/top-5 and the random-init floor, with progress up to 1, and caches the floor', async () => {
    const t = make();
    for (let i = 0; i < 3; i++) await t.step();
    const { events, runner } = harness();
    // Two probes (trained and floor; the floor's model is disposed) and nothing left behind.
    const before = tf.memory().numTensors;
    const r1 = await runner.evaluate(t, 'r7');
    expect(tf.memory().numTensors).toBe(before);
    for (const v of [r1.top1, r1.top5, r1.randomInitTop1, r1.randomInitTop5]) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
    expect(r1.top5).toBeGreaterThanOrEqual(r1.top1);
    expect(r1).toMatchObject({ runId: 'r7', step: 3, trainCount: data.train.size, testCount: data.test.size, floorCached: false });
    const progress = events.filter((e) => e.type === 'probe-progress');
    const done = progress.map((e) => (e.type === 'probe-progress' ? e.done : -1));
    expect(done[0]).toBe(0);
    expect(done.every((d, i) => i === 0 || d >= done[i - 1])).toBe(true);
    expect(done[done.length - 1]).toBe(1);
    expect(progress.some((e) => e.type === 'probe-progress' && e.phase === 'random-init')).toBe(true);
    expect(events[events.length - 1]).toEqual({ type: 'probe', ...r1 });

    // The floor is the same probe on a fresh model from the same seed.
    const fresh = make();
    const again = await new ProbeRunner(() => undefined, PROBE).evaluate(fresh, 'r0');
    expect(again.top1).toBe(r1.randomInitTop1);
    expect(again.top5).toBe(r1.randomInitTop5);

    await t.step();
    events.length = 0;
    const r2 = await runner.evaluate(t, 'r7');
    expect(r2.floorCached).toBe(true);
    expect(r2.randomInitTop1).toBe(r1.randomInitTop1);
    expect(events.some((e) => e.type === 'probe-progress' && e.phase === 'random-init')).toBe(false);
  });

  it('the JEPA twin of a run shares its step-0 target encoder, so its floor', async () => {
    const sparse = make();
    const jepa = make({ mode: 'jepa', lambda: 0, beta: 0 });
    expect(floorKey(jepa.config, PROBE)).toBe(floorKey(sparse.config, PROBE));
    expect(floorKey(make({ seed: 4 }).config, PROBE)).not.toBe(floorKey(sparse.config, PROBE));
    const x = Float32Array.from({ length: 2 * 64 * 48 }, (_, i) => Math.sin(i));
    expect(await jepa.encode(x, 2)).toEqual(await sparse.encode(x, 2));
  });

  it('probes every n steps in the loop, once per step, and n can change live', async () => {
    const t = make({ probeEvery: 2 });
    const { events, runner, queue } = harness();
    const probedAt: string[] = [];
    for (let i = 0; i < 4; i++) {
      await t.step();
      await runner.afterStep(t, 'r1', queue);
      await runner.afterStep(t, 'r1', queue); // a second call for the same step does nothing
    }
    for (const e of events) if (e.type === 'probe') probedAt.push(`${e.step} ${e.kind}`);
    expect(probedAt).toEqual(['2 linear', '2 knn', '4 linear', '4 knn']);
    runner.setEvery(t, 0);
    expect(runner.due(t)).toBe(false);
    runner.setEvery(t, 5);
    await t.step();
    expect(runner.due(t)).toBe(true);
    expect(runner.everyFor(make())).toBe(0); // another trainer keeps its own config
    expect(() => runner.setEvery(t, -1)).toThrow(/whole number/);
  });

  it('works on the CPU backend; at step 0 the trained encoder is its own floor', async () => {
    await tf.setBackend('cpu');
    try {
      const t = make();
      const r = await harness().runner.evaluate(t, 'r1');
      expect(r.step).toBe(0);
      expect(r.top1).toBe(r.randomInitTop1);
      expect(r.top5).toBe(r.randomInitTop5);
    } finally {
      await tf.setBackend('wasm');
    }
  });

  it('a failed probe is an event, and the loop goes on', async () => {
    const noTest = { train: data.train, test: { ...data.test, images: new Uint8Array(0), labels: new Int32Array(0), size: 0 } };
    const t = trainer({ ...base, probeEvery: 1 }, noTest);
    await t.step();
    const { events, runner, queue } = harness();
    await expect(runner.afterStep(t, 'r2', queue)).resolves.toBeUndefined();
    const err = events.find((e) => e.type === 'probe-error');
    expect(err).toMatchObject({ type: 'probe-error', runId: 'r2', step: 1 });
    expect(err && err.type === 'probe-error' && err.message).toMatch(/train and test images/);
    await expect(runner.evaluate(t, 'r2')).rejects.toThrow(/train and test images/);
  });

  it('the attentive probe: its own floor (not the linear one), the kind in the report, no tensors left, training untouched', async () => {
    const t = make();
    const plain = make();
    for (const x of [t, plain]) for (let i = 0; i < 2; i++) await x.step();
    const { events, runner } = harness();
    const linear = await runner.evaluate(t, 'ra');
    const before = tf.memory().numTensors;
    const att = await runner.evaluate(t, 'ra', 'attentive');
    expect(tf.memory().numTensors).toBe(before);
    expect(linear.kind).toBe('linear');
    expect(att).toMatchObject({ kind: 'attentive', step: 2, floorCached: false, trainCount: data.train.size, testCount: data.test.size });
    for (const v of [att.top1, att.top5, att.randomInitTop1, att.randomInitTop5]) expect(v).toBeGreaterThanOrEqual(0);
    expect(att.top5).toBeGreaterThanOrEqual(att.top1);
    expect(floorKey(t.config, PROBE, 'attentive')).not.toBe(floorKey(t.config, PROBE, 'linear'));
    expect(events.at(-1)).toEqual({ type: 'probe', ...att });
    // The floor is the attentive probe on the step-0 encoder (a fresh model), cached for the next attentive probe only.
    const fresh = await new ProbeRunner(() => undefined, PROBE).evaluate(make(), 'r0', 'attentive');
    expect(fresh.top1).toBe(att.randomInitTop1);
    expect((await runner.evaluate(t, 'ra', 'attentive')).floorCached).toBe(true);
    // An attentive probe does not count as probeEvery's probe of the step.
    const [a, b] = [await t.step(), await plain.step()];
    expect(a.loss).toBe(b.loss);
  });

  it('the k-NN probe: its own floor (the same k-NN on the step-0 encoder), the kind in the report, no tensors left, training untouched', async () => {
    const t = make();
    const plain = make();
    for (const x of [t, plain]) for (let i = 0; i < 2; i++) await x.step();
    const { events, runner } = harness();
    await runner.evaluate(t, 'rk'); // a linear probe first: its floor is not the k-NN's
    const before = tf.memory().numTensors;
    const knn = await runner.evaluate(t, 'rk', 'knn');
    expect(tf.memory().numTensors).toBe(before);
    expect(knn).toMatchObject({ kind: 'knn', step: 2, floorCached: false, trainCount: data.train.size, testCount: data.test.size });
    for (const v of [knn.top1, knn.top5, knn.randomInitTop1, knn.randomInitTop5]) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
    expect(knn.top5).toBeGreaterThanOrEqual(knn.top1);
    expect(new Set([floorKey(t.config, PROBE, 'knn'), floorKey(t.config, PROBE, 'linear'), floorKey(t.config, PROBE, 'attentive')]).size).toBe(3);
    expect(events.at(-1)).toEqual({ type: 'probe', ...knn });
    expect(events.some((e) => e.type === 'probe-progress' && e.phase === 'random-init')).toBe(true);
    const fresh = await new ProbeRunner(() => undefined, PROBE).evaluate(make(), 'r0', 'knn');
    expect([fresh.top1, fresh.top5]).toEqual([knn.randomInitTop1, knn.randomInitTop5]);
    expect((await runner.evaluate(t, 'rk', 'knn')).floorCached).toBe(true);
    const [a, b] = [await t.step(), await plain.step()];
    expect(a.loss).toBe(b.loss);
  });

  it("probeEvery's probe takes the k-NN read-out too: its own event, the numbers of each probe alone, from one encoding of the splits", async () => {
    const t = make({ probeEvery: 2 });
    for (let i = 0; i < 2; i++) await t.step();
    const { events, runner, queue } = harness();
    let encoded = 0;
    const encode = t.encode.bind(t);
    t.encode = (patches, B, which) => ((encoded += B), encode(patches, B, which));
    const before = tf.memory().numTensors;
    await runner.afterStep(t, 'rb', queue);
    expect(tf.memory().numTensors).toBe(before);
    expect(encoded).toBe(data.train.size + data.test.size); // one encoding of the trained encoder for both read-outs
    t.encode = encode;
    const reports = events.flatMap((e) => (e.type === 'probe' ? [e] : []));
    expect(reports.map((r) => [r.step, r.kind, r.floorCached])).toEqual([
      [2, 'linear', false],
      [2, 'knn', false],
    ]);
    const [linear, knn] = reports;
    for (const v of [knn.top1, knn.top5, knn.randomInitTop1, knn.randomInitTop5]) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
    expect(knn).toMatchObject({ runId: 'rb', trainCount: data.train.size, testCount: data.test.size });
    // The progress of both read-outs together, up to 1.
    const done = events.flatMap((e) => (e.type === 'probe-progress' ? [e.done] : []));
    expect(done.every((d, i) => i === 0 || d >= done[i - 1])).toBe(true);
    expect(done.at(-1)).toBe(1);
    // Each the same as that probe alone (Evaluate's path), trained and floor: the floors were cached by the every-step probe.
    const alone = new ProbeRunner(() => undefined, PROBE);
    for (const r of [linear, knn]) {
      const a = await alone.evaluate(t, 'rb', r.kind);
      expect([a.top1, a.top5, a.randomInitTop1, a.randomInitTop5]).toEqual([r.top1, r.top5, r.randomInitTop1, r.randomInitTop5]);
      expect((await runner.evaluate(t, 'rb', r.kind)).floorCached).toBe(true);
    }
    // Training untouched.
    const plain = make();
    for (let i = 0; i < 2; i++) await plain.step();
    const [a, b] = [await t.step(), await plain.step()];
    expect(a.loss).toBe(b.loss);
  });
});
