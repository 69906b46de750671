// Datasets → CIFAR binary archives (.tar.gz), the layouts cifar.ts reads: CIFAR-10's
// data_batch_1..5.bin / test_batch.bin / batches.meta.txt, or CIFAR-100's train.bin / test.bin /
// fine_label_names.txt / coarse_label_names.txt. So the built-in data (or a subset of CIFAR) can go
// to a machine without the lab, e.g. to the PyTorch trainer (interop/pytorch/train.py).
import { gzipSync } from 'fflate';
import { DatasetError, IMAGE_BYTES, type DatasetSplits, type ImageDataset } from './types';

export type CifarLayout = 'cifar-10' | 'cifar-100';

const enc = new TextEncoder();

/** One ustar header block (name ≤ 100 bytes, regular file). */
function tarHeader(name: string, size: number): Uint8Array {
  const h = new Uint8Array(512);
  const put = (off: number, s: string) => h.set(enc.encode(s), off);
  const octal = (off: number, len: number, v: number) => put(off, v.toString(8).padStart(len - 1, '0') + '\0');
  put(0, name);
  octal(100, 8, 0o644);
  octal(108, 8, 0);
  octal(116, 8, 0);
  octal(124, 12, size);
  octal(136, 12, 0);
  h[156] = 0x30; // '0': regular file
  put(257, 'ustar\0');
  put(263, '00');
  h.fill(0x20, 148, 156); // the checksum is summed with its own field as spaces
  let sum = 0;
  for (const b of h) sum += b;
  put(148, sum.toString(8).padStart(6, '0') + '\0 ');
  return h;
}

/** A tar archive of the given files, in order, with the two closing zero blocks. */
export function writeTar(files: { name: string; data: Uint8Array }[]): Uint8Array {
  const size = files.reduce((n, f) => n + 512 + Math.ceil(f.data.length / 512) * 512, 1024);
  const out = new Uint8Array(size);
  let o = 0;
  for (const f of files) {
    if (enc.encode(f.name).length > 100) throw new DatasetError(`tar entry name too long: ${f.name}`);
    out.set(tarHeader(f.name, f.data.length), o);
    out.set(f.data, o + 512);
    o += 512 + Math.ceil(f.data.length / 512) * 512;
  }
  return out;
}

/** Records of `ds[from, to)`: the label byte(s) then the 3072 pixel bytes. */
function records(ds: ImageDataset, from: number, to: number, coarse: boolean): Uint8Array {
  const lb = coarse ? 2 : 1;
  const rec = lb + IMAGE_BYTES;
  const out = new Uint8Array((to - from) * rec);
  for (let i = from; i < to; i++) {
    const o = (i - from) * rec;
    if (coarse) out[o] = ds.coarseLabels?.[i] ?? 0;
    out[o + lb - 1] = ds.labels[i];
    out.set(ds.images.subarray(i * IMAGE_BYTES, (i + 1) * IMAGE_BYTES), o + lb);
  }
  return out;
}

/** Exactly `n` label names: the dataset's, then placeholders ("unused 7") for the labels it does not use. */
function nameFile(names: readonly string[], n: number, what: string): Uint8Array {
  if (names.length > n) throw new DatasetError(`${names.length} ${what}es do not fit the layout's ${n}`);
  const all = Array.from({ length: n }, (_, i) => names[i]?.trim() || `unused ${i}`);
  return enc.encode(all.map((s) => s.replace(/\s*\n\s*/g, ' ')).join('\n') + '\n');
}

/** The layout that fits: CIFAR-10's for up to 10 classes without superclasses, else CIFAR-100's. */
export function defaultLayout(splits: DatasetSplits): CifarLayout {
  return splits.train.classNames.length <= 10 && !splits.train.coarseLabels ? 'cifar-10' : 'cifar-100';
}

/** The files of a CIFAR binary archive holding `splits`, under the folder the real archives use. */
export function cifarFiles(splits: DatasetSplits, layout: CifarLayout = defaultLayout(splits)): { name: string; data: Uint8Array }[] {
  const { train, test } = splits;
  if (layout === 'cifar-10') {
    if (train.classNames.length > 10) throw new DatasetError(`the CIFAR-10 layout holds 10 classes, this dataset has ${train.classNames.length}; use the CIFAR-100 layout`);
    if (train.size < 5) throw new DatasetError(`the CIFAR-10 layout splits the train set in 5 files; ${train.size} images are too few`);
    const cut = (k: number) => Math.round((k * train.size) / 5);
    return [
      ...[0, 1, 2, 3, 4].map((k) => ({ name: `cifar-10-batches-bin/data_batch_${k + 1}.bin`, data: records(train, cut(k), cut(k + 1), false) })),
      { name: 'cifar-10-batches-bin/test_batch.bin', data: records(test, 0, test.size, false) },
      { name: 'cifar-10-batches-bin/batches.meta.txt', data: nameFile(train.classNames, 10, 'class') },
    ];
  }
  if (train.classNames.length > 100) throw new DatasetError(`the CIFAR-100 layout holds 100 classes, this dataset has ${train.classNames.length}`);
  return [
    { name: 'cifar-100-binary/train.bin', data: records(train, 0, train.size, true) },
    { name: 'cifar-100-binary/test.bin', data: records(test, 0, test.size, true) },
    { name: 'cifar-100-binary/fine_label_names.txt', data: nameFile(train.classNames, 100, 'class') },
    { name: 'cifar-100-binary/coarse_label_names.txt', data: nameFile(train.coarseNames ?? [], 20, 'superclass') },
  ];
}

/** `splits` as a CIFAR binary .tar.gz. */
export function cifarArchive(splits: DatasetSplits, layout?: CifarLayout): Uint8Array {
  return gzipSync(writeTar(cifarFiles(splits, layout)), { level: 6 });
}
