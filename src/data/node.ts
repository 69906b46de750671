// Node-only dataset loading (command line, tests, benchmarks): reads files, then hands the
// bytes to the browser-safe parsers. Kept apart so no browser bundle imports `fs`.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { loadCifarArchive } from './cifar';
import { syntheticDataset } from './synthetic';
import { DatasetError, type DatasetSplits } from './types';

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
 * Load a dataset by spec: "synthetic" (or "synthetic:<numClasses>"), a CIFAR-100/10 binary
 * archive (.tar.gz or .tar), or a directory of CIFAR binary files.
 */
export function loadDataset(spec: string, seed = 0): DatasetSplits {
  const synth = /^synthetic(?::(\d+))?$/.exec(spec.trim());
  if (synth) return syntheticDataset({ seed, numClasses: synth[1] ? Number(synth[1]) : undefined });
  if (!existsSync(spec)) throw new DatasetError(`dataset path not found: ${spec}`);
  if (statSync(spec).isDirectory()) return loadCifarArchive(readCifarDirectory(spec), spec);
  return loadCifarArchive(readBytes(spec), basename(spec));
}
