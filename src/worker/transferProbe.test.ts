import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { countingDataset } from '../data/counting';
import { syntheticDataset } from '../data/synthetic';
import type { LabConfigInput } from '../engine/config';
import { probeEncoderKnn } from '../engine/knnProbe';
import { probeEncoder } from '../engine/probe';
import * as tf from '../engine/tf';
import { wasmTrainers } from '../engine/testTrainers';
import { Trainer } from '../engine/trainer';
import type { FloorCache } from './evaluate';
import type { WorkerEvent } from './protocol';
import { ProbeSets, transferProbe } from './transferProbe';

const train = syntheticDataset({ seed: 0, trainPerClass: 8, testPerClass: 4, numClasses: 4 });
const counting = countingDataset({ seed: 0, maxObjects: 3, trainPerClass: 12, testPerClass: 6 });
const base: LabConfigInput = { preset: 'micro', mode: 'sparse', batchSize: 4, steps: 50, seed: 3 };
const probeOptions = { epochs: 4, batchSize: 32 };
const A = { id: 'synthetic', name: 'built-in shapes' };
const trainer = wasmTrainers();
const make = () => trainer(base, train);

describe('transfer probes in the worker: pretrained on A, probed on B', () => {
  it("fits and scores on B, beside the floor on B (the run's random-init encoder), records both datasets, and leaves training as it was", async () => {
    const t = make();
    const twin = make();
    for (const x of [t, twin]) for (let i = 0; i < 2; i++) await x.step();
    const sets = new ProbeSets();
    const B = sets.add({ id: 'file:counts', name: 'counts' }, counting);
    const events: WorkerEvent[] = [];
    const floors: FloorCache = new Map();
    const before = tf.memory().numTensors;
    const r = await transferProbe(t, 'run-1', A, B, { emit: (e) => events.push(e), floors, probeOptions });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.pretrainDataset).toEqual(A);
    expect(r.probeDataset).toEqual({ id: 'file:counts', name: 'counts' });
    expect(r.numClasses).toBe(3);
    expect([r.trainCount, r.testCount]).toEqual([36, 18]); // B whole
    expect(r.step).toBe(2);
    // The same numbers as the probe itself computes, on B, for the trained and the random-init encoder.
    const opts = { seed: 3, ...probeOptions };
    expect(r.top1).toBe((await probeEncoder(t, counting, opts)).top1);
    const fresh = Trainer.create(base, counting);
    expect(r.randomInitTop1).toBe((await probeEncoder(fresh, counting, opts)).top1);
    // The k-NN read-out on B from the same encoding, beside its own floor on B: the numbers of the k-NN probe alone.
    const [knn, knnFloor] = [await probeEncoderKnn(t, counting), await probeEncoderKnn(fresh, counting)];
    expect(r.knn).toEqual({ top1: knn.top1, top5: knn.top5, randomInitTop1: knnFloor.top1, randomInitTop5: knnFloor.top5, trainCount: 36, testCount: 18 });
    for (const v of [r.knn!.top1, r.knn!.randomInitTop1]) expect(v >= 0 && v <= 1).toBe(true);
    fresh.dispose();
    expect(r.floorCached).toBe(false);
    const progress = events.filter((e) => e.type === 'transfer-progress');
    expect(progress.every((e) => e.probeDataset === 'file:counts' && e.runId === 'run-1')).toBe(true);
    expect(progress.some((e) => e.phase === 'random-init')).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: 'transfer-probe', runId: 'run-1', top1: r.top1 });
    // Training goes on as if never probed.
    const [a, b] = [await t.step(), await twin.step()];
    expect(a.loss).toBe(b.loss);

    // A second probe on B reuses the floor; B loaded again (another folder of that name) does not.
    const again = await transferProbe(t, 'run-1', A, B, { emit: () => undefined, floors, probeOptions });
    expect(again.floorCached).toBe(true);
    expect(again.randomInitTop1).toBe(r.randomInitTop1);
    expect(again.knn!.randomInitTop1).toBe(r.knn!.randomInitTop1);
    const B2 = sets.add({ id: 'file:counts', name: 'counts' }, countingDataset({ seed: 1, maxObjects: 3, trainPerClass: 12, testPerClass: 6 }));
    expect((await transferProbe(t, 'run-1', A, B2, { emit: () => undefined, floors, probeOptions })).floorCached).toBe(false);
  });

  it('makes built-in probe datasets from their id, and names what is not loaded or is the run\'s own', async () => {
    const sets = new ProbeSets();
    const c = sets.get('counting:3');
    expect(c.ref).toEqual({ id: 'counting:3', name: 'counting set' });
    expect(c.splits.train.classNames).toEqual(['1', '2', '3']);
    expect(sets.get('counting:3')).toBe(c); // made once
    expect(() => sets.get('file:photos')).toThrow('dataset "file:photos" is not loaded for probing (loaded: counting:3): pick it under "Probe on" first');
    const t = make();
    await expect(transferProbe(t, 'r', A, sets.get('synthetic'), { emit: () => undefined, floors: new Map(), probeOptions })).rejects.toThrow(/the run trained on built-in shapes/);
  });
});
