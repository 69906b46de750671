// One entry point for a dataset handed over as bytes, in the browser and in Node alike: a .zip,
// .tar or .tar.gz archive, or a list of files (a folder picked in the page, a directory walk).
// CIFAR binary files are read as CIFAR; anything else as an image folder (./imageFolder),
// decoded by the runtime's ImageDecoder.
import { loadCifarArchive } from './cifar';
import { gunzip, isGzip } from './gzip';
import {
  IMAGE_FOLDER_LIMITS,
  decodeImageFolder,
  loadImageFolder,
  planImageFolder,
  type DecodeOptions,
  type ImageFileEntry,
  type ImageFolderLayout,
  type PlanOptions,
  type SkippedFile,
} from './imageFolder';
import { readTar } from './tar';
import { DatasetError, showName, type DatasetSplits } from './types';
import { isZip, readZipDirectory, readZipEntry, type ZipDirectory } from './zip';

export type DatasetLoadOptions = DecodeOptions & Omit<PlanOptions, 'directories'>;

export interface LoadedDataset {
  splits: DatasetSplits;
  kind: 'built-in' | 'cifar' | 'image-folder';
  /** For an image folder: train/ + test/, or one level of class folders split by a seeded fraction. */
  layout?: ImageFolderLayout;
  /** Files left out, with why (image folders only; a CIFAR archive is read whole or refused). */
  skipped: SkippedFile[];
}

/** Base names of CIFAR's binary files, and of its Python version (so loadCifarArchive can say to use the binary one). */
const CIFAR_FILE = /^(train\.bin|test\.bin|test_batch\.bin|data_batch_\d\.bin|batches\.meta|data_batch_\d|test_batch|meta)$/;
/** Whether these paths hold CIFAR's binary files (then they are read as CIFAR, not as an image folder). */
export const looksLikeCifar = (paths: string[]) => paths.some((p) => CIFAR_FILE.test(p.split(/[/\\]/).pop() ?? ''));

async function fromCifar(files: Map<string, Uint8Array>, name: string): Promise<LoadedDataset> {
  return { splits: loadCifarArchive(files, name), kind: 'cifar', skipped: [] };
}

/**
 * A dataset from files already in memory: CIFAR binaries when their names are CIFAR's, else an
 * image folder. For `<input webkitdirectory>`, pass each file's webkitRelativePath without its
 * first part (the picked folder's own name), so that its subfolders are the classes.
 */
export async function loadDatasetEntries(entries: ImageFileEntry[], name: string, opts: DatasetLoadOptions): Promise<LoadedDataset> {
  if (looksLikeCifar(entries.map((e) => e.path))) return fromCifar(new Map(entries.map((e) => [e.path, e.bytes])), name);
  const r = await loadImageFolder(entries, name, opts);
  return { ...r, kind: 'image-folder' };
}

async function fromZip(zip: ZipDirectory, opts: DatasetLoadOptions): Promise<LoadedDataset> {
  const limits = { ...IMAGE_FOLDER_LIMITS, ...opts.limits };
  const files = zip.entries.filter((e) => !e.directory);
  if (looksLikeCifar(files.map((e) => e.path))) {
    const total = files.reduce((n, e) => n + e.size, 0);
    if (total > limits.maxTotalBytes) throw new DatasetError(`${showName(zip.name)}: ${total} bytes uncompressed, more than the limit of ${limits.maxTotalBytes}`);
    return fromCifar(new Map(files.map((e) => [e.path, readZipEntry(zip, e)])), zip.name);
  }
  const plan = planImageFolder(
    files.map((e) => ({ path: e.path, size: e.size })),
    zip.name,
    { ...opts, directories: zip.entries.filter((e) => e.directory).map((e) => e.path) },
  );
  const byPath = new Map<string, (typeof files)[number]>();
  for (const e of files) if (!byPath.has(e.path)) byPath.set(e.path, e);
  const r = await decodeImageFolder(plan, (p) => readZipEntry(zip, byPath.get(p)!), opts);
  return { ...r, kind: 'image-folder' };
}

/**
 * A dataset from archive bytes: .zip (entries inflated one at a time, after the limits are checked
 * on their declared sizes), .tar.gz or .tar. `name` labels messages and the splits' names.
 */
export async function loadDatasetArchive(bytes: Uint8Array, name: string, opts: DatasetLoadOptions): Promise<LoadedDataset> {
  const limits = { ...IMAGE_FOLDER_LIMITS, ...opts.limits };
  if (isZip(bytes)) return fromZip(readZipDirectory(bytes, name, limits.maxFiles), opts);
  const gz = isGzip(bytes);
  // The synchronous decoder (Node's zlib, fflate in a browser), as CIFAR archives have always been read:
  // it names a truncated stream as such, where DecompressionStream's messages do not.
  const tar = gz ? gunzip(bytes, showName(name), limits.maxTotalBytes) : bytes;
  let files: Map<string, Uint8Array>;
  try {
    files = readTar(tar, showName(name));
  } catch (e) {
    if (!gz && e instanceof DatasetError && /not a tar archive|empty tar archive/.test(e.message)) {
      throw new DatasetError(`${showName(name)}: not a CIFAR archive or an image-folder archive (neither zip, gzip nor tar)`);
    }
    throw e;
  }
  if (looksLikeCifar([...files.keys()])) return fromCifar(files, showName(name));
  return loadDatasetEntries([...files].map(([path, b]) => ({ path, bytes: b })), name, opts);
}
