// Subsets by class, superclass and count per class. Kept classes are relabelled 0..C-1
// (in their original index order) so the probe and the UI see a contiguous label space.
import type { Subset } from '../engine/config';
import { Rng } from '../shared/rng';
import { DatasetError, IMAGE_BYTES, type DatasetSplits, type ImageDataset } from './types';

/** "Maple Tree", "maple_tree" and "maple-tree" all name CIFAR's "maple_tree". */
const canon = (s: string) => s.trim().toLowerCase().replace(/[\s_-]+/g, '_');

/** Resolve indices or names against `names`; `what` is "class" or "superclass" for messages. */
export function resolveNames(wanted: (number | string)[], names: string[], what: string, datasetName: string): Set<number> {
  const byName = new Map(names.map((n, i) => [canon(n), i]));
  const out = new Set<number>();
  for (const w of wanted) {
    if (typeof w === 'number') {
      if (!Number.isInteger(w) || w < 0 || w >= names.length) {
        throw new DatasetError(`${what} index ${w} out of range: ${datasetName} has ${names.length} ${what}es (0..${names.length - 1})`);
      }
      out.add(w);
      continue;
    }
    const i = byName.get(canon(w));
    if (i === undefined) {
      const close = names.filter((n) => canon(n).includes(canon(w)) || canon(w).includes(canon(n)));
      const hint = close.length > 0 ? `did you mean ${close.slice(0, 5).join(', ')}? ` : '';
      throw new DatasetError(
        `unknown ${what} ${JSON.stringify(w)} in ${datasetName}; ${hint}valid names include ${names.slice(0, 6).join(', ')}, … (${names.length} in all)`,
      );
    }
    out.add(i);
  }
  return out;
}

/** Which original fine classes a subset keeps (ascending), or throws naming why none survive. */
export function keptClasses(ds: ImageDataset, subset: Subset): number[] {
  let keep = subset.classes.length > 0 ? resolveNames(subset.classes, ds.classNames, 'class', ds.name) : null;
  if (subset.superclasses.length > 0) {
    if (!ds.coarseLabels || !ds.coarseNames) {
      throw new DatasetError(`superclasses need coarse labels, and ${ds.name} has none (only CIFAR-100 has superclasses)`);
    }
    const supers = resolveNames(subset.superclasses, ds.coarseNames, 'superclass', ds.name);
    // A fine class belongs to the superclass its images carry (fixed in CIFAR-100).
    const inSupers = new Set<number>();
    for (let i = 0; i < ds.size; i++) if (supers.has(ds.coarseLabels[i])) inSupers.add(ds.labels[i]);
    keep = keep ? new Set([...keep].filter((c) => inSupers.has(c))) : inSupers;
    if (keep.size === 0) throw new DatasetError(`subset keeps no classes: the chosen classes are not in superclasses ${JSON.stringify(subset.superclasses)}`);
  }
  const all = keep ?? new Set(ds.classNames.map((_, i) => i));
  return [...all].sort((a, b) => a - b);
}

/** Dataset indices to keep: images of kept classes, at most `perClass` each (a seeded choice), in dataset order. */
function keptIndices(ds: ImageDataset, kept: number[], perClass: number, seed: number): Int32Array {
  const byClass = new Map<number, number[]>(kept.map((c) => [c, []]));
  for (let i = 0; i < ds.size; i++) byClass.get(ds.labels[i])?.push(i);
  const rng = new Rng(seed);
  const chosen: number[] = [];
  for (const c of kept) {
    const idx = byClass.get(c)!;
    if (perClass > 0 && idx.length > perClass) {
      rng.shuffle(idx);
      chosen.push(...idx.slice(0, perClass));
    } else chosen.push(...idx);
  }
  return Int32Array.from(chosen).sort();
}

/** Relabel `labels` through `kept` (old index → position in kept), returning contiguous labels. */
function relabel(labels: Int32Array, indices: Int32Array, kept: number[]): Int32Array {
  const map = new Int32Array(Math.max(0, ...kept) + 1).fill(-1);
  kept.forEach((c, j) => (map[c] = j));
  return indices.map((i) => map[labels[i]]);
}

/**
 * Keep the images a subset asks for and relabel kept classes to 0..C-1. Superclass labels,
 * when present, are relabelled to the superclasses still present. `perClass` picks a seeded
 * random sample of that many images per class (all when a class has fewer).
 * Returns `ds` itself when the subset keeps everything.
 */
export function selectSubset(ds: ImageDataset, subset: Subset, seed: number): ImageDataset {
  const kept = keptClasses(ds, subset);
  if (kept.length === ds.classNames.length && subset.perClass === 0) return ds;
  const indices = keptIndices(ds, kept, subset.perClass, seed);
  if (indices.length === 0) throw new DatasetError(`subset of ${ds.name} keeps no images`);

  const images = new Uint8Array(indices.length * IMAGE_BYTES);
  indices.forEach((src, dst) => images.set(ds.images.subarray(src * IMAGE_BYTES, (src + 1) * IMAGE_BYTES), dst * IMAGE_BYTES));

  let coarseLabels: Int32Array | undefined;
  let coarseNames: string[] | undefined;
  if (ds.coarseLabels && ds.coarseNames) {
    const keptCoarse = [...new Set(indices.map((i) => ds.coarseLabels![i]))].sort((a, b) => a - b);
    coarseLabels = relabel(ds.coarseLabels, indices, keptCoarse);
    coarseNames = keptCoarse.map((c) => ds.coarseNames![c]);
  }
  const parts = [kept.length < ds.classNames.length ? `${kept.length} classes` : '', subset.perClass > 0 ? `≤${subset.perClass}/class` : ''];
  return {
    name: `${ds.name} [${parts.filter(Boolean).join(', ')}]`,
    images,
    labels: relabel(ds.labels, indices, kept),
    coarseLabels,
    classNames: kept.map((c) => ds.classNames[c]),
    coarseNames,
    size: indices.length,
  };
}

/**
 * The same subset on both splits: classes and superclasses resolve identically (so label j
 * means the same class in train and test). `perClass` limits the train split only, keeping
 * the whole test split of the kept classes for an honest evaluation, unless `testPerClass` is set.
 */
export function selectSubsetSplits(splits: DatasetSplits, subset: Subset, seed: number, testPerClass = 0): DatasetSplits {
  const { train, test } = splits;
  if (train.classNames.join('\n') !== test.classNames.join('\n')) {
    throw new DatasetError(`${train.name} and ${test.name} have different class names; cannot subset them together`);
  }
  return {
    train: selectSubset(train, subset, seed),
    test: selectSubset(test, { ...subset, perClass: testPerClass }, seed + 1),
  };
}
