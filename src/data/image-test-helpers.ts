// Test-only: small PNG and JPEG files written with the same packages the Node decoder reads
// them with (pngjs, jpeg-js), and image folders laid out as entries, zips and tars.
import { zipSync } from 'fflate';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import type { ImageFileEntry } from './imageFolder';

/** RGBA pixels of a w×h image from `colour(x, y)` → [r, g, b] or [r, g, b, a]. */
export function rgbaOf(w: number, h: number, colour: (x: number, y: number) => number[]): Uint8Array {
  const out = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const [r, g, b, a = 255] = colour(x, y);
      out.set([r, g, b, a], (y * w + x) * 4);
    }
  }
  return out;
}

export function pngOf(w: number, h: number, colour: (x: number, y: number) => number[]): Uint8Array {
  const png = new PNG({ width: w, height: h });
  png.data.set(rgbaOf(w, h, colour));
  return new Uint8Array(PNG.sync.write(png));
}

export function jpegOf(w: number, h: number, colour: (x: number, y: number) => number[], quality = 95): Uint8Array {
  return new Uint8Array(jpeg.encode({ width: w, height: h, data: rgbaOf(w, h, colour) }, quality).data);
}

/** A solid-colour PNG (or JPEG) of class `c`: colour (40·c, 255 − 40·c, 100). */
export const classColour = (c: number): [number, number, number] => [(40 * c) % 256, (255 - 40 * c + 256) % 256, 100];
export const solidPng = (c: number, w = 8, h = 8) => pngOf(w, h, () => classColour(c));
export const solidJpeg = (c: number, w = 16, h = 16) => jpegOf(w, h, () => classColour(c));

/** A zip of the entries (directories as names ending in '/'), stored or deflated. */
export function zipOf(entries: ImageFileEntry[], directories: string[] = [], level: 0 | 6 = 6): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  for (const d of directories) files[d.endsWith('/') ? d : `${d}/`] = new Uint8Array(0);
  for (const e of entries) files[e.path] = e.bytes;
  return zipSync(files, { level, mtime: new Date(2024, 0, 1) });
}

/** Entries of a class-per-folder layout: `perClass[c]` images of class `c` under `prefix<class name>/`. */
export function classFolder(prefix: string, names: string[], perClass: number[], image: (c: number, i: number) => Uint8Array = (c) => solidPng(c)): ImageFileEntry[] {
  return names.flatMap((n, c) => Array.from({ length: perClass[c] }, (_, i) => ({ path: `${prefix}${n}/img_${i}.png`, bytes: image(c, i) })));
}
