// Image folders as .zip, .tar and .tar.gz, and the zip reader's own checks.
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { loadDatasetArchive, loadDatasetEntries } from './archive';
import { classFolder, solidJpeg, zipOf } from './image-test-helpers';
import { nodeImageDecoder } from './nodeDecoder';
import { FINE_NAMES, cifar100Records, makeTar, sameBytes } from './test-helpers';
import { DatasetError, IMAGE_BYTES } from './types';
import { readZipDirectory, readZipEntry } from './zip';

const decoder = nodeImageDecoder({ maxPixelsPerImage: 25e6 });
const entries = [
  ...classFolder('birds/train/', ['owl', 'crow', 'wren'], [4, 3, 2]),
  ...classFolder('birds/test/', ['owl', 'crow', 'wren'], [1, 2, 1], (c) => solidJpeg(c)),
];
const tarOf = (es: typeof entries) => makeTar(es.map((e) => ({ name: e.path, data: e.bytes })));

describe('loadDatasetArchive: image folders', () => {
  it('a zip (deflated or stored), a tar and a tar.gz of one folder give the same dataset as its files', async () => {
    const direct = await loadDatasetEntries(entries, 'birds', { decoder });
    expect(direct.kind).toBe('image-folder');
    expect(direct.splits.train.classNames).toEqual(['crow', 'owl', 'wren']);
    expect([direct.splits.train.size, direct.splits.test.size]).toEqual([9, 4]);
    for (const [what, bytes] of [
      ['zip', zipOf(entries, ['birds/', 'birds/train/'])],
      ['stored zip', zipOf(entries, [], 0)],
      ['tar', tarOf(entries)],
      ['tar.gz', gzipSync(tarOf(entries))],
    ] as const) {
      const r = await loadDatasetArchive(bytes, 'birds', { decoder });
      expect(r.kind, what).toBe('image-folder');
      expect(r.layout, what).toBe('train-test');
      expect(r.skipped, what).toEqual([]);
      for (const s of ['train', 'test'] as const) {
        expect(r.splits[s].classNames, what).toEqual(direct.splits[s].classNames);
        expect(Array.from(r.splits[s].labels), what).toEqual(Array.from(direct.splits[s].labels));
        expect(sameBytes(r.splits[s].images, direct.splits[s].images), what).toBe(true);
      }
    }
  });

  it('an empty class folder in a zip is named', async () => {
    const zip = zipOf(classFolder('', ['a', 'b'], [2, 2]), ['c/']);
    await expect(loadDatasetArchive(zip, 'x.zip', { decoder })).rejects.toThrow(new DatasetError('x.zip: empty class folder c/'));
  });

  it('a corrupt zip entry is skipped and named, the rest loads', async () => {
    const zip = zipOf(classFolder('', ['a', 'b'], [3, 3]), [], 0);
    const dir = readZipDirectory(zip, 'x.zip');
    const victim = dir.entries.find((e) => e.path === 'b/img_1.png')!;
    const local = victim.localOffset + 30 + victim.path.length;
    zip[local + 40] ^= 0xff; // inside the stored PNG: the zip's CRC-32 no longer matches
    const r = await loadDatasetArchive(zip, 'x.zip', { decoder });
    expect(r.skipped).toEqual([{ path: 'b/img_1.png', reason: 'x.zip: zip entry "b/img_1.png": CRC-32 mismatch (corrupt data)' }]);
    expect(r.splits.train.size + r.splits.test.size).toBe(5);
  });

  it('checks the declared sizes against the limit before inflating any entry', async () => {
    const zip = zipOf(classFolder('', ['a', 'b'], [3, 3]));
    const total = readZipDirectory(zip).entries.reduce((n, e) => n + e.size, 0);
    await expect(loadDatasetArchive(zip, 'x.zip', { decoder, limits: { maxTotalBytes: total - 1 } })).rejects.toThrow(
      new DatasetError(`x.zip: ${total} bytes of images, more than the limit of ${total - 1} bytes`),
    );
    await expect(loadDatasetArchive(zip, 'x.zip', { decoder, limits: { maxFiles: 5 } })).rejects.toThrow(new DatasetError('x.zip: 6 zip entries, more than the limit of 5'));
    // A tar.gz is bounded while it decompresses.
    const gz = gzipSync(tarOf(entries));
    await expect(loadDatasetArchive(gz, 'b.tar.gz', { decoder, limits: { maxTotalBytes: 4096 } })).rejects.toThrow(/^b\.tar\.gz decompresses to more than 4096 bytes/);
  });

  it('still reads CIFAR binaries, and names bytes that are no archive', async () => {
    const tar = makeTar([
      { name: 'cifar-100-binary/train.bin', data: cifar100Records(6) },
      { name: 'cifar-100-binary/test.bin', data: cifar100Records(2) },
      { name: 'cifar-100-binary/fine_label_names.txt', data: FINE_NAMES.join('\n') },
    ]);
    const r = await loadDatasetArchive(gzipSync(tar), 'c.tar.gz', { decoder });
    expect(r.kind).toBe('cifar');
    expect(r.splits.train.size).toBe(6);
    expect(r.splits.train.images.length).toBe(6 * IMAGE_BYTES);
    await expect(loadDatasetArchive(new TextEncoder().encode('just some text. '.repeat(40)), 'n.bin', { decoder })).rejects.toThrow(
      new DatasetError('n.bin: not a CIFAR archive or an image-folder archive (neither zip, gzip nor tar)'),
    );
  });
});

describe('readZipDirectory / readZipEntry', () => {
  const zip = zipOf([{ path: 'a/1.txt', bytes: new TextEncoder().encode('hello '.repeat(50)) }], ['a/']);

  it('lists entries and directories and inflates with the CRC checked', () => {
    const dir = readZipDirectory(zip, 'z.zip');
    expect(dir.entries.map((e) => [e.path, e.directory, e.size])).toEqual([['a/', true, 0], ['a/1.txt', false, 300]]);
    expect(new TextDecoder().decode(readZipEntry(dir, dir.entries[1]))).toBe('hello '.repeat(50));
  });

  it('names truncation, a bad directory and an entry that lies about its size', () => {
    expect(() => readZipDirectory(zip.subarray(0, zip.length - 10), 'z.zip')).toThrow(new DatasetError('z.zip: not a zip archive, or truncated (no end-of-directory record)'));
    expect(() => readZipDirectory(zip.subarray(0, 10), 'z.zip')).toThrow(new DatasetError('z.zip: truncated zip (10 bytes, no end-of-directory record)'));
    const moved = zip.slice();
    const e = moved.length - 22;
    new DataView(moved.buffer).setUint32(e + 16, 3, true); // central directory offset
    expect(() => readZipDirectory(moved, 'z.zip')).toThrow(/^z\.zip: corrupt zip central directory \(entry 0 at byte 3\)$/);
    const dir = readZipDirectory(zip, 'z.zip');
    const lying = { ...dir.entries[1], size: 299 };
    expect(() => readZipEntry(dir, lying)).toThrow(new DatasetError('z.zip: zip entry "a/1.txt": inflates to more than the 299 bytes it declares'));
    expect(() => readZipEntry(dir, { ...dir.entries[1], size: 301 })).toThrow(new DatasetError('z.zip: zip entry "a/1.txt": inflates to 300 bytes, not the 301 bytes it declares'));
    expect(() => readZipEntry(dir, { ...dir.entries[1], method: 12 })).toThrow(/compression method 12 is not supported/);
    expect(() => readZipEntry(dir, { ...dir.entries[1], flags: 1 })).toThrow(/encrypted entries are not supported/);
  });
});
