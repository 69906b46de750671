import { describe, expect, it } from 'vitest';
import { builtInDataset, isBuiltInDataset } from './builtin';
import { COUNTING_GAP, countingDataset, countingScene } from './counting';
import { sameBytes } from './test-helpers';
import { DatasetError, IMAGE_BYTES, type ImageDataset } from './types';

/**
 * Objects counted from the pixels alone: pixels whose colour differs from the image's median
 * colour (the background: objects cover well under half of it) by more than 30 levels in some
 * channel, grouped into 8-connected blobs. Returns each blob's centroid.
 */
function blobsOf(ds: ImageDataset, i: number): { x: number; y: number; n: number }[] {
  const im = ds.images.subarray(i * IMAGE_BYTES, (i + 1) * IMAGE_BYTES);
  const median = [0, 1, 2].map((c) => Array.from(im.subarray(c * 1024, (c + 1) * 1024)).sort((a, b) => a - b)[512]);
  const fg = new Uint8Array(1024);
  for (let p = 0; p < 1024; p++) fg[p] = [0, 1, 2].some((c) => Math.abs(im[c * 1024 + p] - median[c]) > 30) ? 1 : 0;
  const seen = new Uint8Array(1024);
  const blobs: { x: number; y: number; n: number }[] = [];
  for (let p = 0; p < 1024; p++) {
    if (!fg[p] || seen[p]) continue;
    const stack = [p];
    seen[p] = 1;
    let sx = 0;
    let sy = 0;
    let n = 0;
    while (stack.length) {
      const q = stack.pop()!;
      const x = q % 32;
      const y = (q - x) / 32;
      sx += x + 0.5;
      sy += y + 0.5;
      n++;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          const ny = y + dy;
          const r = ny * 32 + nx;
          if (nx >= 0 && nx < 32 && ny >= 0 && ny < 32 && fg[r] && !seen[r]) {
            seen[r] = 1;
            stack.push(r);
          }
        }
      }
    }
    blobs.push({ x: sx / n, y: sy / n, n });
  }
  return blobs;
}

describe('countingDataset', () => {
  it('labels are counts: class c holds c + 1 objects, named "1".."N", balanced and interleaved', () => {
    const { train, test } = countingDataset({ seed: 4, maxObjects: 6, trainPerClass: 5, testPerClass: 2 });
    expect(train.classNames).toEqual(['1', '2', '3', '4', '5', '6']);
    expect([train.size, test.size]).toEqual([30, 12]);
    expect(Array.from(train.labels.subarray(0, 12))).toEqual([0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5]);
    expect(train.name).toBe('counting/train');
  });

  it('the generator’s record: as many objects as the label says, inside the image, none closer than the gap', () => {
    for (const N of [1, 5, 8, 10]) {
      for (let k = 0; k < 200; k++) {
        const s = countingScene(11, 0, k, N);
        expect(s.objects.length).toBe((k % N) + 1);
        for (const [a, o] of s.objects.entries()) {
          expect(o.cx - o.extent).toBeGreaterThanOrEqual(0);
          expect(o.cy + o.extent).toBeLessThanOrEqual(32);
          for (const p of s.objects.slice(a + 1)) expect(Math.hypot(o.cx - p.cx, o.cy - p.cy)).toBeGreaterThanOrEqual(o.extent + p.extent + COUNTING_GAP);
        }
      }
    }
  });

  it('the pixels show as many separate objects as the label says, each where the record puts one', () => {
    for (const N of [4, 8, 10]) {
      const { train } = countingDataset({ seed: 2, maxObjects: N, trainPerClass: 25, testPerClass: 1 });
      for (let i = 0; i < train.size; i++) {
        const blobs = blobsOf(train, i);
        expect(blobs.length, `counting:${N} image ${i}`).toBe(train.labels[i] + 1);
        const scene = countingScene(2, 0, i, N);
        for (const o of scene.objects) expect(blobs.some((b) => Math.hypot(b.x - o.cx, b.y - o.cy) < o.extent)).toBe(true);
      }
    }
  });

  it('object sizes do not give the count away: the same mean size at the lowest and the highest count', () => {
    for (const N of [8, 10]) {
      const meanRadius = (count: number) => {
        const r: number[] = [];
        for (let k = count - 1; k < 1500 * N; k += N) r.push(...countingScene(0, 0, k, N).objects.map((o) => o.r));
        return r.reduce((a, b) => a + b, 0) / r.length;
      };
      const [one, all] = [meanRadius(1), meanRadius(N)];
      expect(Math.abs(one - all) / all, `counting:${N}: mean radius ${one.toFixed(3)} with 1 object, ${all.toFixed(3)} with ${N}`).toBeLessThan(0.02);
    }
  });

  it('is deterministic from the seed', () => {
    const a = countingDataset({ seed: 9, trainPerClass: 3, testPerClass: 1 });
    const b = countingDataset({ seed: 9, trainPerClass: 3, testPerClass: 1 });
    const c = countingDataset({ seed: 10, trainPerClass: 3, testPerClass: 1 });
    expect(sameBytes(a.train.images, b.train.images)).toBe(true);
    expect(sameBytes(a.test.images, b.test.images)).toBe(true);
    expect(sameBytes(a.train.images, c.train.images)).toBe(false);
    expect(sameBytes(a.train.images.subarray(0, IMAGE_BYTES), a.test.images.subarray(0, IMAGE_BYTES))).toBe(false);
  });

  it('refuses a number of objects or a split size out of range', () => {
    expect(() => countingDataset({ seed: 0, maxObjects: 0 })).toThrow(DatasetError);
    expect(() => countingDataset({ seed: 0, maxObjects: 11 })).toThrow('counting dataset: the number of objects 11 must be a whole number in 1..10');
    expect(() => countingDataset({ seed: 0, trainPerClass: 0 })).toThrow('counting dataset: trainPerClass 0 must be a positive whole number');
  });
});

describe('built-in ids', () => {
  it('synthetic[:C] and counting[:N]; anything else is not built in', () => {
    expect(builtInDataset('counting')!.train.classNames).toHaveLength(8);
    expect(builtInDataset(' counting:3 ')!.test.size).toBe(300);
    expect(builtInDataset('synthetic:2')!.train.classNames).toHaveLength(2);
    expect(builtInDataset('counting.zip')).toBeUndefined();
    expect(isBuiltInDataset('counting:4')).toBe(true);
    expect(isBuiltInDataset('./counting')).toBe(false);
  });
});
