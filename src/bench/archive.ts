// A full-size CIFAR-100-layout archive for the bench (these machines have no internet):
// cifar-100-binary/{train.bin (50,000 records), test.bin (10,000), fine_label_names.txt,
// coarse_label_names.txt} as .tar.gz, with noisy pixels so it compresses about as badly as the
// real one (169 MB for 184 MB). Generated once and kept in the OS temp directory.
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadCifarArchive } from '../data/cifar';
import { writeTar } from '../data/cifarWrite';
import { gunzip } from '../data/gzip';
import { IMAGE_BYTES } from '../data/types';

export const ARCHIVE_RECORDS = { train: 50_000, test: 10_000 } as const;
const VERSION = 2;

/** CIFAR-100 records: labels (coarse, fine) then CHW pixels, each row a bounded random walk. */
function records(n: number, seed: number): Uint8Array {
  const rec = 2 + IMAGE_BYTES;
  const out = new Uint8Array(n * rec);
  let s = (seed * 2654435761) >>> 0 || 1;
  for (let r = 0; r < n; r++) {
    const o = r * rec;
    const fine = r % 100;
    out[o] = fine % 20;
    out[o + 1] = fine;
    for (let row = 0; row < 96; row++) {
      s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
      let v = s & 0xff;
      for (let x = 0; x < 32; x++) {
        s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
        v = Math.min(255, Math.max(0, v + ((s & 63) - 31)));
        out[o + 2 + row * 32 + x] = v;
      }
    }
  }
  return out;
}

/** A label-names file: "fine_0" … one per line. */
const names = (kind: string, n: number): Uint8Array => new TextEncoder().encode(Array.from({ length: n }, (_, i) => `${kind}_${i}`).join('\n') + '\n');

export interface ArchiveFile {
  path: string;
  bytes: number;
  uncompressedBytes: number;
  generatedMs: number | null; // null: reused from an earlier run
}

/** Path of the bench archive, generating it on first use. */
export function benchArchive(dir = join(tmpdir(), 'sparsejepa-bench')): ArchiveFile {
  const path = join(dir, `cifar-100-binary-bench-v${VERSION}.tar.gz`);
  const uncompressedBytes = (ARCHIVE_RECORDS.train + ARCHIVE_RECORDS.test) * (2 + IMAGE_BYTES);
  if (existsSync(path)) return { path, bytes: statSync(path).size, uncompressedBytes, generatedMs: null };
  const t0 = performance.now();
  mkdirSync(dir, { recursive: true });
  const tar = writeTar([
    { name: 'cifar-100-binary/coarse_label_names.txt', data: names('coarse', 20) },
    { name: 'cifar-100-binary/fine_label_names.txt', data: names('fine', 100) },
    { name: 'cifar-100-binary/train.bin', data: records(ARCHIVE_RECORDS.train, 1) },
    { name: 'cifar-100-binary/test.bin', data: records(ARCHIVE_RECORDS.test, 2) },
  ]);
  const gz = gzipSync(tar, { level: 6 });
  writeFileSync(path + '.part', gz);
  renameSync(path + '.part', path);
  return { path, bytes: gz.length, uncompressedBytes, generatedMs: Math.round(performance.now() - t0) };
}

export interface ArchiveRead {
  /** File read + gunzip + tar + record parsing, as `loadCifarArchive` in Node does it. */
  readMs: number[];
  medianMs: number;
  /** The parts of the last read. */
  parts: { fileMs: number; gunzipMs: number; parseMs: number };
  train: number;
  test: number;
}

/** Time reading the archive from disk into the engine's dataset arrays. */
export function timeArchiveRead(path: string, reps: number): ArchiveRead {
  const readMs: number[] = [];
  let sizes = { train: 0, test: 0 };
  let parts = { fileMs: 0, gunzipMs: 0, parseMs: 0 };
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const bytes = readFileSync(path);
    const t1 = performance.now();
    const tar = gunzip(bytes, 'bench archive');
    const t2 = performance.now();
    const splits = loadCifarArchive(tar, 'bench archive');
    const t3 = performance.now();
    readMs.push(Math.round(t3 - t0));
    parts = { fileMs: Math.round(t1 - t0), gunzipMs: Math.round(t2 - t1), parseMs: Math.round(t3 - t2) };
    sizes = { train: splits.train.size, test: splits.test.size };
  }
  const sorted = [...readMs].sort((a, b) => a - b);
  return { readMs, medianMs: sorted[(sorted.length - 1) >> 1], parts, ...sizes };
}
