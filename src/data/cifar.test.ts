import { gzipSync } from 'fflate';
import { constants as zlibConstants, gzipSync as zlibGzip } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CIFAR100_RECORD_BYTES, CIFAR10_RECORD_BYTES, MAX_CIFAR_RECORDS, loadCifarArchive, loadCifarArchiveAsync, parseCifar100Records, parseCifar10Records } from './cifar';
import { concatBytes } from '../shared/bytes';
import { gunzipFflate } from './gzip';
import {
  COARSE_NAMES,
  FINE_NAMES,
  cifar100Records,
  cifar10Records,
  makeTar,
  pixelOf,
  sameBytes,
  type TarEntry,
} from './test-helpers';
import { DatasetError, IMAGE_BYTES, type ImageDataset } from './types';

const lines = (names: string[]) => names.join('\n') + '\n';

/** The entries of cifar-100-binary.tar.gz, with optional replacements or removals. */
function cifar100Entries(over: Record<string, Uint8Array | string | null> = {}): TarEntry[] {
  const files: Record<string, Uint8Array | string | null> = {
    'train.bin': cifar100Records(250),
    'test.bin': cifar100Records(50),
    'fine_label_names.txt': lines(FINE_NAMES),
    'coarse_label_names.txt': lines(COARSE_NAMES),
    ...over,
  };
  const entries: TarEntry[] = [{ name: 'cifar-100-binary/', type: '5' }];
  for (const [name, data] of Object.entries(files)) if (data !== null) entries.push({ name: `cifar-100-binary/${name}`, data });
  return entries;
}
const cifar100Gz = (over?: Record<string, Uint8Array | string | null>) => gzipSync(makeTar(cifar100Entries(over)));

/** Every image's pixels and labels match the generator's pattern. */
function expectRecords(ds: ImageDataset, n: number, fineOf: (r: number) => number, coarseOf?: (r: number) => number) {
  expect(ds.size).toBe(n);
  expect(ds.images.length).toBe(n * IMAGE_BYTES);
  expect(ds.labels).toEqual(Int32Array.from({ length: n }, (_, r) => fineOf(r)));
  if (coarseOf) expect(ds.coarseLabels).toEqual(Int32Array.from({ length: n }, (_, r) => coarseOf(r)));
  for (const r of [0, 1, n >> 1, n - 1]) {
    for (const j of [0, 1023, 1024, 2047, 2048, 3071]) expect(ds.images[r * IMAGE_BYTES + j]).toBe(pixelOf(r, j));
  }
}

/** The same records again, as one CIFAR-10 batch file per part (record numbering restarts in each). */
function expectCifar10Train(ds: ImageDataset, perBatch: number) {
  expect(ds.size).toBe(5 * perBatch);
  for (let k = 0; k < 5; k++) {
    const r = 7 % perBatch;
    const i = k * perBatch + r;
    expect(ds.labels[i]).toBe(r % 10);
    expect(ds.images[i * IMAGE_BYTES + 2500]).toBe(pixelOf(r, 2500));
  }
}

describe('CIFAR-100', () => {
  it('loads cifar-100-binary.tar.gz with label names', () => {
    const { train, test } = loadCifarArchive(cifar100Gz(), 'cifar-100-binary.tar.gz');
    expect(train.name).toBe('cifar-100/train');
    expect(test.name).toBe('cifar-100/test');
    expectRecords(train, 250, (r) => r % 100, (r) => (r % 100) % 20);
    expectRecords(test, 50, (r) => r % 100, (r) => (r % 100) % 20);
    expect(train.classNames).toEqual(FINE_NAMES);
    expect(train.coarseNames).toEqual(COARSE_NAMES);
  });

  it('loads an uncompressed tar, and async via the native decoder, identically', async () => {
    const fromTar = loadCifarArchive(makeTar(cifar100Entries()), 'cifar-100-binary.tar');
    expectRecords(fromTar.train, 250, (r) => r % 100);
    const fromAsync = await loadCifarArchiveAsync(cifar100Gz(), 'cifar-100-binary.tar.gz');
    expect(sameBytes(fromAsync.train.images, fromTar.train.images)).toBe(true);
    expect(fromAsync.test.labels).toEqual(fromTar.test.labels);
  });

  it('loads loose train.bin/test.bin, defaulting the names', () => {
    const files = new Map([
      ['train.bin', cifar100Records(120)],
      ['test.bin', cifar100Records(30)],
    ]);
    const { train, test } = loadCifarArchive(files);
    expectRecords(train, 120, (r) => r % 100, (r) => (r % 100) % 20);
    expect(test.size).toBe(30);
    expect(train.classNames[0]).toBe('class 0');
    expect(train.classNames[99]).toBe('class 99');
    expect(train.coarseNames![19]).toBe('superclass 19');
  });

  it('parses records straight from bytes', () => {
    const ds = parseCifar100Records(cifar100Records(10), 'train.bin', FINE_NAMES, COARSE_NAMES);
    expectRecords(ds, 10, (r) => r, (r) => r % 20);
    expect(ds.classNames[3]).toBe('fine_3');
  });

  it('names a record size that is not a whole number of records', () => {
    const bytes = concatBytes([cifar100Records(50), new Uint8Array(1)]);
    expect(() => parseCifar100Records(bytes, 'train.bin')).toThrow(
      new DatasetError('train.bin: 153701 bytes is not a whole number of 3074-byte CIFAR-100 records'),
    );
    expect(() => loadCifarArchive(cifar100Gz({ 'test.bin': bytes }), 'c.tar.gz')).toThrow(
      'cifar-100-binary/test.bin: 153701 bytes is not a whole number of 3074-byte CIFAR-100 records',
    );
    expect(() => parseCifar100Records(new Uint8Array(0), 'test.bin')).toThrow('test.bin: empty file (no CIFAR-100 records)');
  });

  it('names out-of-range fine and coarse labels with the record', () => {
    const fine = cifar100Records(20);
    fine[7 * CIFAR100_RECORD_BYTES + 1] = 143;
    expect(() => parseCifar100Records(fine, 'train.bin')).toThrow(new DatasetError('train.bin: fine label 143 > 99 at record 7'));
    const coarse = cifar100Records(20);
    coarse[3 * CIFAR100_RECORD_BYTES] = 20;
    expect(() => loadCifarArchive(cifar100Gz({ 'train.bin': coarse }), 'c.tar.gz')).toThrow(
      'cifar-100-binary/train.bin: coarse label 20 > 19 at record 3',
    );
  });

  it('names missing files and what it found instead', () => {
    expect(() => loadCifarArchive(cifar100Gz({ 'test.bin': null }), 'cifar-100-binary.tar.gz')).toThrow(
      new DatasetError(
        'cifar-100-binary.tar.gz: missing test.bin for CIFAR-100 (found: train.bin, fine_label_names.txt, coarse_label_names.txt)',
      ),
    );
    expect(() => loadCifarArchive(new Map([['notes.txt', new Uint8Array(3)]]), 'dir')).toThrow(
      /^dir: no CIFAR files found \(expected train\.bin and test\.bin .*; found: notes\.txt\)$/,
    );
  });

  // Found by the fuzzer: archive paths went into messages raw.
  it('quotes odd file names in messages', () => {
    const odd = new Map([
      ['a\nb/train.bin', new Uint8Array(5)],
      ['test.bin', cifar100Records(2)],
    ]);
    expect(() => loadCifarArchive(odd, 'dir')).toThrow(new DatasetError('"a\\nb/train.bin": 5 bytes is not a whole number of 3074-byte CIFAR-100 records'));
    const twice = new Map([
      ['x/train.bin', cifar100Records(2)],
      [`${'y'.repeat(300)}/train.bin`, cifar100Records(2)],
    ]);
    expect(() => loadCifarArchive(twice, 'dir')).toThrow(/^dir: ambiguous, both x\/train\.bin and "y{80}…y{20}\/train\.bin" \(310 characters\) present$/);
    const bad = new Map([
      ['\u0000train.bin', cifar100Records(2)],
      ['test.bin', cifar100Records(2)],
    ]);
    expect(() => loadCifarArchive(bad, 'dir')).toThrow('dir: missing train.bin for CIFAR-100 (found: "\\u0000train.bin", test.bin)');
    const label = cifar100Records(2);
    label[1] = 200;
    expect(() => loadCifarArchive(new Map([[' train.bin ', label], ['test.bin', label]]), 'dir')).toThrow(/^dir: missing train\.bin/);
    expect(() => parseCifar100Records(label, 'a\tb.bin')).toThrow('"a\\tb.bin": fine label 200 > 99 at record 0');
  });

  it('refuses more records than the limit before allocating their pixels', () => {
    expect(MAX_CIFAR_RECORDS).toBe(300_000);
    // Untouched zero pages: the 922 MB below cost no memory unless something reads them.
    const huge = new Uint8Array((MAX_CIFAR_RECORDS + 1) * CIFAR100_RECORD_BYTES);
    const t0 = performance.now();
    expect(() => loadCifarArchive(new Map([['train.bin', huge], ['test.bin', cifar100Records(2)]]), 'dir')).toThrow(
      new DatasetError('train.bin: 300001 CIFAR-100 records, more than the limit of 300000 per split'),
    );
    const batch = new Uint8Array(60_001 * CIFAR10_RECORD_BYTES);
    const parts = [1, 2, 3, 4, 5].map((k) => ({ name: `data_batch_${k}.bin`, bytes: batch }));
    expect(() => parseCifar10Records(parts, 'cifar-10/train')).toThrow('cifar-10/train: 300005 CIFAR-10 records, more than the limit of 300000 per split');
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('names a label-names file with the wrong count', () => {
    expect(() => loadCifarArchive(cifar100Gz({ 'fine_label_names.txt': lines(FINE_NAMES.slice(1)) }), 'c.tar.gz')).toThrow(
      'cifar-100-binary/fine_label_names.txt: 99 names, expected 100',
    );
  });

  it('refuses a label-names file over 1 MiB', () => {
    const huge = new Uint8Array((1 << 20) + 1).fill(0x61);
    expect(() => loadCifarArchive(cifar100Gz({ 'fine_label_names.txt': huge }), 'c.tar.gz')).toThrow(
      'cifar-100-binary/fine_label_names.txt: 1048577 bytes is over the limit of 1048576 bytes for a label-names file',
    );
  });

  it('names a truncated archive, at the gzip and at the tar level', () => {
    const gz = cifar100Gz();
    expect(() => loadCifarArchive(gz.subarray(0, gz.length - 5000), 'cifar-100-binary.tar.gz')).toThrow(
      /^cifar-100-binary\.tar\.gz is not a valid gzip stream: unexpected (EOF|end of file) \(file truncated\?\)$/,
    );
    const tar = makeTar(cifar100Entries());
    // train.bin starts after the directory header and its own header: cut 1000 bytes into it.
    expect(() => loadCifarArchive(tar.subarray(0, 1024 + 1000), 'cifar-100-binary.tar')).toThrow(
      new DatasetError('cifar-100-binary.tar: truncated tar entry cifar-100-binary/train.bin (claims 768500 bytes, 1000 present)'),
    );
  });

  it('names a tar entry claiming more bytes than the archive holds', () => {
    const entries = cifar100Entries();
    entries[1] = { ...entries[1], data: new Uint8Array(1000), claimedSize: 155_000_000 };
    const gz = gzipSync(makeTar(entries.slice(0, 2), false));
    expect(() => loadCifarArchive(gz, 'cifar-100-binary.tar.gz')).toThrow(
      new DatasetError('cifar-100-binary.tar.gz: truncated tar entry cifar-100-binary/train.bin (claims 155000000 bytes, 1024 present)'),
    );
  });

  it('names random bytes, gzipped random bytes and the pickle version', () => {
    const random = Uint8Array.from({ length: 20_000 }, (_, i) => (Math.imul(i, 2654435761) >>> 24) ^ (i & 0xff));
    expect(() => loadCifarArchive(random, 'download.bin')).toThrow(new DatasetError('download.bin: not a CIFAR archive (neither gzip nor tar)'));
    expect(() => loadCifarArchive(gzipSync(random), 'x.tar.gz')).toThrow('x.tar.gz: not a tar archive (header checksum mismatch at byte 0)');
    const pickle = makeTar([
      { name: 'cifar-100-python/train', data: 'x' },
      { name: 'cifar-100-python/test', data: 'x' },
      { name: 'cifar-100-python/meta', data: 'x' },
    ]);
    expect(() => loadCifarArchive(pickle, 'cifar-100-python.tar')).toThrow(/Python \(pickle\) version of CIFAR; use the binary version/);
  });
});

describe('CIFAR-10', () => {
  const batches = (n: number) => Object.fromEntries([1, 2, 3, 4, 5].map((k) => [`data_batch_${k}.bin`, cifar10Records(n)]));
  const names = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
  const archive = (files: Record<string, Uint8Array | string>) =>
    gzipSync(makeTar(Object.entries(files).map(([n, data]) => ({ name: `cifar-10-batches-bin/${n}`, data }))));

  it('loads cifar-10-binary.tar.gz: five train batches in order, test batch, names', () => {
    const gz = archive({ ...batches(40), 'test_batch.bin': cifar10Records(25), 'batches.meta.txt': lines(names) + '\n', 'readme.html': '<p>' });
    const { train, test } = loadCifarArchive(gz, 'cifar-10-binary.tar.gz');
    expect(train.name).toBe('cifar-10/train');
    expectCifar10Train(train, 40);
    expectRecords(test, 25, (r) => r % 10);
    expect(train.classNames).toEqual(names);
    expect(train.coarseLabels).toBeUndefined();
  });

  it('validates like CIFAR-100: labels, record size, missing batches', () => {
    const bad = cifar10Records(12);
    bad[5 * 3073] = 10;
    expect(() => parseCifar10Records(bad, 'test_batch.bin')).toThrow(new DatasetError('test_batch.bin: label 10 > 9 at record 5'));
    expect(() => parseCifar10Records(cifar100Records(3), 'test_batch.bin')).toThrow(
      'test_batch.bin: 9222 bytes is not a whole number of 3073-byte CIFAR-10 records',
    );
    const { 'data_batch_3.bin': _, ...four } = batches(4);
    expect(() => loadCifarArchive(archive({ ...four, 'test_batch.bin': cifar10Records(5) }), 'c10.tar.gz')).toThrow(
      /^c10\.tar\.gz: missing data_batch_3\.bin for CIFAR-10 \(found: /,
    );
  });
});

describe('full-size archive', () => {
  it('loads 50,000 + 10,000 CIFAR-100 records quickly (timing printed, not asserted)', () => {
    // 64 distinct noisy images reused across records (more than deflate's 32 kB window), and
    // Huffman-only compression: fast to build, and inflating it is the literal-decoding work
    // that dominates real CIFAR (whose archive compresses only to ~90%).
    const templates = new Uint8Array(64 * IMAGE_BYTES);
    let s = 1;
    const rnd = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296;
    for (let j = 0; j < templates.length; j++) templates[j] = (96 + (rnd() + rnd() + rnd() + rnd()) * 16 + (j & 31)) & 0xff;
    const records = (n: number) => {
      const out = new Uint8Array(n * CIFAR100_RECORD_BYTES);
      for (let r = 0; r < n; r++) {
        const o = r * CIFAR100_RECORD_BYTES;
        out[o] = (r % 100) % 20;
        out[o + 1] = r % 100;
        const t = (r * 37) % 64;
        out.set(templates.subarray(t * IMAGE_BYTES, (t + 1) * IMAGE_BYTES), o + 2);
      }
      return out;
    };
    const tar = makeTar(cifar100Entries({ 'train.bin': records(50_000), 'test.bin': records(10_000) }));
    const gz = new Uint8Array(zlibGzip(tar, { level: 1, strategy: zlibConstants.Z_HUFFMAN_ONLY }));

    let t0 = performance.now();
    const { train, test } = loadCifarArchive(gz, 'cifar-100-binary.tar.gz');
    const loadMs = performance.now() - t0;
    expect(train.size).toBe(50_000);
    expect(test.size).toBe(10_000);
    expect(train.images[49_999 * IMAGE_BYTES + 5]).toBe(templates[((49_999 * 37) % 64) * IMAGE_BYTES + 5]);

    t0 = performance.now();
    gunzipFflate(gz, 'cifar-100-binary.tar.gz');
    const fflateMs = performance.now() - t0;
    const mb = (n: number) => (n / 1e6).toFixed(0);
    console.log(
      `full-size CIFAR-100 (${mb(tar.length)} MB tar, ${mb(gz.length)} MB gz): loadCifarArchive ${loadMs.toFixed(0)} ms in Node; ` +
        `gzip alone via fflate (browser fallback) ${fflateMs.toFixed(0)} ms`,
    );
  });
});
