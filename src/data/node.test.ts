import { gzipSync } from 'fflate';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { classFolder, solidJpeg, zipOf } from './image-test-helpers';
import { loadDataset, openDataset } from './node';
import { COARSE_NAMES, FINE_NAMES, cifar100Records, cifar10Records, makeTar, pixelOf } from './test-helpers';
import { DatasetError, IMAGE_BYTES } from './types';

const dir = mkdtempSync(join(tmpdir(), 'data-node-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadDataset', () => {
  it('builds the synthetic dataset, optionally with a class count', () => {
    const a = loadDataset('synthetic', 2);
    expect(a.train.size).toBe(5000);
    expect(a.train.classNames.length).toBe(10);
    expect(loadDataset('synthetic:4', 2).test.size).toBe(400);
  });

  it('loads a .tar.gz and a .tar archive from disk', () => {
    const tar = makeTar([
      { name: 'cifar-100-binary/train.bin', data: cifar100Records(40) },
      { name: 'cifar-100-binary/test.bin', data: cifar100Records(10) },
      { name: 'cifar-100-binary/fine_label_names.txt', data: FINE_NAMES.join('\n') },
    ]);
    writeFileSync(join(dir, 'cifar-100-binary.tar.gz'), gzipSync(tar));
    writeFileSync(join(dir, 'cifar-100-binary.tar'), tar);
    for (const f of ['cifar-100-binary.tar.gz', 'cifar-100-binary.tar']) {
      const { train, test } = loadDataset(join(dir, f));
      expect(train.size).toBe(40);
      expect(test.size).toBe(10);
      expect(train.classNames[5]).toBe('fine_5');
      expect(train.images[39 * IMAGE_BYTES + 100]).toBe(pixelOf(39, 100));
      expect(train.images).not.toBeInstanceOf(Buffer);
    }
  });

  it('loads a directory of CIFAR-100 files, or the parent of an extracted archive', () => {
    const d = join(dir, 'extracted');
    mkdirSync(join(d, 'cifar-100-binary'), { recursive: true });
    writeFileSync(join(d, 'cifar-100-binary', 'train.bin'), cifar100Records(20));
    writeFileSync(join(d, 'cifar-100-binary', 'test.bin'), cifar100Records(5));
    writeFileSync(join(d, 'cifar-100-binary', 'coarse_label_names.txt'), COARSE_NAMES.join('\n'));
    for (const path of [join(d, 'cifar-100-binary'), d]) {
      const { train, test } = loadDataset(path);
      expect(train.size).toBe(20);
      expect(test.size).toBe(5);
      expect(train.coarseNames![19]).toBe('coarse_19');
    }
  });

  it('loads a directory of CIFAR-10 batches', () => {
    const d = join(dir, 'cifar-10-batches-bin');
    mkdirSync(d);
    for (let k = 1; k <= 5; k++) writeFileSync(join(d, `data_batch_${k}.bin`), cifar10Records(6));
    writeFileSync(join(d, 'test_batch.bin'), cifar10Records(4));
    const { train, test } = loadDataset(d);
    expect(train.size).toBe(30);
    expect(test.size).toBe(4);
    expect(train.name).toBe('cifar-10/train');
  });

  it('names a missing path and a directory without CIFAR files', () => {
    const missing = join(dir, 'nope.tar.gz');
    expect(() => loadDataset(missing)).toThrow(new DatasetError(`dataset path not found: ${missing}`));
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    expect(() => loadDataset(empty)).toThrow(/no CIFAR files found/);
  });

  it('knows the counting set by id', () => {
    const c = loadDataset('counting:3', 1);
    expect(c.train.classNames).toEqual(['1', '2', '3']);
    expect(c.train.size).toBe(1500);
    expect(() => loadDataset('counting:11')).toThrow(/must be a whole number in 1\.\.10/);
  });
});

describe('openDataset: image folders on disk', () => {
  const writeAll = (root: string, es: { path: string; bytes: Uint8Array }[]) => {
    for (const e of es) {
      mkdirSync(join(root, e.path, '..'), { recursive: true });
      writeFileSync(join(root, e.path), e.bytes);
    }
  };

  it('a directory of class folders: listed and planned before reading, bad files skipped, links not followed', async () => {
    const root = join(dir, 'flowers');
    writeAll(root, [...classFolder('', ['rose', 'tulip'], [5, 4]), { path: 'tulip/t.jpg', bytes: solidJpeg(1) }, { path: 'rose/broken.png', bytes: new Uint8Array([0x89, 0x50]) }]);
    writeFileSync(join(root, '.DS_Store'), 'x');
    mkdirSync(join(root, 'rose', 'more'));
    symlinkSync(join(root, 'tulip'), join(root, 'rose', 'loop'));
    const seen: number[] = [];
    const r = await openDataset(root, 0, { onProgress: (p) => seen.push(p.done), progressEveryMs: 0 });
    expect(r.kind).toBe('image-folder');
    expect(r.layout).toBe('split');
    expect(r.splits.train.classNames).toEqual(['rose', 'tulip']);
    expect(r.splits.train.size + r.splits.test.size).toBe(10);
    expect(r.splits.train.name).toBe('flowers/train');
    expect(r.skipped).toEqual([
      { path: 'rose/broken.png', reason: 'not a PNG, JPEG or WebP image' },
      { path: 'rose/loop', reason: 'symbolic link (not followed)' },
    ].sort((a, b) => r.skipped.findIndex((s) => s.path === a.path) - r.skipped.findIndex((s) => s.path === b.path)));
    expect(seen.at(-1)).toBe(11);
  });

  it('an image .zip on disk, and a directory over the file limit', async () => {
    const zipPath = join(dir, 'flowers.zip');
    writeFileSync(zipPath, zipOf(classFolder('flowers/', ['rose', 'tulip'], [3, 3])));
    const r = await openDataset(zipPath);
    expect(r.splits.train.classNames).toEqual(['rose', 'tulip']);
    expect(r.splits.test.name).toBe('flowers.zip/test');
    await expect(openDataset(join(dir, 'flowers'), 0, { limits: { maxFiles: 4 } })).rejects.toThrow(/more than 4 files and folders, the limit for a dataset folder$/);
    await expect(openDataset(zipPath, 0, { limits: { maxTotalBytes: 100 } })).rejects.toThrow(/flowers\.zip: \d+ bytes, more than the limit of 100 for a dataset file$/);
  });

  it('an empty directory is no dataset; CIFAR directories and built-in ids still open', async () => {
    const empty = join(dir, 'nothing');
    mkdirSync(empty);
    await expect(openDataset(empty)).rejects.toThrow(new DatasetError('nothing: no images (.png, .jpg, .jpeg, .webp) found; it is empty'));
    expect((await openDataset('counting:2')).kind).toBe('built-in');
    expect((await openDataset(join(dir, 'cifar-10-batches-bin'))).kind).toBe('cifar');
  });
});
