import { gzipSync } from 'fflate';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset } from './node';
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
});
