// Fuzz test of the image-folder readers: thousands of seeded mutations of small, valid image
// folders (PNG and JPEG, both layouts) as .zip (deflated and stored), .tar, .tar.gz and as a
// list of files. Mutations hit the file list (hostile paths, empty and missing class folders,
// non-images, corrupt, truncated and oversized images) and the container bytes (zip central
// directory and end record, tar headers, gzip). Every input must load to valid splits, with the
// files it left out named, or throw DatasetError, quickly.
// Replay one input: FUZZ_SEED=<seed> FUZZ_ONLY=<index> npx vitest run src/data/imageFolder.fuzz.test.ts
// Run longer: FUZZ_ITERATIONS=20000 FUZZ_SEED=$RANDOM npx vitest run src/data/imageFolder.fuzz.test.ts
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { loadDatasetArchive, loadDatasetEntries, type LoadedDataset } from './archive';
import { crc32 } from './crc32';
import { FuzzRng, fuzzSettings, mutateBytes, runFuzzAsync } from './fuzz-helpers';
import { jpegOf, pngOf, zipOf } from './image-test-helpers';
import type { ImageFileEntry, ImageFolderLimits } from './imageFolder';
import { nodeImageDecoder } from './nodeDecoder';
import { makeTar } from './test-helpers';
import { DatasetError, IMAGE_BYTES, type ImageDataset } from './types';

const FUZZ = fuzzSettings('image-folder', 'src/data/imageFolder.fuzz.test.ts', { seed: 20241201, iterations: 2500 });
const ITERATIONS = FUZZ.iterations;
const enc = new TextEncoder();
/** Small limits, so that the limit checks fire on small inputs too. */
const LIMITS: Partial<ImageFolderLimits> = { maxImagesPerSplit: 40, maxPixelsPerImage: 64 * 64, maxTotalBytes: 1 << 20, maxFiles: 200 };
const decoder = nodeImageDecoder({ maxPixelsPerImage: LIMITS.maxPixelsPerImage! });

// A pool of small valid images, encoded once: 4×4 to 12×10 PNGs and 8×8 / 16×8 JPEGs.
const POOL: Uint8Array[] = [
  ...[[4, 4], [8, 8], [12, 10], [5, 9]].map(([w, h], k) => pngOf(w, h, (x, y) => [(x * 40 + k * 60) & 255, (y * 30) & 255, k * 50, 255])),
  ...[[8, 8], [16, 8]].map(([w, h], k) => jpegOf(w, h, (x, y) => [(x * 20) & 255, k * 100, (y * 25) & 255], 80)),
];
/** A PNG whose IHDR claims `w`×`h` (CRC fixed): over the pixel limit, or 0 wide. */
function pngClaiming(w: number, h: number): Uint8Array {
  const b = POOL[1].slice();
  const dv = new DataView(b.buffer);
  dv.setUint32(16, w);
  dv.setUint32(20, h);
  dv.setUint32(29, crc32(b.subarray(12, 29)));
  return b;
}

type Container = 'zip' | 'zip-stored' | 'tar' | 'tar.gz' | 'entries';
interface FolderInput {
  container: Container;
  layout: 'train-test' | 'split';
  bytes?: Uint8Array;
  entries?: ImageFileEntry[];
}

const CLASS_NAMES = ['cat', 'dog', '2', '10', 'Élan', 'a b'];
const HOSTILE_PATHS = [
  '', '/', '//', '../up.png', 'a/../../b.png', 'train/', 'test/x.png', 'train/x.png', '.hidden/a.png', '__MACOSX/cat/a.png', 'train/cat/',
  'dog\\win.png', 'x'.repeat(300) + '/y.png', 'emoji/😀.png', 'nul\u0000/a.png', 'val/cat/v.png', 'Train/cat/t.png', 'train.bin', 'cifar/test_batch.bin',
  './dot/./a.png', 'd/e/f/g/h.jpg', 'cat/readme.txt',
];

function baseEntries(rng: FuzzRng, layout: FolderInput['layout']): { entries: ImageFileEntry[]; dirs: string[] } {
  const nClasses = 2 + rng.int(2);
  const classes = Array.from({ length: nClasses }, (_, c) => CLASS_NAMES[(c + rng.int(2) * 3) % CLASS_NAMES.length]).filter((c, i, a) => a.indexOf(c) === i);
  const wrapper = rng.chance(0.5) ? 'set/' : '';
  const entries: ImageFileEntry[] = [];
  const dirs: string[] = [];
  const splits = layout === 'train-test' ? ['train/', rng.chance(0.8) ? 'test/' : 'val/'] : [''];
  for (const split of splits) {
    for (const c of classes) {
      const n = split === 'test/' || split === 'val/' ? 1 + rng.int(2) : 2 + rng.int(3);
      if (rng.chance(0.2)) dirs.push(`${wrapper}${split}${c}/`);
      for (let i = 0; i < n; i++) {
        const img = rng.int(POOL.length);
        entries.push({ path: `${wrapper}${split}${c}/${i}${img >= 4 ? '.jpg' : '.png'}`, bytes: POOL[img] });
      }
    }
  }
  return { entries, dirs };
}

/** One mutation of the file list: paths, files, folders, image bytes. */
function mutateEntries(rng: FuzzRng, entries: ImageFileEntry[], dirs: string[], log: string[]): ImageFileEntry[] {
  const e = entries.map((x) => ({ ...x }));
  if (e.length === 0) return e;
  const k = rng.int(e.length);
  switch (rng.int(10)) {
    case 0: {
      const p = rng.pick(HOSTILE_PATHS);
      log.push(`rename ${e[k].path} → ${JSON.stringify(p.slice(0, 40))}`);
      e[k].path = p;
      break;
    }
    case 1:
      log.push(`drop ${e[k].path}`);
      e.splice(k, 1);
      break;
    case 2: {
      const d = rng.pick(['set/empty/', 'empty/', 'train/empty/', 'test/empty/', 'set/train/empty/']);
      log.push(`empty folder ${d}`);
      dirs.push(d);
      break;
    }
    case 3: {
      log.push(`${e[k].path}: text instead of an image`);
      e[k].bytes = enc.encode(rng.pick(['hello', '', '\u0089PNG\r\n', 'GIF89a', 'RIFF....WEBPVP8 ']));
      break;
    }
    case 4: {
      log.push(`${e[k].path}: image bytes mutated:`);
      let b = e[k].bytes;
      for (let m = 1 + rng.int(3); m > 0; m--) b = mutateBytes(rng, b, log, [[0, 40], [Math.max(0, b.length - 16), b.length]]);
      e[k].bytes = b;
      break;
    }
    case 5: {
      const [w, h] = rng.pick([[65, 65], [100000, 100000], [0, 8], [8, 0], [2 ** 31, 1], [64, 64]]);
      log.push(`${e[k].path}: a PNG claiming ${w}×${h}`);
      e[k].bytes = pngClaiming(w, h);
      break;
    }
    case 6: {
      const n = 1 + rng.int(40);
      log.push(`${n} more copies of ${e[k].path}`);
      for (let i = 0; i < n; i++) e.push({ path: e[k].path.replace(/(\.\w+)$/, `_${i}$1`), bytes: e[k].bytes });
      break;
    }
    case 7: {
      // Every image of one class in one split goes bad.
      const folder = e[k].path.slice(0, e[k].path.lastIndexOf('/') + 1);
      log.push(`all of ${folder} corrupt`);
      for (const x of e) if (x.path.startsWith(folder)) x.bytes = x.bytes.subarray(0, 30);
      break;
    }
    case 8: {
      log.push(`${e[k].path} moved to the top`);
      e[k].path = e[k].path.split('/').pop()!;
      break;
    }
    default: {
      const to = rng.pick(['', 'elsewhere/', 'set/', 'train/', 'test/']);
      log.push(`${e[k].path}: its class folder re-rooted under ${JSON.stringify(to)}`);
      e[k].path = to + e[k].path.split('/').slice(-2).join('/');
    }
  }
  return e;
}

/** Offsets of the zip's structures, for mutations that aim at them. */
function zipHot(zip: Uint8Array): [number, number][] {
  const hot: [number, number][] = [[Math.max(0, zip.length - 22), zip.length]];
  const dv = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  for (let p = 0; p + 4 <= zip.length; p++) {
    const sig = dv.getUint32(p, true);
    if (sig === 0x02014b50) hot.push([p, p + 46]);
    else if (sig === 0x04034b50) hot.push([p, p + 30]);
  }
  return hot;
}

/** Rewrite a field of the end record or a central header with a hostile number. */
function mutateZipField(rng: FuzzRng, zip: Uint8Array, log: string[]): Uint8Array {
  if (zip.length < 22) return mutateBytes(rng, zip, log);
  const z = zip.slice();
  const dv = new DataView(z.buffer);
  const e = z.length - 22;
  const values = [0, 1, 0xffff, 0xffffffff, 0x7fffffff, z.length, z.length - 1, rng.u32()];
  const centrals: number[] = [];
  for (let p = 0; p + 46 <= z.length; p++) if (dv.getUint32(p, true) === 0x02014b50) centrals.push(p);
  if (rng.chance(0.4) || centrals.length === 0) {
    const [off, size] = rng.pick([[8, 2], [10, 2], [12, 4], [16, 4], [4, 2], [20, 2]] as const);
    const v = rng.pick(values) % 2 ** (8 * size);
    if (size === 2) dv.setUint16(e + off, v, true);
    else dv.setUint32(e + off, v >>> 0, true);
    log.push(`zip end record +${off} := ${v}`);
  } else {
    const c = rng.pick(centrals);
    const [off, size] = rng.pick([[8, 2], [10, 2], [16, 4], [20, 4], [24, 4], [28, 2], [30, 2], [32, 2], [42, 4]] as const);
    const v = rng.pick(values) % 2 ** (8 * size);
    if (size === 2) dv.setUint16(c + off, v, true);
    else dv.setUint32(c + off, v >>> 0, true);
    log.push(`zip central header at ${c} +${off} := ${v}`);
  }
  return z;
}

function generate(rng: FuzzRng, log: string[]): FolderInput {
  const layout = rng.chance(0.5) ? 'train-test' : 'split';
  const container: Container = rng.pick(['zip', 'zip', 'zip-stored', 'tar', 'tar.gz', 'entries', 'entries']);
  log.push(`${layout} as ${container}`);
  const { entries: base, dirs } = baseEntries(rng, layout);
  let entries = base;
  const listMutations = rng.chance(0.2) ? 0 : 1 + rng.int(3);
  for (let m = 0; m < listMutations; m++) entries = mutateEntries(rng, entries, dirs, log);
  if (container === 'entries') return { container, layout, entries };
  let bytes: Uint8Array;
  if (container.startsWith('zip')) {
    // zipOf takes a record: a repeated path keeps its last copy, as in a real zip writer's input.
    bytes = zipOf(entries.filter((x) => x.path !== '' && !x.path.endsWith('/')), dirs, container === 'zip' ? 6 : 0);
    const byteMutations = rng.chance(0.35) ? 0 : 1 + rng.int(2);
    for (let m = 0; m < byteMutations; m++) bytes = rng.chance(0.5) ? mutateZipField(rng, bytes, log) : mutateBytes(rng, bytes, log, zipHot(bytes));
    return { container, layout, bytes };
  }
  const tarEntries = [...dirs.map((d) => ({ name: d, type: '5' })), ...entries.filter((x) => x.path !== '').map((x) => ({ name: x.path, data: x.bytes }))];
  let tar: Uint8Array;
  try {
    tar = makeTar(tarEntries.filter((x) => new TextEncoder().encode(x.name).length <= 100));
  } catch {
    tar = makeTar([]);
  }
  if (rng.chance(0.5)) tar = mutateBytes(rng, tar, log, [[0, 512], [512, 1024]]);
  if (container === 'tar') return { container, layout, bytes: tar };
  let gz: Uint8Array = gzipSync(tar);
  if (rng.chance(0.3)) gz = mutateBytes(rng, gz, log, [[0, 20], [Math.max(0, gz.length - 8), gz.length]]);
  return { container, layout, bytes: gz };
}

function load(input: FolderInput): Promise<LoadedDataset> {
  const opts = { decoder, limits: LIMITS, progressEveryMs: 1e9 };
  if (input.container === 'entries') return loadDatasetEntries(input.entries!, 'fuzz-folder', opts);
  return loadDatasetArchive(input.bytes!, `fuzz.${input.container.startsWith('zip') ? 'zip' : input.container}`, opts);
}

function checkSplit(ds: ImageDataset, what: string, mustCoverClasses: boolean): void {
  const fail = (m: string) => {
    throw new Error(`${what}: ${m}`);
  };
  if (!Number.isSafeInteger(ds.size) || ds.size < 1) fail(`size ${ds.size}`);
  if (ds.images.length !== ds.size * IMAGE_BYTES) fail(`images.length ${ds.images.length} for size ${ds.size}`);
  if (!(ds.labels instanceof Int32Array) || ds.labels.length !== ds.size) fail(`labels.length ${ds.labels.length}`);
  const C = ds.classNames.length;
  if (C < 1 || ds.classNames.some((n) => typeof n !== 'string' || n.length === 0)) fail(`class names ${JSON.stringify(ds.classNames)}`);
  if (new Set(ds.classNames).size !== C) fail('repeated class names');
  const seen = new Set<number>();
  for (const l of ds.labels) {
    if (!(l >= 0 && l < C)) fail(`label ${l} outside 0..${C - 1}`);
    seen.add(l);
  }
  if (mustCoverClasses && seen.size !== C) fail(`only ${seen.size} of ${C} classes have an image`);
}

function check(r: LoadedDataset): void {
  checkSplit(r.splits.train, 'train', r.kind === 'image-folder');
  checkSplit(r.splits.test, 'test', false);
  if (r.splits.train.classNames.join('\n') !== r.splits.test.classNames.join('\n')) throw new Error('train and test class names differ');
  if (r.splits.train.size > LIMITS.maxImagesPerSplit! || r.splits.test.size > LIMITS.maxImagesPerSplit!) throw new Error('a split over the limit loaded');
  for (const s of r.skipped) {
    if (typeof s.path !== 'string' || typeof s.reason !== 'string' || s.reason.length === 0 || s.reason.length > 2000) throw new Error(`bad skipped entry ${JSON.stringify(s).slice(0, 200)}`);
    if (/undefined|NaN|\[object /.test(s.reason.replace(/"(?:[^"\\]|\\.)*"/g, '""'))) throw new Error(`unclear reason: ${s.reason.slice(0, 200)}`);
  }
}

describe('image-folder readers under fuzzing', () => {
  it(`${ITERATIONS} mutated image folders (zip, tar, tar.gz, file lists): each loads to valid splits or throws DatasetError, within 200 ms`, async () => {
    const report = await runFuzzAsync<FolderInput, LoadedDataset>({
      ...FUZZ,
      generate,
      run: load,
      check,
      errorType: DatasetError,
      family: (i) => i.container,
    });
    if (process.env.FUZZ_ONLY !== undefined) return;
    expect(report.inputs).toBe(ITERATIONS);
    expect(report.parsed).toBeGreaterThan(ITERATIONS * 0.2);
    expect(report.rejected).toBeGreaterThan(ITERATIONS * 0.2);
    expect(report.messageKinds.size).toBeGreaterThan(25);
  });
});
