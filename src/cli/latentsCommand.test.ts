// npm run latents, in-process on the built-in data (CPU backend): latents.png and latents.json for
// weights trained a few steps here.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../data/node';
import { selectSubsetSplits } from '../data/subset';
import { parseConfig } from '../engine/config';
import * as tf from '../engine/tf';
import { UsageError } from './args';
import { gridSize } from './latentsPng';
import { latentsCommand } from './latentsCommand';
import { weightsAfter } from './probeTestKit';

const dir = mkdtempSync(join(tmpdir(), 'sparsejepa-latents-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sparse = parseConfig({ dataset: 'synthetic:4', preset: 'micro', mode: 'sparse', batchSize: 4, seed: 2, subset: { perClass: 6 } });

interface Json {
  kind: string;
  space: number;
  images: number;
  step: number;
  units: { unit: number; groups: number[]; top: { imageIndex: number; row: number; col: number; value: number; class: string }[] }[];
  groups: { group: number; latents: number[] }[];
  norms: number[][] | null;
}

describe('npm run latents', () => {
  it('SparseJEPA: a row per latent in latents.png (its crops, its groups’ map) and the same in latents.json', async () => {
    const weights = await weightsAfter(sparse, 3, join(dir, 'sparse.safetensors'));
    const out = join(dir, 's');
    const printed: string[] = [];
    const before = tf.memory().numTensors;
    const s = await latentsCommand(['--weights', weights, '--out', out, '--backend', 'cpu', '--test-per-class', '3', '--top', '4'], (l) => printed.push(l));
    expect(tf.memory().numTensors).toBe(before);
    expect(JSON.parse(printed[0])).toEqual(JSON.parse(JSON.stringify(s)));
    const K = 32;
    const test = selectSubsetSplits(loadDataset('synthetic:4', 2), sparse.subset, 2, 3).test; // as --test-per-class 3 selects it
    expect(s).toMatchObject({ kind: 'latents', mode: 'sparse', units: K, top: 4, images: 12, step: 3 });
    const json = JSON.parse(readFileSync(join(out, 'latents.json'), 'utf8')) as Json;
    expect(json).toMatchObject({ kind: 'latents', space: K, images: 12, step: 3 });
    expect(json.units).toHaveLength(K);
    expect(json.groups).toHaveLength(16);
    for (const u of json.units) {
      expect(u.top).toHaveLength(4);
      expect(u.top.map((t) => t.value)).toEqual([...u.top.map((t) => t.value)].sort((a, b) => b - a));
      for (const t of u.top) expect(t.class).toBe(test.classNames[test.labels[t.imageIndex]]);
      for (const g of u.groups) expect(json.norms![g][u.unit]).toBeGreaterThanOrEqual(0.01);
    }
    expect(s.unread).toBe(json.units.filter((u) => u.groups.length === 0).length);
    // PNG: map column + 4 crops of 12×12 pixels ×4, 4 px gaps; 32 rows.
    const png = PNG.sync.read(readFileSync(join(out, 'latents.png')));
    const cell = 48;
    expect(png.width).toBe(4 + 5 * (cell + 4));
    expect(png.height).toBe(4 + K * (cell + 4));
    expect(s.png).toEqual({ width: png.width, height: png.height });
    // The first crop of the first row is the image's pixels around that patch (upscaled ×4).
    const t0 = json.units[0].top[0];
    const px = (x: number, y: number) => Array.from(png.data.subarray(4 * (y * png.width + x), 4 * (y * png.width + x) + 3));
    const x0 = 4 + cell + 4;
    const y0 = 4;
    // Crop pixel (5, 5), drawn at (4·5 + 2, 4·5 + 2), is the patch's pixel (1, 1): image pixel (4·row + 1, 4·col + 1).
    const plane = 32 * 32;
    const at = (c: number) => test.images[t0.imageIndex * 3 * plane + c * plane + (4 * t0.row + 1) * 32 + 4 * t0.col + 1];
    expect(px(x0 + 22, y0 + 22)).toEqual([at(0), at(1), at(2)]);
    expect(px(x0 + 4 * 4, y0 + 4 * 4 + 6)).toEqual([255, 40, 40]); // the patch's outline
  });

  it('JEPA: the top M target-encoder dimensions by variance, no groups', async () => {
    const weights = await weightsAfter(parseConfig({ ...sparse, mode: 'jepa' }), 1, join(dir, 'jepa.safetensors'));
    const out = join(dir, 'j');
    const s = await latentsCommand(['--weights', weights, '--out', out, '--backend', 'cpu', '--test-per-class', '2', '--top', '3', '--dimensions', '5'], () => {});
    expect(s).toMatchObject({ kind: 'dimensions', mode: 'jepa', units: 5, top: 3, images: 8 });
    expect(s).not.toHaveProperty('unread');
    const json = JSON.parse(readFileSync(join(out, 'latents.json'), 'utf8')) as Json;
    expect(json.space).toBe(64);
    expect(json.norms).toBeNull();
    const png = PNG.sync.read(readFileSync(join(out, 'latents.png')));
    expect({ width: png.width, height: png.height }).toEqual({ width: 4 + 3 * 52, height: 4 + 5 * 52 });
    expect(gridSize({ ...json, patchSize: 4, norms: null } as never, 3).width).toBe(png.width);
  });

  it('refuses a missing, unreadable or ill-fitting weights file and a bad dataset in one line', async () => {
    await expect(latentsCommand(['--out', dir])).rejects.toThrow(UsageError);
    await expect(latentsCommand(['--weights', join(dir, 'nope.safetensors'), '--out', dir])).rejects.toThrow(/--weights: file not found/);
    const bad = join(dir, 'bad.safetensors');
    writeFileSync(bad, new Uint8Array([1, 2, 3]));
    await expect(latentsCommand(['--weights', bad, '--out', dir])).rejects.toThrow(/is not a readable \.safetensors file/);
    const weights = await weightsAfter(sparse, 0, join(dir, 'w0.safetensors'));
    await expect(latentsCommand(['--weights', weights])).rejects.toThrow('--out DIR is required');
    await expect(latentsCommand(['--weights', weights, '--out', dir, '--top', '0'])).rejects.toThrow("--top: expected a whole number ≥ 1, got '0'");
    const before = tf.memory().numTensors;
    const wrong = await latentsCommand(['--weights', weights, '--out', dir, '--backend', 'cpu', '--preset', 'small'], () => {}).then(() => null, (e: Error) => e.message);
    expect(wrong).toMatch(/has shape \[64,3,4,4\], this model expects \[192,3,4,4\]/);
    expect(wrong).not.toContain('\n');
    expect(tf.memory().numTensors).toBe(before); // the refused trainer was disposed
    await expect(latentsCommand(['--weights', weights, '--out', dir, '--backend', 'cpu', '--dataset', join(dir, 'no-such-folder')])).rejects.toThrow(/dataset path not found/);
  });
});
