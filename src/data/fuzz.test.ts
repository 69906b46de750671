// Fuzz test of the dataset readers: thousands of seeded mutations of small, valid CIFAR-100 and
// CIFAR-10 archives (.tar.gz decoded by native zlib and by fflate, plain .tar, loose files).
// Every input must either load to structurally valid splits or throw DatasetError, quickly.
// Replay one input: FUZZ_SEED=<seed> FUZZ_ONLY=<index> npx vitest run src/data/fuzz.test.ts
// Run longer: FUZZ_ITERATIONS=50000 FUZZ_SEED=$RANDOM npx vitest run src/data/fuzz.test.ts
import { gzipSync } from 'fflate';
import { gzipSync as zlibGzip } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../shared/bytes';
import { loadCifarArchive } from './cifar';
import { FuzzRng, INTERESTING_BYTES, fuzzSettings, mutateBytes, runFuzz } from './fuzz-helpers';
import { gunzipFflate } from './gzip';
import { selectSubsetSplits } from './subset';
import { COARSE_NAMES, FINE_NAMES, cifarRecords, makeTar, paxRecords, type TarEntry } from './test-helpers';
import { DatasetError, IMAGE_BYTES, type DatasetSplits, type ImageDataset } from './types';

const FUZZ = fuzzSettings('cifar', 'src/data/fuzz.test.ts', { seed: 20240611, iterations: 3000 });
const ITERATIONS = FUZZ.iterations;
const enc = new TextEncoder();
const lines = (names: string[]) => enc.encode(names.join('\n') + '\n');

type Layout = 'cifar-100' | 'cifar-10';
type Container = 'gz' | 'gz-fflate' | 'tar' | 'loose';

interface ArchiveInput {
  layout: Layout;
  container: Container;
  bytes?: Uint8Array;
  files?: Map<string, Uint8Array>;
  /** A subset to select from whatever loads (classes / superclasses / perClass). */
  subset: { classes: (number | string)[]; superclasses: (number | string)[]; perClass: number };
}

/** Small valid file sets: a few records per split so thousands of inputs stay fast. */
function baseFiles(layout: Layout, rng: FuzzRng): [string, Uint8Array][] {
  if (layout === 'cifar-100') {
    const recs = (n: number, off: number) => cifarRecords(n, (r) => [((r + off) % 100) % 20, (r + off) % 100]);
    return [
      ['cifar-100-binary/train.bin', recs(1 + rng.int(4), rng.int(100))],
      ['cifar-100-binary/test.bin', recs(1 + rng.int(2), rng.int(100))],
      ['cifar-100-binary/fine_label_names.txt', lines(FINE_NAMES)],
      ['cifar-100-binary/coarse_label_names.txt', lines(COARSE_NAMES)],
    ];
  }
  const recs = (n: number, off: number) => cifarRecords(n, (r) => [(r + off) % 10]);
  const out: [string, Uint8Array][] = [1, 2, 3, 4, 5].map((k) => [`cifar-10-batches-bin/data_batch_${k}.bin`, recs(1 + rng.int(2), k)]);
  out.push(['cifar-10-batches-bin/test_batch.bin', recs(1, 0)]);
  out.push(['cifar-10-batches-bin/batches.meta.txt', lines(Array.from({ length: 10 }, (_, i) => `class_${i}`))]);
  return out;
}

const HOSTILE_PAX_SIZES = ['99999999999999999999', '-1', '1e3', '0x10', '', ' 12', '4294967296', '9007199254740993', '00012', '1.5'];
const HOSTILE_NAMES = ['train.bin', 'test.bin', 'data_batch_1.bin', 'test_batch.bin', '._train.bin', 'meta', 'data_batch_1', 'other/train.bin', './train.bin', '/train.bin', '', 'fine_label_names.txt'];

/** Structure-aware mutations of the file list, before it becomes a tar. */
function mutateEntries(rng: FuzzRng, entries: TarEntry[], log: string[]): TarEntry[] {
  const e = entries.map((x) => ({ ...x }));
  const files = () => e.map((x, i) => [x, i] as const).filter(([x]) => (x.type ?? '0') === '0' && x.data instanceof Uint8Array);
  const binFiles = () => files().filter(([x]) => x.name.endsWith('.bin'));
  const dataOf = (x: TarEntry) => (x.data instanceof Uint8Array ? x.data : enc.encode(x.data ?? ''));
  switch (rng.int(13)) {
    case 0: {
      // a label out of range (or just past a boundary)
      const bins = binFiles();
      if (bins.length === 0) break;
      const [x] = rng.pick(bins);
      const d = dataOf(x).slice();
      const rec = x.name.includes('cifar-100') ? 2 + IMAGE_BYTES : 1 + IMAGE_BYTES;
      const r = rng.int(Math.max(1, Math.floor(d.length / rec)));
      const which = x.name.includes('cifar-100') ? rng.int(2) : 0;
      const v = rng.pick([9, 10, 19, 20, 99, 100, 127, 128, 255]);
      if (r * rec + which < d.length) d[r * rec + which] = v;
      x.data = d;
      log.push(`${x.name}: record ${r} label byte ${which} := ${v}`);
      break;
    }
    case 1: {
      // wrong record size: bytes appended or removed
      const bins = binFiles();
      if (bins.length === 0) break;
      const [x] = rng.pick(bins);
      const d = dataOf(x);
      const k = rng.pick([1, 2, 3, 511, 512, 3072, 3073, 3074, 3075]);
      if (rng.chance(0.5)) {
        x.data = concatBytes([d, new Uint8Array(k).fill(rng.pick(INTERESTING_BYTES))]);
        log.push(`${x.name}: ${k} bytes appended`);
      } else {
        x.data = d.slice(0, Math.max(0, d.length - k));
        log.push(`${x.name}: ${k} bytes cut`);
      }
      break;
    }
    case 2: {
      const fs = files();
      if (fs.length === 0) break;
      const [x] = rng.pick(fs);
      x.data = new Uint8Array(0);
      log.push(`${x.name}: emptied`);
      break;
    }
    case 3: {
      const i = rng.int(e.length);
      log.push(`entry ${e[i].name} removed`);
      e.splice(i, 1);
      break;
    }
    case 4: {
      const x = rng.pick(e);
      const dir = rng.pick(['', 'other/', 'cifar-100-binary/', 'cifar-10-batches-bin/']);
      const base = x.name.split('/').pop();
      e.splice(rng.int(e.length + 1), 0, { ...x, name: `${dir}${base}` });
      log.push(`entry ${x.name} duplicated as ${dir}${base}`);
      break;
    }
    case 5: {
      const x = rng.pick(e);
      const to = rng.pick(HOSTILE_NAMES);
      log.push(`entry ${x.name} renamed to ${JSON.stringify(to)}`);
      x.name = to;
      break;
    }
    case 6: {
      // an entry claiming more (or fewer) bytes than it holds
      const x = rng.pick(e);
      const len = dataOf(x).length;
      const claim = Math.max(0, rng.pick([len + 1, len + 511, len + 512, len - 1, 1e9, 8 ** 11 - 1, 0, len + 3074]));
      x.claimedSize = claim;
      log.push(`entry ${x.name} claims ${claim} bytes (has ${len})`);
      break;
    }
    case 7: {
      const x = rng.pick(e);
      const t = rng.pick(['5', '2', 'x', 'L', 'g', 'K', '7', '\0', 'Z', '1']);
      x.type = t;
      log.push(`entry ${x.name} type := ${JSON.stringify(t)}`);
      break;
    }
    case 8: {
      // a pax header in front of an entry, with a hostile size or path, or a malformed body
      const at = rng.int(e.length + 1);
      let body: string;
      const form = rng.int(4);
      if (form === 0) body = paxRecords({ size: rng.pick(HOSTILE_PAX_SIZES) });
      else if (form === 1) body = paxRecords({ path: rng.pick(HOSTILE_NAMES), mtime: '1.5' });
      else if (form === 2) body = rng.pick(['5 a\n', '999 size=1\n', '12 sizeXX1\n', 'x\n', '0 \n', '6 a=\n\0\0\0', '18446744073709551617 size=1\n']);
      else body = paxRecords({ size: String(rng.int(20000)) });
      e.splice(at, 0, { name: 'PaxHeaders/x', type: 'x', data: body });
      log.push(`pax header ${JSON.stringify(body)} before entry ${at}`);
      break;
    }
    case 9: {
      const at = rng.int(e.length + 1);
      const name = rng.chance(0.5) ? rng.pick(HOSTILE_NAMES) : 'cifar-100-binary/' + 'x'.repeat(rng.int(400)) + '/train.bin';
      e.splice(at, 0, { name: '././@LongLink', type: 'L', data: name + (rng.chance(0.5) ? '\0' : '') });
      log.push(`GNU long name ${JSON.stringify(name.slice(0, 40))} before entry ${at}`);
      break;
    }
    case 10: {
      // label-names files: wrong count, CRLF, invalid UTF-8
      const names = e.filter((x) => x.name.endsWith('.txt'));
      if (names.length === 0) break;
      const x = rng.pick(names);
      const text = new TextDecoder().decode(dataOf(x));
      const form = rng.int(4);
      if (form === 0) x.data = text.split('\n').slice(1).join('\n');
      else if (form === 1) x.data = text + 'extra\n';
      else if (form === 2) x.data = text.replace(/\n/g, '\r\n');
      else x.data = concatBytes([Uint8Array.of(0xff, 0xfe, 0xc3), dataOf(x)]);
      log.push(`${x.name}: names ${['one removed', 'one added', 'CRLF', 'invalid UTF-8 prefix'][form]}`);
      break;
    }
    case 11: {
      const x = rng.pick(e);
      if (rng.chance(0.5)) x.gnu = true;
      else if (x.name.includes('/') && x.name.lastIndexOf('/') <= 155 && x.name.length - x.name.lastIndexOf('/') <= 100) x.usePrefix = true;
      log.push(`entry ${x.name}: ${x.gnu ? 'GNU magic' : 'ustar prefix'}`);
      break;
    }
    default:
      log.push('file list unchanged');
  }
  return e;
}

/** Header offsets of the tar makeTar writes (data padded to 512, whatever the claimed size). */
function headerOffsets(entries: TarEntry[]): number[] {
  const out: number[] = [];
  let o = 0;
  for (const x of entries) {
    out.push(o);
    const len = x.data instanceof Uint8Array ? x.data.length : enc.encode(x.data ?? '').length;
    o += 512 + Math.ceil(len / 512) * 512;
  }
  return out;
}

function fixChecksum(tar: Uint8Array, at: number): void {
  const h = tar.subarray(at, at + 512);
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.set(enc.encode(sum.toString(8).padStart(6, '0') + '\0 '), 148);
}

/** Rewrite one header field with a hostile value; usually fix the checksum so the reader looks further. */
function mutateTarHeader(rng: FuzzRng, tar: Uint8Array, offsets: number[], log: string[]): Uint8Array {
  const at = rng.pick(offsets);
  if (at + 512 > tar.length) return tar;
  const t = tar.slice();
  const h = t.subarray(at, at + 512);
  const form = rng.int(6);
  if (form <= 2) {
    // size field (12 bytes at 124)
    const sizes: (() => Uint8Array)[] = [
      () => enc.encode('77777777777\0'), // 8 GB - 1, octal
      () => enc.encode('99999999999\0'), // not octal
      () => enc.encode('           \0'), // empty
      () => enc.encode(' 0000001750 '), // 1000, space-padded
      () => Uint8Array.of(0x80, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), // base-256 2^64-1
      () => Uint8Array.of(0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0), // base-256 4096
      () => Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), // base-256 -1
      () => Uint8Array.of(0x80, 0x3f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), // base-256 huge
      () => enc.encode((rng.int(8 ** 8)).toString(8).padStart(11, '0') + '\0'),
    ];
    const i = rng.int(sizes.length);
    h.set(sizes[i](), 124);
    log.push(`tar header at ${at}: size field form ${i}`);
  } else if (form === 3) {
    h.fill(rng.pick([0x41, 0xff, 0x2f]), 0, 100); // name without a terminating NUL
    log.push(`tar header at ${at}: name field filled`);
  } else if (form === 4) {
    h.set(enc.encode(rng.pick(['ustar\0' + '00', 'ustar  \0', 'xxxxxx00'])), 257);
    h.fill(rng.pick([0x61, 0x2f, 0x00]), 345, 345 + rng.int(156));
    log.push(`tar header at ${at}: magic / prefix rewritten`);
  } else {
    h[156] = rng.int(256);
    log.push(`tar header at ${at}: type byte := ${h[156]}`);
  }
  if (rng.chance(0.85)) fixChecksum(t, at);
  else log.push('checksum left stale');
  return t;
}

/** gzip-level mutations: trailer (CRC, ISIZE), header flags and method, extra members, garbage. */
function mutateGzip(rng: FuzzRng, gz: Uint8Array, innerLength: number, log: string[]): Uint8Array {
  const m = gz.slice();
  const dv = new DataView(m.buffer);
  const t = m.length - 8;
  if (m.length < 18) return mutateBytes(rng, m, log);
  switch (rng.int(7)) {
    case 0: {
      const v = rng.pick([0, 1, 0xffffffff, 0x7fffffff, 0x80000000, innerLength - 1, innerLength + 1, rng.u32()]) >>> 0;
      dv.setUint32(t + 4, v, true);
      log.push(`gzip ISIZE := ${v}`);
      return m;
    }
    case 1: {
      const v = rng.chance(0.5) ? rng.u32() : dv.getUint32(t, true) ^ (1 << rng.int(32));
      dv.setUint32(t, v >>> 0, true);
      log.push(`gzip CRC := ${v >>> 0}`);
      return m;
    }
    case 2: {
      const f = rng.pick([0x04, 0x08, 0x10, 0x02, 0x1e, 0xe0, 0xff]);
      m[3] |= f;
      if (f & 4 && rng.chance(0.5)) {
        m[10] = 0xff;
        m[11] = 0xff; // XLEN 65535
      }
      log.push(`gzip FLG |= 0x${f.toString(16)}`);
      return m;
    }
    case 3: {
      m[2] = rng.pick([0, 7, 9, 0xff]);
      log.push(`gzip method := ${m[2]}`);
      return m;
    }
    case 4: {
      const extra = rng.chance(0.5) ? gzipSync(enc.encode('more')) : Uint8Array.from({ length: 1 + rng.int(40) }, () => rng.int(256));
      log.push(`${extra.length} bytes appended (${extra[0] === 0x1f ? 'second gzip member' : 'garbage'})`);
      return concatBytes([m, extra]);
    }
    default:
      return mutateBytes(rng, m, log, [
        [0, 24],
        [Math.max(0, t), m.length],
      ]);
  }
}

function generate(rng: FuzzRng, log: string[]): ArchiveInput {
  const layout: Layout = rng.chance(0.6) ? 'cifar-100' : 'cifar-10';
  const container: Container = rng.pick(['gz', 'gz', 'gz-fflate', 'tar', 'tar', 'loose']);
  log.push(`${layout} as ${container}`);
  const files = baseFiles(layout, rng);
  let entries: TarEntry[] = files.map(([name, data]) => ({ name, data }));
  if (container !== 'loose' && rng.chance(0.5)) entries.unshift({ name: layout === 'cifar-100' ? 'cifar-100-binary/' : 'cifar-10-batches-bin/', type: '5' });
  const modelMutations = rng.chance(0.15) ? 0 : 1 + (rng.chance(0.3) ? 1 : 0);
  for (let k = 0; k < modelMutations; k++) entries = mutateEntries(rng, entries, log);

  const subset = {
    classes: rng.chance(0.6) ? [] : [rng.pick<number | string>([0, 1, 5, 99, 'fine_3', 'class_2', 'nope'])],
    superclasses: rng.chance(0.8) ? [] : [rng.pick<number | string>([0, 19, 'coarse_1', 'nope'])],
    perClass: rng.pick([0, 0, 1, 2]),
  };

  if (container === 'loose') {
    const map = new Map<string, Uint8Array>();
    for (const x of entries) {
      if ((x.type ?? '0') !== '0') continue;
      let d = x.data instanceof Uint8Array ? x.data : enc.encode(x.data ?? '');
      if (rng.chance(0.3)) {
        log.push(`in ${x.name}:`);
        d = mutateBytes(rng, d, log, [[0, 2], [3072, 3076]]);
      }
      map.set(x.name, d);
    }
    return { layout, container, files: map, subset };
  }

  const offsets = headerOffsets(entries);
  let tar = makeTar(entries, rng.chance(0.9));
  const tarMutations = rng.int(3);
  for (let k = 0; k < tarMutations; k++) {
    if (rng.chance(0.5)) tar = mutateTarHeader(rng, tar, offsets, log);
    else {
      const hot: [number, number][] = offsets.map((o) => [o, o + 512]);
      for (const o of offsets) hot.push([o + 512, o + 514], [o + 512 + 3073, o + 512 + 3076]);
      tar = mutateBytes(rng, tar, log, hot);
    }
  }
  if (container === 'tar') return { layout, container, bytes: tar, subset };

  const useZlib = rng.chance(0.3);
  let gz: Uint8Array = useZlib
    ? new Uint8Array(zlibGzip(tar, { level: rng.int(10) }))
    : gzipSync(tar, { level: rng.int(10) as 0, ...(rng.chance(0.3) ? { filename: 'cifar.tar', mtime: 0 } : {}) });
  const gzMutations = rng.chance(0.4) ? 0 : 1 + rng.int(2);
  for (let k = 0; k < gzMutations; k++) gz = mutateGzip(rng, gz, tar.length, log);
  return { layout, container, bytes: gz, subset };
}

function load(input: ArchiveInput): DatasetSplits {
  const name = `fuzz.${input.container === 'loose' ? 'dir' : input.container === 'tar' ? 'tar' : 'tar.gz'}`;
  if (input.container === 'loose') return loadCifarArchive(input.files!, name);
  if (input.container === 'gz-fflate') return loadCifarArchive(gunzipFflate(input.bytes!, name), name); // the browser's path
  return loadCifarArchive(input.bytes!, name);
}

function checkSplit(ds: ImageDataset, what: string): void {
  const fail = (m: string) => {
    throw new Error(`${what}: ${m}`);
  };
  if (!Number.isSafeInteger(ds.size) || ds.size < 1) fail(`size ${ds.size}`);
  if (!(ds.images instanceof Uint8Array) || ds.images.length !== ds.size * IMAGE_BYTES) fail(`images.length ${ds.images?.length} for size ${ds.size}`);
  if (!(ds.labels instanceof Int32Array) || ds.labels.length !== ds.size) fail(`labels.length ${ds.labels?.length} for size ${ds.size}`);
  const nClasses = ds.classNames.length;
  if (nClasses !== 100 && nClasses !== 10) fail(`${nClasses} class names`);
  for (const l of ds.labels) if (!(l >= 0 && l < nClasses)) fail(`label ${l} outside 0..${nClasses - 1}`);
  if (ds.coarseLabels) {
    if (!ds.coarseNames || ds.coarseNames.length !== 20) fail(`${ds.coarseNames?.length} superclass names`);
    if (ds.coarseLabels.length !== ds.size) fail(`coarseLabels.length ${ds.coarseLabels.length}`);
    for (const c of ds.coarseLabels) if (!(c >= 0 && c < 20)) fail(`superclass ${c} outside 0..19`);
  }
  if (ds.classNames.some((n) => typeof n !== 'string' || n.length === 0)) fail('an empty class name');
}

function check(splits: DatasetSplits, input: ArchiveInput): void {
  checkSplit(splits.train, 'train');
  checkSplit(splits.test, 'test');
  if (splits.train.classNames.join('\n') !== splits.test.classNames.join('\n')) throw new Error('train and test class names differ');
  // Whatever loads must also subset cleanly: a DatasetError (no such class, keeps nothing) or valid splits.
  let sub: DatasetSplits | undefined;
  try {
    sub = selectSubsetSplits(splits, input.subset, 1);
  } catch (e) {
    if (!(e instanceof DatasetError)) throw new Error(`selectSubsetSplits threw ${String(e)}`);
  }
  if (sub) {
    for (const [ds, w] of [[sub.train, 'subset train'], [sub.test, 'subset test']] as const) {
      if (ds.images.length !== ds.size * IMAGE_BYTES || ds.labels.length !== ds.size) throw new Error(`${w}: sizes disagree`);
      for (const l of ds.labels) if (!(l >= 0 && l < ds.classNames.length)) throw new Error(`${w}: label ${l} outside the kept classes`);
    }
  }
}

describe('dataset readers under fuzzing', () => {
  it(`${ITERATIONS} mutated CIFAR archives: each loads to valid splits or throws DatasetError, within 200 ms`, () => {
    const report = runFuzz<ArchiveInput, DatasetSplits>({
      ...FUZZ,
      generate,
      run: load,
      check,
      errorType: DatasetError,
      family: (i) => `${i.layout}/${i.container}`,
    });
    if (process.env.FUZZ_ONLY !== undefined) return;
    expect(report.inputs).toBe(ITERATIONS);
    // Both outcomes must be common, or the mutations are not reaching the checks (or are breaking everything).
    expect(report.parsed).toBeGreaterThan(ITERATIONS * 0.1);
    expect(report.rejected).toBeGreaterThan(ITERATIONS * 0.3);
    expect(report.messageKinds.size).toBeGreaterThan(20);
  });
});
