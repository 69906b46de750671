// Node-only dataset loading (command line, tests, benchmarks): reads files, then hands the
// bytes to the browser-safe parsers. Kept apart so no browser bundle imports `fs`.
import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { loadDatasetArchive, type LoadedDataset } from './archive';
import { builtInDataset } from './builtin';
import { loadCifarArchive } from './cifar';
import { IMAGE_FOLDER_LIMITS, decodeImageFolder, planImageFolder, type ImageFolderLimits, type LoadProgress, type PlanOptions } from './imageFolder';
import { nodeImageDecoder } from './nodeDecoder';
import { DatasetError, showName, type DatasetSplits } from './types';

export type { LoadedDataset } from './archive';

/** A file's bytes as a plain Uint8Array view (Buffer's subclass methods differ, e.g. slice shares memory). */
const readBytes = (path: string): Uint8Array => {
  const b = readFileSync(path);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
};

/** Files a CIFAR directory may hold; anything else there is left unread. */
const CIFAR_FILES = new Set([
  'train.bin', 'test.bin', 'fine_label_names.txt', 'coarse_label_names.txt',
  'data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin',
  'test_batch.bin', 'batches.meta.txt',
]);

/** The CIFAR files in `dir`, or in its one subdirectory holding them (an extracted archive's parent). */
function readCifarDirectory(dir: string): Map<string, Uint8Array> {
  const pick = (d: string) => readdirSync(d).filter((f) => CIFAR_FILES.has(f));
  let found = pick(dir);
  let from = dir;
  if (found.length === 0) {
    for (const sub of ['cifar-100-binary', 'cifar-10-batches-bin']) {
      const d = join(dir, sub);
      if (existsSync(d) && statSync(d).isDirectory() && pick(d).length > 0) {
        found = pick(d);
        from = d;
        break;
      }
    }
  }
  const files = new Map<string, Uint8Array>();
  for (const f of found) files.set(f, readBytes(join(from, f)));
  return files;
}

/**
 * Load a dataset by spec, synchronously: a built-in id ("synthetic", "synthetic:<classes>",
 * "counting", "counting:<N>"), a CIFAR-100/10 binary archive (.tar.gz or .tar), or a directory of
 * CIFAR binary files. Image folders decode asynchronously: see openDataset.
 */
export function loadDataset(spec: string, seed = 0): DatasetSplits {
  const builtIn = builtInDataset(spec, seed);
  if (builtIn) return builtIn;
  if (!existsSync(spec)) throw new DatasetError(`dataset path not found: ${spec}`);
  if (statSync(spec).isDirectory()) return loadCifarArchive(readCifarDirectory(spec), spec);
  return loadCifarArchive(readBytes(spec), basename(spec));
}

export interface OpenOptions extends Omit<PlanOptions, 'directories'> {
  limits?: Partial<ImageFolderLimits>;
  onProgress?: (p: LoadProgress) => void;
  progressEveryMs?: number;
}

/**
 * Every file and folder under `dir`, as '/'-separated paths relative to it, with sizes from
 * stat (no file is read). Symbolic links are left out (a linked folder could loop); stops with a
 * DatasetError past `maxFiles`.
 */
export function walkDirectory(dir: string, maxFiles: number): { files: { path: string; size: number }[]; directories: string[]; links: string[] } {
  const files: { path: string; size: number }[] = [];
  const directories: string[] = [];
  const links: string[] = [];
  const pending = [''];
  while (pending.length > 0) {
    const rel = pending.pop()!;
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const path = rel ? `${rel}/${name}` : name;
      const st = lstatSync(join(dir, path));
      if (st.isSymbolicLink()) links.push(path);
      else if (st.isDirectory()) {
        directories.push(path);
        pending.push(path);
      } else if (st.isFile()) files.push({ path, size: st.size });
      if (files.length + directories.length > maxFiles) {
        throw new DatasetError(`${showName(dir)}: more than ${maxFiles} files and folders, the limit for a dataset folder`);
      }
    }
  }
  return { files, directories, links };
}

/** An image folder on disk: listed and planned (all limits) before any file is read, then read one file at a time. */
async function openImageDirectory(dir: string, opts: OpenOptions): Promise<LoadedDataset> {
  const limits = { ...IMAGE_FOLDER_LIMITS, ...opts.limits };
  const { files, directories, links } = walkDirectory(dir, limits.maxFiles);
  const name = basename(resolve(dir));
  const plan = planImageFolder(files, name, { ...opts, directories });
  plan.skipped.push(...links.map((path) => ({ path, reason: 'symbolic link (not followed)' })));
  const r = await decodeImageFolder(plan, (p) => readBytes(join(dir, p)), { ...opts, limits, decoder: nodeImageDecoder(limits) });
  return { ...r, kind: 'image-folder' };
}

/**
 * Load any dataset by spec: a built-in id, CIFAR binaries (archive or directory), or an image
 * folder — a directory, .zip, .tar or .tar.gz in the class-per-subfolder layout, decoded with
 * pngjs / jpeg-js. `seed` seeds the built-in sets; an image folder's train/test split has its own
 * seed (opts.splitSeed, default 0) so that it is the same for every run.
 */
export async function openDataset(spec: string, seed = 0, opts: OpenOptions = {}): Promise<LoadedDataset> {
  const builtIn = builtInDataset(spec, seed);
  if (builtIn) return { splits: builtIn, kind: 'built-in', skipped: [] };
  if (!existsSync(spec)) throw new DatasetError(`dataset path not found: ${spec}`);
  const limits = { ...IMAGE_FOLDER_LIMITS, ...opts.limits };
  if (statSync(spec).isDirectory()) {
    const cifar = readCifarDirectory(spec);
    if (cifar.size > 0) return { splits: loadCifarArchive(cifar, spec), kind: 'cifar', skipped: [] };
    return openImageDirectory(spec, opts);
  }
  const size = statSync(spec).size;
  if (size > limits.maxTotalBytes) throw new DatasetError(`${showName(spec)}: ${size} bytes, more than the limit of ${limits.maxTotalBytes} for a dataset file`);
  return loadDatasetArchive(readBytes(spec), basename(spec), { ...opts, limits, decoder: nodeImageDecoder(limits) });
}
