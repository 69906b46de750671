import { describe, expect, it } from 'vitest';
import { SubsetSchema, type Subset } from '../engine/config';
import { parseCifar100Records } from './cifar';
import { selectSubset, selectSubsetSplits } from './subset';
import { syntheticDataset } from './synthetic';
import { COARSE_NAMES, FINE_NAMES, cifar100Records, sameBytes } from './test-helpers';
import { DatasetError, IMAGE_BYTES, type ImageDataset } from './types';

// 600 records: fine class r % 100 (6 images each), superclass fine % 20.
const ds = parseCifar100Records(cifar100Records(600), 'cifar-100/train', FINE_NAMES, COARSE_NAMES);
const subset = (s: Partial<Subset>): Subset => SubsetSchema.parse(s);
const image = (d: ImageDataset, i: number) => d.images.subarray(i * IMAGE_BYTES, (i + 1) * IMAGE_BYTES);

/** The original index of kept image k: the one image with the same bytes and class name (unique here). */
function originalIndex(sub: ImageDataset, k: number, src: ImageDataset = ds): number {
  const found: number[] = [];
  for (let i = 0; i < src.size; i++) {
    if (src.classNames[src.labels[i]] === sub.classNames[sub.labels[k]] && sameBytes(image(sub, k), image(src, i))) found.push(i);
  }
  expect(found.length).toBe(1);
  return found[0];
}

/** Every kept image is a copy of an original of the class its new label names, in dataset order. */
function expectFaithful(sub: ImageDataset, src: ImageDataset = ds) {
  const origin = Array.from({ length: sub.size }, (_, k) => originalIndex(sub, k, src));
  expect(origin).toEqual([...origin].sort((x, y) => x - y));
}

describe('selectSubset', () => {
  it('keeps classes by index, relabelled 0..C-1 in original order', () => {
    const sub = selectSubset(ds, subset({ classes: [5, 2] }), 0);
    expect(sub.classNames).toEqual(['fine_2', 'fine_5']);
    expect(sub.size).toBe(12);
    expect([...sub.labels]).toEqual([0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
    expect(sameBytes(image(sub, 0), image(ds, 2))).toBe(true);
    expect(sameBytes(image(sub, 1), image(ds, 5))).toBe(true);
    expect(sameBytes(image(sub, 11), image(ds, 505))).toBe(true);
    expect(sub.name).toBe('cifar-100/train [2 classes]');
  });

  it('keeps classes by name, forgiving case, spaces and underscores', () => {
    const sub = selectSubset(ds, subset({ classes: ['fine_7', 'Fine 3', 7] }), 0);
    expect(sub.classNames).toEqual(['fine_3', 'fine_7']);
    expectFaithful(sub);
  });

  it('names unknown classes and lists valid ones', () => {
    expect(() => selectSubset(ds, subset({ classes: ['tiger'] }), 0)).toThrow(
      new DatasetError('unknown class "tiger" in cifar-100/train; valid names include fine_0, fine_1, fine_2, fine_3, fine_4, fine_5, … (100 in all)'),
    );
    expect(() => selectSubset(ds, subset({ classes: ['fine_1000'] }), 0)).toThrow(/did you mean fine_1, fine_10\? valid names include/);
    expect(() => selectSubset(ds, subset({ classes: [100] }), 0)).toThrow(
      'class index 100 out of range: cifar-100/train has 100 classes (0..99)',
    );
  });

  it('keeps superclasses by index or name, relabelling the superclasses too', () => {
    const sub = selectSubset(ds, subset({ superclasses: [3, 'coarse_1'] }), 0);
    expect(sub.classNames).toEqual(['fine_1', 'fine_3', 'fine_21', 'fine_23', 'fine_41', 'fine_43', 'fine_61', 'fine_63', 'fine_81', 'fine_83']);
    expect(sub.coarseNames).toEqual(['coarse_1', 'coarse_3']);
    expect(sub.size).toBe(60);
    for (let k = 0; k < sub.size; k++) {
      const fine = Number(sub.classNames[sub.labels[k]].slice(5));
      expect(sub.coarseNames![sub.coarseLabels![k]]).toBe(`coarse_${fine % 20}`);
    }
    expectFaithful(sub);
  });

  it('intersects classes with superclasses, and says when nothing is left', () => {
    const sub = selectSubset(ds, subset({ classes: [3, 4, 23], superclasses: [3] }), 0);
    expect(sub.classNames).toEqual(['fine_3', 'fine_23']);
    expect(() => selectSubset(ds, subset({ classes: [4], superclasses: [3] }), 0)).toThrow(/subset keeps no classes/);
  });

  it('refuses superclasses on a dataset without coarse labels', () => {
    const synth = syntheticDataset({ seed: 1, trainPerClass: 2, testPerClass: 1 }).train;
    expect(() => selectSubset(synth, subset({ superclasses: [0] }), 0)).toThrow(
      new DatasetError('superclasses need coarse labels, and synthetic/train has none (only CIFAR-100 has superclasses)'),
    );
  });

  it('keeps perClass images per class: balanced, seeded, in dataset order', () => {
    const a = selectSubset(ds, subset({ perClass: 2 }), 7);
    expect(a.size).toBe(200);
    const counts = new Int32Array(100);
    for (const l of a.labels) counts[l]++;
    expect([...counts].every((c) => c === 2)).toBe(true);
    expectFaithful(a);
    expect(sameBytes(selectSubset(ds, subset({ perClass: 2 }), 7).images, a.images)).toBe(true);
    expect(sameBytes(selectSubset(ds, subset({ perClass: 2 }), 8).images, a.images)).toBe(false);
    const b = selectSubset(ds, subset({ perClass: 10, classes: [0] }), 0);
    expect(b.size).toBe(6); // a class with fewer images keeps them all
  });

  it('returns the dataset itself when nothing is filtered', () => {
    expect(selectSubset(ds, subset({}), 0)).toBe(ds);
  });
});

describe('selectSubsetSplits', () => {
  it('resolves classes identically on both splits; perClass limits train only', () => {
    const test = parseCifar100Records(cifar100Records(300), 'cifar-100/test', FINE_NAMES, COARSE_NAMES);
    const out = selectSubsetSplits({ train: ds, test }, subset({ classes: ['fine_9', 'fine_4'], perClass: 1 }), 3);
    expect(out.train.classNames).toEqual(out.test.classNames);
    expect(out.train.size).toBe(2);
    expect(out.test.size).toBe(6);
    expect(out.train.classNames).toEqual(['fine_4', 'fine_9']);
    expectFaithful(out.train);
    expectFaithful(out.test, test);
    expect(selectSubsetSplits({ train: ds, test }, subset({ perClass: 1 }), 3, 2).test.size).toBe(200);
  });
});
