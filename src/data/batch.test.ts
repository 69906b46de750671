import { describe, expect, it } from 'vitest';
import { Rng } from '../shared/rng';
import { CIFAR100_MEAN, CIFAR100_STD, batchLabels, makeImageBatch, makePatchBatch, normalisePixel, numPatches } from './batch';
import { DatasetError, IMAGE_BYTES, type ImageDataset } from './types';

/** A dataset of blank images with chosen pixels set: [image, channel, y, x, value]. */
function handMade(count: number, pixels: [number, number, number, number, number][]): ImageDataset {
  const images = new Uint8Array(count * IMAGE_BYTES);
  for (const [i, c, y, x, v] of pixels) images[i * IMAGE_BYTES + c * 1024 + y * 32 + x] = v;
  return { name: 'hand-made', images, labels: Int32Array.from({ length: count }, (_, i) => i % 3), classNames: ['a', 'b', 'c'], size: count };
}

/** Element equality without vitest's slow deep equality on million-element arrays. */
const same = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((v, i) => v === b[i]);

/** An Rng that replays fixed draws: next() for the flip coin, int() for crop offsets. */
function scripted(nexts: number[], ints: number[]): Rng {
  return { next: () => nexts.shift()!, int: () => ints.shift()! } as unknown as Rng;
}

/** Index of pixel (c, y, x) of image b in the [B, N, 3·p·p] layout. */
const at = (b: number, c: number, y: number, x: number, p: number) =>
  b * IMAGE_BYTES + (Math.floor(y / p) * (32 / p) + Math.floor(x / p)) * 3 * p * p + c * p * p + (y % p) * p + (x % p);

/** The batch's nonzero pixels (entries that differ from their channel's padding value), as [c, y, x] per image. */
function litPixels(out: Float32Array, b: number, p: number): [number, number, number][] {
  const lit: [number, number, number][] = [];
  for (let c = 0; c < 3; c++)
    for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) if (out[at(b, c, y, x, p)] !== Math.fround(normalisePixel(0, c))) lit.push([c, y, x]);
  return lit;
}

describe('patch layout', () => {
  it('puts a known pixel at the computed patch and position with the normalised value', () => {
    const ds = handMade(2, [[1, 1, 5, 9, 200]]);
    const out = makeImageBatch(ds, [0, 1], 4);
    expect(out.length).toBe(2 * 64 * 48);
    // Pixel (G, y=5, x=9), p=4: patch row 1, col 2 → n = 10; in-patch index c·16 + 1·4 + 1 = 21.
    const i = 1 * 64 * 48 + 10 * 48 + 21;
    expect(out[i]).toBeCloseTo((200 / 255 - 0.4865) / 0.2564, 6);
    expect(i).toBe(at(1, 1, 5, 9, 4));
    expect(out[0]).toBeCloseTo(-0.5071 / 0.2673, 6); // a zero R pixel
    expect(out[32]).toBeCloseTo(-0.4409 / 0.2762, 6); // a zero B pixel (c=2 starts at 2·16)
    expect(litPixels(out, 1, 4)).toEqual([[1, 5, 9]]);
    expect(litPixels(out, 0, 4)).toEqual([]);
  });

  it('matches a PyTorch Conv2d patch embedding with weight [D, 3, p, p] flattened row-major', () => {
    const rng = new Rng(5);
    const images = Uint8Array.from({ length: IMAGE_BYTES }, () => rng.int(256));
    const ds: ImageDataset = { name: 'r', images, labels: new Int32Array(1), classNames: ['x'], size: 1 };
    for (const p of [2, 4, 8]) {
      const out = makeImageBatch(ds, [0], p);
      const g = 32 / p;
      const w = Float64Array.from({ length: 3 * p * p }, () => rng.normal()); // one output channel's weight[3][p][p]
      for (const [py, px] of [[0, 0], [g - 1, 1], [1, g - 1], [g - 1, g - 1]]) {
        let conv = 0; // Conv2d(stride=p) output at (py, px), computed from the image directly
        for (let c = 0; c < 3; c++)
          for (let i = 0; i < p; i++)
            for (let j = 0; j < p; j++) {
              const x = (images[c * 1024 + (py * p + i) * 32 + px * p + j] / 255 - CIFAR100_MEAN[c]) / CIFAR100_STD[c];
              conv += w[(c * p + i) * p + j] * x;
            }
        const patch = out.subarray((py * g + px) * 3 * p * p, (py * g + px + 1) * 3 * p * p);
        const dot = patch.reduce((s, v, k) => s + v * w[k], 0);
        expect(dot).toBeCloseTo(conv, 3);
      }
      expect(numPatches(p)).toBe(g * g);
    }
  });

  it('without augmentation, makePatchBatch equals makeImageBatch and draws nothing', () => {
    const ds = handMade(3, [[2, 0, 31, 0, 17], [0, 2, 0, 31, 255]]);
    const rng = new Rng(1);
    const before = rng.state;
    expect(makePatchBatch(ds, [2, 0], { patchSize: 8, flip: false, cropPad: 0 }, rng)).toEqual(makeImageBatch(ds, [2, 0], 8));
    expect(rng.state).toBe(before);
    expect(batchLabels(ds, [2, 0, 1])).toEqual(Int32Array.from([2, 0, 1]));
  });
});

describe('augmentation', () => {
  const ds = handMade(1, [[0, 0, 5, 9, 255]]);
  const opts = (flip: boolean, cropPad: number) => ({ patchSize: 4, flip, cropPad });

  it('flips horizontally when the coin says so', () => {
    expect(litPixels(makePatchBatch(ds, [0], opts(true, 0), scripted([0.2], [])), 0, 4)).toEqual([[0, 5, 22]]);
    expect(litPixels(makePatchBatch(ds, [0], opts(true, 0), scripted([0.7], [])), 0, 4)).toEqual([[0, 5, 9]]);
  });

  it('crops from the zero-padded image', () => {
    // pad 4, offset (0, 0): the image shifts right/down by 4; offset (8, 8): up/left by 4.
    expect(litPixels(makePatchBatch(ds, [0], opts(false, 4), scripted([], [0, 0])), 0, 4)).toEqual([[0, 9, 13]]);
    expect(litPixels(makePatchBatch(ds, [0], opts(false, 4), scripted([], [8, 8])), 0, 4)).toEqual([[0, 1, 5]]);
    expect(litPixels(makePatchBatch(ds, [0], opts(false, 4), scripted([], [4, 4])), 0, 4)).toEqual([[0, 5, 9]]);
    // Shifted far enough, the pixel leaves the crop; the uncovered border is padding (raw 0).
    const gone = makePatchBatch(handMade(1, [[0, 0, 2, 2, 255]]), [0], opts(false, 4), scripted([], [8, 8]));
    expect(litPixels(gone, 0, 4)).toEqual([]);
  });

  it('pads with zeros, not edge pixels', () => {
    const white = handMade(1, []);
    white.images.fill(255);
    const out = makePatchBatch(white, [0], opts(false, 2), scripted([], [0, 0])); // shift right/down by 2
    expect(out[at(0, 0, 0, 10, 4)]).toBeCloseTo(normalisePixel(0, 0), 6);
    expect(out[at(0, 0, 10, 1, 4)]).toBeCloseTo(normalisePixel(0, 0), 6);
    expect(out[at(0, 0, 2, 2, 4)]).toBeCloseTo(normalisePixel(255, 0), 6);
  });

  it('crops, then flips', () => {
    expect(litPixels(makePatchBatch(ds, [0], opts(true, 4), scripted([0.1], [8, 8])), 0, 4)).toEqual([[0, 1, 26]]);
  });

  it('draws flips with p = 0.5 and every crop offset, reproducibly from the seed', () => {
    // One lit pixel at (y=16, x=4), pad 2. Unflipped it lands at x = 6 − dx ∈ [2, 6]; flipped,
    // 31 − x + dx − 2 = 4 gives x = 25 + dx ∈ [25, 29]; and y = 18 − dy either way.
    const many = handMade(400, Array.from({ length: 400 }, (_, i) => [i, 0, 16, 4, 255] as [number, number, number, number, number]));
    const idx = Array.from({ length: 400 }, (_, i) => i);
    const a = makePatchBatch(many, idx, opts(true, 2), new Rng(9));
    expect(same(makePatchBatch(many, idx, opts(true, 2), new Rng(9)), a)).toBe(true);
    expect(same(makePatchBatch(many, idx, opts(true, 2), new Rng(10)), a)).toBe(false);
    let flips = 0;
    const offsets = new Set<string>();
    for (let b = 0; b < 400; b++) {
      const lit = litPixels(a, b, 4);
      expect(lit.length).toBe(1);
      const [[, y, x]] = lit;
      const flipped = x > 16;
      if (flipped) flips++;
      offsets.add(`${flipped ? x - 25 : 6 - x},${18 - y}`);
    }
    expect(flips / 400).toBeGreaterThan(0.4);
    expect(flips / 400).toBeLessThan(0.6);
    expect(offsets.size).toBe(25); // dx, dy each in 0..4
    for (const o of offsets) expect(o).toMatch(/^[0-4],[0-4]$/);
  });

  it('rejects bad patch sizes and indices', () => {
    expect(() => makeImageBatch(ds, [0], 5)).toThrow(new DatasetError('patch size 5 does not divide the 32-pixel image'));
    expect(() => makeImageBatch(ds, [1], 4)).toThrow('index 1 out of range for hand-made (1 images)');
  });
});
