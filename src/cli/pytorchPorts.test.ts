// The PyTorch trainer draws what the engine draws: its ports of the seeded generator, the mask
// sampler, the epoch sampler, the crop/flip patches, the CIFAR readers and subsets, and the seeded
// init (interop/pytorch/lab_*.py) give the engine's values from the same seeds and files.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePatchBatch } from '../data/batch';
import { cifarArchive } from '../data/cifarWrite';
import { loadDataset } from '../data/node';
import { BatchSampler } from '../data/sampler';
import { selectSubset } from '../data/subset';
import { syntheticDataset } from '../data/synthetic';
import { COARSE_NAMES, FINE_NAMES, cifar100Records, makeTar } from '../data/test-helpers';
import type { ImageDataset } from '../data/types';
import type { Subset } from '../engine/config';
import { sampleBatchMasks, type MaskSettings } from '../engine/masks';
import { Rng } from '../shared/rng';
import { Trainer } from '../engine/trainer';
import { readSafetensors } from '../io/safetensors';
import { PY, torchWhyNot } from './pytorchTest';

const dir = mkdtempSync(join(tmpdir(), 'pytorch-ports-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const settings = (grid: number, minKeep: number, numTargets = 4): MaskSettings => ({
  grid, numTargets, targetScale: [0.15, 0.2], targetAspect: [0.75, 1.5], contextScale: [0.85, 1], minKeep,
});
const MASKS = [
  { seed: 1, settings: settings(8, 4), corners: 'whole-grid', batches: [7, 5, 32] },
  { seed: 2, settings: settings(8, 10, 2), corners: 'whole-grid', batches: [9] },
  { seed: 3, settings: settings(16, 4), corners: 'whole-grid', batches: [4] },
  { seed: 4, settings: settings(4, 2), corners: 'whole-grid', batches: [6, 6] },
  { seed: 5, settings: settings(8, 4), corners: 'reference', batches: [8] },
  { seed: 6, settings: settings(8, 40), corners: 'whole-grid', batches: [5] }, // min_keep forces retries and dropped constraints
  // MAE's own masks: a random permutation per image, round((1 − ratio)·N) visible
  { seed: 7, settings: { ...settings(8, 4), strategy: 'random', maskRatio: 0.75 }, corners: 'whole-grid', batches: [5, 3] },
  { seed: 8, settings: { ...settings(4, 2), strategy: 'random', maskRatio: 0.4 }, corners: 'whole-grid', batches: [6] },
] as const;

const summary = (ds: ImageDataset) => ({
  name: ds.name,
  size: ds.size,
  labels: Array.from(ds.labels),
  classNames: ds.classNames,
  coarseLabels: ds.coarseLabels ? Array.from(ds.coarseLabels) : null,
  pixelSum: ds.images.reduce((a, v) => a + v, 0),
});

describe.skipIf(torchWhyNot !== null)('the PyTorch side draws what the engine draws', () => {
  const synthetic = syntheticDataset({ seed: 4, trainPerClass: 6, testPerClass: 2 });
  const c10 = join(dir, 'synthetic.tar.gz');
  const c100 = join(dir, 'cifar-100-binary.tar.gz');
  const archives: { path: string; subset: Subset; subsetSeed: number }[] = [
    { path: c10, subset: { classes: [1, 'red + cyan', 7], superclasses: [], perClass: 4 }, subsetSeed: 3 },
    { path: c100, subset: { classes: ['fine_3', 23, 43, 44, 60], superclasses: ['coarse_3', 4], perClass: 2 }, subsetSeed: 9 },
  ];
  const initConfigs = [
    { preset: 'micro', mode: 'sparse', seed: 11, grouping: 'rows', latentDim: 8 },
    { preset: 'micro', mode: 'mae', seed: 12 }, // the decoder under `decoder.`, the pixel head, no target encoder
  ] as const;
  const augIndices = [3, 0, 17, 59, 4];
  const request = { seed: 12345, masks: MASKS, sampler: { size: 37, seed: 9, batches: [5, 30, 16] }, archives, augSeed: 21, augIndices, initConfigs };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let py: any;

  beforeAll(() => {
    writeFileSync(c10, cifarArchive(synthetic));
    writeFileSync(c100, gzipSync(makeTar([
      { name: 'cifar-100-binary/train.bin', data: cifar100Records(400) },
      { name: 'cifar-100-binary/test.bin', data: cifar100Records(100) },
      { name: 'cifar-100-binary/fine_label_names.txt', data: FINE_NAMES.join('\n') },
      { name: 'cifar-100-binary/coarse_label_names.txt', data: COARSE_NAMES.join('\n') },
    ])));
    py = JSON.parse(execFileSync(PY, ['interop/pytorch/ports_dump.py'], { input: JSON.stringify(request), encoding: 'utf8', maxBuffer: 1 << 26 }));
  });

  it('the generator (mulberry32): uniforms, integers, normals, 32-bit draws and the state after', () => {
    const r = new Rng(request.seed);
    const next = Array.from({ length: 5 }, () => r.next());
    const ints = [1, 7, 100, 2 ** 31].map((n) => r.int(n));
    const normals = Array.from({ length: 5 }, () => r.normal());
    const uint32 = Array.from({ length: 3 }, () => r.uint32());
    expect(py.rng.next).toEqual(next);
    expect(py.rng.ints).toEqual(ints);
    py.rng.normals.forEach((v: number, i: number) => expect(Math.abs(v - normals[i])).toBeLessThan(1e-14));
    expect(py.rng.uint32).toEqual(uint32);
    expect(py.rng.state).toBe(r.state);
  });

  it('the masks, batch after batch, and the generator state after them', () => {
    MASKS.forEach((m, i) => {
      const rng = new Rng(m.seed);
      const draws = m.batches.map((B) => {
        const b = sampleBatchMasks(rng, B, { ...m.settings, corners: m.corners });
        return { context: b.context, targets: b.targets };
      });
      expect(py.masks[i].draws, `mask case ${i}`).toEqual(draws);
      expect(py.masks[i].state).toBe(rng.state);
    });
  });

  it('the epoch sampler across epoch ends', () => {
    const s = new BatchSampler(request.sampler.size, request.sampler.seed);
    expect(py.sampler.batches).toEqual(request.sampler.batches.map((b) => Array.from(s.next(b).indices)));
    expect(py.sampler.state).toEqual(s.state);
  });

  it('the CIFAR-10 and CIFAR-100 archives and their subsets (classes, superclasses, per class)', () => {
    archives.forEach((a, i) => {
      const splits = loadDataset(a.path);
      expect(py.archives[i].train).toEqual(summary(splits.train));
      expect(py.archives[i].test).toEqual(summary(splits.test));
      expect(py.archives[i].subset).toEqual(summary(selectSubset(splits.train, a.subset, a.subsetSeed)));
    });
    expect(py.archives[1].subset.size).toBeGreaterThan(0);
  });

  it('the crop/flip patches of a batch', () => {
    const rng = new Rng(request.augSeed);
    const p = makePatchBatch(loadDataset(c10).train, augIndices, { patchSize: 4, flip: true, cropPad: 4 }, rng);
    expect(py.patches.first).toEqual(Array.from(p.subarray(0, 64)));
    expect(Math.abs(py.patches.sum - p.reduce((a, v) => a + v, 0))).toBeLessThan(1e-6 * p.length);
    expect(py.patches.state).toBe(rng.state);
  });

  it.each(initConfigs.map((c, i) => [c.mode, c, i] as const))("the seeded initial weights, tensor by tensor (%s)", async (_, initConfig, i) => {
    const trainer = Trainer.create(initConfig, synthetic);
    const file = readSafetensors(await trainer.exportSafetensors());
    trainer.dispose();
    expect(Object.keys(py.init[i]).sort()).toEqual([...file.tensors.keys()].sort());
    for (const [name, t] of file.tensors) {
      const p = py.init[i][name];
      expect(p.shape, name).toEqual(t.shape);
      expect(p.head, name).toEqual(Array.from(t.data.subarray(0, 8)));
      let sum = 0;
      let scale = 1;
      for (let i = 0; i < t.data.length; i++) {
        sum += t.data[i];
        scale += Math.abs(t.data[i]);
      }
      expect(Math.abs(p.sum - sum), name).toBeLessThanOrEqual(1e-9 * scale);
    }
  });
});
