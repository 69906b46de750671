import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as data from './index';

describe('data index', () => {
  it('exports the browser-safe API', () => {
    for (const name of ['readTar', 'gunzip', 'loadCifarArchive', 'selectSubset', 'syntheticDataset', 'countingDataset', 'builtInDataset',
      'loadDatasetArchive', 'loadDatasetEntries', 'loadImageFolder', 'makePatchBatch', 'makeImageBatch', 'BatchSampler', 'DatasetError']) {
      expect(typeof (data as Record<string, unknown>)[name]).toBe('function');
    }
    expect(typeof data.browserImageDecoder.decode).toBe('function');
    expect(data.CIFAR100_MEAN).toEqual([0.5071, 0.4865, 0.4409]);
  });

  it('keeps Node modules out of every module a browser bundle may import', () => {
    const dir = import.meta.dirname;
    const nodeOnly = ['node.ts', 'nodeDecoder.ts', 'test-helpers.ts', 'image-test-helpers.ts'];
    const shared = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !nodeOnly.includes(f));
    expect(shared).toContain('index.ts');
    expect(shared).toContain('imageFolder.ts');
    for (const f of shared) {
      const src = readFileSync(join(dir, f), 'utf8');
      expect(src, f).not.toMatch(/from\s+['"](node:|fs|path|zlib|os|pngjs|jpeg-js)['"/]/);
      expect(src, f).not.toMatch(/from\s+['"]\.\/(node|nodeDecoder|test-helpers|image-test-helpers)['"]/);
    }
  });
});
