// CIFAR-100 and CIFAR-10 binary formats (https://www.cs.toronto.edu/~kriz/cifar.html):
// fixed-size records of label byte(s) then 3072 pixel bytes (1024 R, 1024 G, 1024 B, row-major).
// Pixels are copied once into one contiguous buffer so the engine can index image i at i·3072.
import { gunzip, gunzipAsync, isGzip } from './gzip';
import { readTar } from './tar';
import { DatasetError, IMAGE_BYTES, showName, type DatasetSplits, type ImageDataset } from './types';

export const CIFAR100_RECORD_BYTES = 2 + IMAGE_BYTES; // coarse label, fine label, pixels
export const CIFAR10_RECORD_BYTES = 1 + IMAGE_BYTES; // label, pixels
/**
 * Most records one split may hold: 300,000 images (922 MB of pixels), 5× CIFAR's 60,000 in all.
 * Checked before the pixel buffer is allocated, so a huge loose file cannot exhaust memory.
 */
export const MAX_CIFAR_RECORDS = 300_000;

interface RecordFormat {
  title: 'CIFAR-100' | 'CIFAR-10';
  recordBytes: number;
  numFine: number;
  /** Superclass count when records carry a coarse label first (CIFAR-100). */
  numCoarse?: number;
}
const CIFAR100: RecordFormat = { title: 'CIFAR-100', recordBytes: CIFAR100_RECORD_BYTES, numFine: 100, numCoarse: 20 };
const CIFAR10: RecordFormat = { title: 'CIFAR-10', recordBytes: CIFAR10_RECORD_BYTES, numFine: 10 };

interface NamedBytes {
  name: string;
  bytes: Uint8Array;
}

/** Records of one or more files (CIFAR-10 splits its train set in five) into one dataset's arrays; `split` labels the limit's message. */
function parseRecords(parts: NamedBytes[], fmt: RecordFormat, split: string) {
  let total = 0;
  for (const { name, bytes } of parts) {
    if (bytes.length === 0) throw new DatasetError(`${showName(name)}: empty file (no ${fmt.title} records)`);
    if (bytes.length % fmt.recordBytes !== 0) {
      throw new DatasetError(`${showName(name)}: ${bytes.length} bytes is not a whole number of ${fmt.recordBytes}-byte ${fmt.title} records`);
    }
    total += bytes.length / fmt.recordBytes;
  }
  if (total > MAX_CIFAR_RECORDS) {
    throw new DatasetError(`${showName(split)}: ${total} ${fmt.title} records, more than the limit of ${MAX_CIFAR_RECORDS} per split`);
  }
  const images = new Uint8Array(total * IMAGE_BYTES);
  const labels = new Int32Array(total);
  const coarseLabels = fmt.numCoarse ? new Int32Array(total) : undefined;
  const labelBytes = fmt.recordBytes - IMAGE_BYTES;
  let i = 0;
  for (const { name, bytes } of parts) {
    const n = bytes.length / fmt.recordBytes;
    for (let r = 0; r < n; r++, i++) {
      const off = r * fmt.recordBytes;
      if (coarseLabels) {
        const c = bytes[off];
        if (c >= fmt.numCoarse!) throw new DatasetError(`${showName(name)}: coarse label ${c} > ${fmt.numCoarse! - 1} at record ${r}`);
        coarseLabels[i] = c;
      }
      const f = bytes[off + labelBytes - 1];
      if (f >= fmt.numFine) {
        throw new DatasetError(`${showName(name)}: ${coarseLabels ? 'fine ' : ''}label ${f} > ${fmt.numFine - 1} at record ${r}`);
      }
      labels[i] = f;
      images.set(bytes.subarray(off + labelBytes, off + fmt.recordBytes), i * IMAGE_BYTES);
    }
  }
  return { images, labels, coarseLabels, size: total };
}

/** Largest label-names file read: 1 MiB (CIFAR-100's fine_label_names.txt is ~1 kB). */
export const MAX_LABEL_NAMES_BYTES = 1 << 20;

/** Names from a label-names file: one per line, blank lines ignored; the count must match. */
export function parseLabelNames(bytes: Uint8Array, name: string, expected: number): string[] {
  if (bytes.length > MAX_LABEL_NAMES_BYTES) {
    throw new DatasetError(`${showName(name)}: ${bytes.length} bytes is over the limit of ${MAX_LABEL_NAMES_BYTES} bytes for a label-names file`);
  }
  const names = new TextDecoder('utf-8')
    .decode(bytes)
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (names.length !== expected) throw new DatasetError(`${showName(name)}: ${names.length} names, expected ${expected}`);
  return names;
}

const defaultNames = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix} ${i}`);

function checkNameCount(names: string[] | undefined, expected: number, what: string): void {
  if (names && names.length !== expected) throw new DatasetError(`${what}: ${names.length} names given, expected ${expected}`);
}

/** Parse a CIFAR-100 binary file (train.bin / test.bin). Names default to "class i" / "superclass i". */
export function parseCifar100Records(
  bytes: Uint8Array,
  name: string,
  fineNames?: string[],
  coarseNames?: string[],
): ImageDataset {
  checkNameCount(fineNames, 100, `${showName(name)}: fine class names`);
  checkNameCount(coarseNames, 20, `${showName(name)}: superclass names`);
  const r = parseRecords([{ name, bytes }], CIFAR100, name);
  return {
    name,
    images: r.images,
    labels: r.labels,
    coarseLabels: r.coarseLabels,
    classNames: fineNames ?? defaultNames('class', 100),
    coarseNames: coarseNames ?? defaultNames('superclass', 20),
    size: r.size,
  };
}

/** Parse CIFAR-10 binary batch file(s); several parts (data_batch_1..5) become one dataset named `name`. */
export function parseCifar10Records(bytes: Uint8Array | NamedBytes[], name: string, classNames?: string[]): ImageDataset {
  checkNameCount(classNames, 10, `${showName(name)}: class names`);
  const parts = bytes instanceof Uint8Array ? [{ name, bytes }] : bytes;
  const r = parseRecords(parts, CIFAR10, name);
  return { name, images: r.images, labels: r.labels, classNames: classNames ?? defaultNames('class', 10), size: r.size };
}

/** Archive entries by base name, so "cifar-100-binary/train.bin", "./train.bin" and "train.bin" all match. */
function indexByBaseName(files: Map<string, Uint8Array>, archiveName: string): Map<string, NamedBytes> {
  const out = new Map<string, NamedBytes>();
  for (const [path, bytes] of files) {
    const base = path.split('/').pop() ?? path;
    if (base.startsWith('._')) continue; // macOS resource forks that tar on a Mac adds
    const seen = out.get(base);
    if (seen && seen.name !== path) throw new DatasetError(`${archiveName}: ambiguous, both ${showName(seen.name)} and ${showName(path)} present`);
    out.set(base, { name: path, bytes });
  }
  return out;
}

function listFound(files: Map<string, NamedBytes>): string {
  const names = [...files.keys()];
  if (names.length === 0) return 'no files';
  return names.slice(0, 8).map(showName).join(', ') + (names.length > 8 ? `, … (${names.length} in all)` : '');
}

function requireFiles(files: Map<string, NamedBytes>, wanted: string[], archiveName: string, title: string): NamedBytes[] {
  const missing = wanted.filter((w) => !files.has(w));
  if (missing.length > 0) {
    throw new DatasetError(`${archiveName}: missing ${missing.join(', ')} for ${title} (found: ${listFound(files)})`);
  }
  return wanted.map((w) => files.get(w)!);
}

const CIFAR10_TRAIN = [1, 2, 3, 4, 5].map((k) => `data_batch_${k}.bin`);

function loadCifar100(files: Map<string, NamedBytes>, archiveName: string): DatasetSplits {
  const [train, test] = requireFiles(files, ['train.bin', 'test.bin'], archiveName, 'CIFAR-100');
  const fineFile = files.get('fine_label_names.txt');
  const coarseFile = files.get('coarse_label_names.txt');
  const fine = fineFile ? parseLabelNames(fineFile.bytes, fineFile.name, 100) : undefined;
  const coarse = coarseFile ? parseLabelNames(coarseFile.bytes, coarseFile.name, 20) : undefined;
  return {
    train: { ...parseCifar100Records(train.bytes, train.name, fine, coarse), name: 'cifar-100/train' },
    test: { ...parseCifar100Records(test.bytes, test.name, fine, coarse), name: 'cifar-100/test' },
  };
}

function loadCifar10(files: Map<string, NamedBytes>, archiveName: string): DatasetSplits {
  const parts = requireFiles(files, [...CIFAR10_TRAIN, 'test_batch.bin'], archiveName, 'CIFAR-10');
  const metaFile = files.get('batches.meta.txt');
  const names = metaFile ? parseLabelNames(metaFile.bytes, metaFile.name, 10) : undefined;
  return {
    train: parseCifar10Records(parts.slice(0, 5), 'cifar-10/train', names),
    test: parseCifar10Records(parts.slice(5), 'cifar-10/test', names),
  };
}

/** gzip → tar → entries, with one message when the bytes are neither. */
function unpackArchive(bytes: Uint8Array, archiveName: string): Map<string, Uint8Array> {
  const gz = isGzip(bytes);
  const tar = gz ? gunzip(bytes, archiveName) : bytes;
  try {
    return readTar(tar, archiveName);
  } catch (e) {
    if (!gz && e instanceof DatasetError && /not a tar archive|empty tar archive/.test(e.message)) {
      throw new DatasetError(`${archiveName}: not a CIFAR archive (neither gzip nor tar)`);
    }
    throw e;
  }
}

/**
 * Load CIFAR-100 or CIFAR-10 (binary versions) from archive bytes (.tar.gz or .tar) or from
 * loose files keyed by path. The format is told by which files are present.
 */
export function loadCifarArchive(input: Map<string, Uint8Array> | Uint8Array, archiveName = 'CIFAR archive'): DatasetSplits {
  const entries = input instanceof Uint8Array ? unpackArchive(input, archiveName) : input;
  const files = indexByBaseName(entries, archiveName);
  if (files.has('train.bin') || files.has('test.bin')) return loadCifar100(files, archiveName);
  if (files.has('test_batch.bin') || CIFAR10_TRAIN.some((f) => files.has(f))) return loadCifar10(files, archiveName);
  if (files.has('meta') || files.has('batches.meta') || files.has('data_batch_1')) {
    throw new DatasetError(
      `${archiveName}: this is the Python (pickle) version of CIFAR; use the binary version (cifar-100-binary.tar.gz or cifar-10-binary.tar.gz)`,
    );
  }
  throw new DatasetError(
    `${archiveName}: no CIFAR files found (expected train.bin and test.bin for CIFAR-100, or data_batch_1..5.bin and test_batch.bin for CIFAR-10; found: ${listFound(files)})`,
  );
}

/** loadCifarArchive, decompressing with the runtime's native gzip decoder when it has one (browsers: DecompressionStream). */
export async function loadCifarArchiveAsync(
  input: Map<string, Uint8Array> | Uint8Array,
  archiveName = 'CIFAR archive',
): Promise<DatasetSplits> {
  const bytes = input instanceof Uint8Array && isGzip(input) ? await gunzipAsync(input, archiveName) : input;
  return loadCifarArchive(bytes, archiveName);
}
