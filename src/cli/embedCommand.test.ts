// npm run embed, in-process on the built-in data (CPU backend): the Projector's files, the PCA
// plot and the neighbours, for a run's weights.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../data/node';
import { selectSubsetSplits } from '../data/subset';
import { parseConfig } from '../engine/config';
import { pooledFeatures } from '../engine/probe';
import * as tf from '../engine/tf';
import { Trainer } from '../engine/trainer';
import { UsageError } from './args';
import { embedCommand } from './embedCommand';

const dir = mkdtempSync(join(tmpdir(), 'sparsejepa-embed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run embed', () => {
  it('writes the test split’s embeddings and metadata for TensorBoard’s Projector, the PCA plot and each image’s neighbours', async () => {
    const config = parseConfig({ dataset: 'synthetic:4', preset: 'micro', mode: 'sparse', seed: 2, batchSize: 4, subset: { perClass: 6 } });
    const data = selectSubsetSplits(loadDataset('synthetic:4', 2), config.subset, 2, 5); // 5 test images a class, as --test-per-class 5
    const t = Trainer.create(config, data);
    await t.step();
    const weights = join(dir, 'w.safetensors');
    writeFileSync(weights, await t.exportSafetensors());
    const want = await pooledFeatures(t, data.test);
    t.dispose();

    const before = tf.memory().numTensors;
    const out = join(dir, 'e');
    const printed: string[] = [];
    const s = await embedCommand(['--weights', weights, '--out', out, '--backend', 'cpu', '--neighbours', '3', '--test-per-class', '5'], (l) => printed.push(l));
    expect(tf.memory().numTensors).toBe(before);
    const n = data.test.size;
    expect(s).toMatchObject({ images: n, dim: 64, neighbours: 3, step: 1 });
    expect(JSON.parse(printed[0])).toEqual(JSON.parse(JSON.stringify(s)));
    const rows = readFileSync(join(out, 'embeddings.tsv'), 'utf8').trimEnd().split('\n');
    expect(rows).toHaveLength(n);
    const first = rows[0].split('\t').map(Number);
    expect(first).toHaveLength(64);
    first.forEach((v, d) => expect(v).toBeCloseTo(want[d], 5)); // the probe's own features
    const meta = readFileSync(join(out, 'metadata.tsv'), 'utf8').trimEnd().split('\n');
    expect(meta[0]).toBe('index\tlabel\tclass');
    expect(meta).toHaveLength(n + 1);
    expect(meta[1]).toBe(`0\t${data.test.labels[0]}\t${data.test.classNames[data.test.labels[0]]}`);
    const svg = readFileSync(join(out, 'pca.svg'), 'utf8');
    expect(svg).toMatch(/^<svg /);
    expect(svg.match(/<circle cx=.* r="2.5"/g)).toHaveLength(n);
    expect(svg).toContain('PC1 (');
    const nb = JSON.parse(readFileSync(join(out, 'neighbours.json'), 'utf8')) as { k: number; images: { index: number; neighbours: { index: number; similarity: number }[] }[] };
    expect(nb.k).toBe(3);
    expect(nb.images).toHaveLength(n);
    const same = nb.images.reduce((a, img) => a + img.neighbours.filter((x) => data.test.labels[x.index] === data.test.labels[img.index]).length, 0);
    expect(s.sameClass).toBeCloseTo(same / (n * 3), 12);
    for (const img of nb.images) {
      expect(img.neighbours.map((x) => x.index)).not.toContain(img.index);
      const sims = img.neighbours.map((x) => x.similarity);
      expect([...sims].sort((a, b) => b - a)).toEqual(sims);
    }
  });

  it('refuses a missing or unreadable weights file in one line', async () => {
    await expect(embedCommand(['--out', dir])).rejects.toThrow(UsageError);
    await expect(embedCommand(['--weights', join(dir, 'nope.safetensors'), '--out', dir])).rejects.toThrow(/--weights: file not found/);
    const bad = join(dir, 'bad.safetensors');
    writeFileSync(bad, new Uint8Array([1, 2, 3]));
    await expect(embedCommand(['--weights', bad, '--out', dir])).rejects.toThrow(/is not a readable \.safetensors file/);
  });
});
