import { describe, expect, it } from 'vitest';
import { jpegOf, pngOf } from './image-test-helpers';
import { readImageHeader } from './imageHeader';
import { areaWeights, centreCropResize } from './resize';
import { DatasetError } from './types';

const enc = new TextEncoder();
const riff = (chunk: string, body: number[]) => {
  const b = new Uint8Array(30);
  b.set(enc.encode('RIFF'), 0);
  b.set(enc.encode(`WEBP${chunk}`), 8);
  b.set(body, 20);
  return b;
};

describe('readImageHeader', () => {
  it('reads the format and size of PNG, JPEG and the three WebP kinds', () => {
    expect(readImageHeader(pngOf(37, 5, () => [0, 0, 0]), 'a.png')).toEqual({ format: 'png', width: 37, height: 5 });
    expect(readImageHeader(jpegOf(19, 33, () => [9, 9, 9]), 'a.jpg')).toEqual({ format: 'jpeg', width: 19, height: 33 });
    // VP8 (lossy): frame tag, start code 9d 01 2a, 14-bit width and height.
    expect(readImageHeader(riff('VP8 ', [0, 0, 0, 0x9d, 0x01, 0x2a, 300 & 0xff, 300 >> 8, 200 & 0xff, 200 >> 8]), 'x.webp')).toEqual({ format: 'webp', width: 300, height: 200 });
    // VP8L (lossless): signature 2f, then (width - 1) | (height - 1) << 14.
    const bits = 99 | (49 << 14);
    expect(readImageHeader(riff('VP8L', [0x2f, bits & 0xff, (bits >> 8) & 0xff, (bits >> 16) & 0xff, bits >>> 24]), 'x.webp')).toEqual({ format: 'webp', width: 100, height: 50 });
    // VP8X (extended): 24-bit width - 1 and height - 1 after 4 bytes of flags.
    expect(readImageHeader(riff('VP8X', [0, 0, 0, 0, 0xff, 0x0f, 0, 0x0f, 0, 0]), 'x.webp')).toEqual({ format: 'webp', width: 4096, height: 16 });
  });

  it('names the file and what is wrong', () => {
    const fail = (b: Uint8Array) => {
      try {
        readImageHeader(b, 'dir/f.png');
      } catch (e) {
        expect(e).toBeInstanceOf(DatasetError);
        return (e as Error).message;
      }
      throw new Error('no error');
    };
    expect(fail(new Uint8Array(0))).toBe('dir/f.png: empty file');
    expect(fail(enc.encode('GIF89a....'))).toBe('dir/f.png: a GIF image (only PNG, JPEG and WebP are read)');
    expect(fail(enc.encode('BM......'))).toBe('dir/f.png: a BMP image (only PNG, JPEG and WebP are read)');
    expect(fail(enc.encode('<html>'))).toBe('dir/f.png: not a PNG, JPEG or WebP image');
    expect(fail(pngOf(4, 4, () => [0, 0, 0]).subarray(0, 20))).toBe('dir/f.png: truncated PNG (20 bytes, no IHDR chunk)');
    expect(fail(jpegOf(4, 4, () => [0, 0, 0]).subarray(0, 40))).toMatch(/^dir\/f\.png: truncated JPEG/);
    const zero = pngOf(4, 4, () => [0, 0, 0]);
    zero.fill(0, 16, 20);
    expect(fail(zero)).toBe('dir/f.png: corrupt PNG (size 0×4)');
    expect(fail(riff('ABCD', []))).toBe('dir/f.png: corrupt WebP (unknown first chunk "ABCD")');
  });
});

describe('centreCropResize', () => {
  const planar = (out: Uint8Array, ch: number, x: number, y: number) => out[ch * 1024 + y * 32 + x];

  it('area weights cover each output pixel with weight 1, also when enlarging', () => {
    for (const [len, out] of [[100, 32], [64, 32], [32, 32], [7, 32], [1, 32]]) {
      const w = areaWeights(0, len, out);
      for (let i = 0; i < out; i++) {
        let sum = 0;
        for (let k = w.start[i]; k < w.start[i + 1]; k++) sum += w.weight[k];
        expect(sum).toBeCloseTo(1, 12);
      }
    }
  });

  it('a 2× downscale is the mean of each 2×2 block; a 2× enlargement repeats each pixel', () => {
    const out = new Uint8Array(3072);
    const big = new Uint8Array(64 * 64 * 4);
    for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) big.set([(x * 4 + y) & 0xff, x % 2 ? 200 : 100, 0, 255], (y * 64 + x) * 4);
    centreCropResize(big, 64, 64, out);
    expect(planar(out, 0, 3, 5)).toBe(Math.round(((6 * 4 + 10) + (7 * 4 + 10) + (6 * 4 + 11) + (7 * 4 + 11)) / 4));
    expect(planar(out, 1, 9, 9)).toBe(150);
    const small = new Uint8Array(16 * 16 * 4);
    for (let p = 0; p < 256; p++) small.set([p, 255 - p, 7, 255], p * 4);
    centreCropResize(small, 16, 16, out);
    for (const [x, y] of [[0, 0], [5, 9], [15, 15]]) {
      for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]]) expect(planar(out, 0, 2 * x + dx, 2 * y + dy)).toBe(y * 16 + x);
    }
  });

  it('crops the centre square of a tall image', () => {
    // 10 wide, 30 tall: rows 10..19 are the crop; mark them green, the rest red.
    const rgba = new Uint8Array(10 * 30 * 4);
    for (let y = 0; y < 30; y++) for (let x = 0; x < 10; x++) rgba.set(y >= 10 && y < 20 ? [0, 255, 0, 255] : [255, 0, 0, 255], (y * 10 + x) * 4);
    const out = new Uint8Array(3072);
    centreCropResize(rgba, 10, 30, out);
    expect(out.subarray(0, 1024).every((v) => v === 0)).toBe(true);
    expect(out.subarray(1024, 2048).every((v) => v === 255)).toBe(true);
  });
});
