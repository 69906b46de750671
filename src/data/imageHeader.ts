// Format and size of an image file from its first bytes, before any decoding: the image-folder
// reader refuses a file that is not a PNG, JPEG or WebP, and one over the pixel limit, without
// handing it to a decoder (which would allocate width × height × 4 bytes first).
import { DatasetError, showName } from './types';

export type ImageFormat = 'png' | 'jpeg' | 'webp';

export interface ImageHeader {
  format: ImageFormat;
  width: number;
  height: number;
}

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp'] as const;

/** True when the file name ends in one of IMAGE_EXTENSIONS (any case). */
export function hasImageExtension(path: string): boolean {
  const p = path.toLowerCase();
  return IMAGE_EXTENSIONS.some((e) => p.endsWith(e));
}

const be16 = (b: Uint8Array, o: number) => (b[o] << 8) | b[o + 1];
const be32 = (b: Uint8Array, o: number) => ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
const le16 = (b: Uint8Array, o: number) => b[o] | (b[o + 1] << 8);
const le24 = (b: Uint8Array, o: number) => b[o] | (b[o + 1] << 8) | (b[o + 2] << 16);
const ascii = (b: Uint8Array, o: number, n: number) => String.fromCharCode(...b.subarray(o, o + n));

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** PNG: the 8-byte signature, then the IHDR chunk (length 13) with big-endian width and height. */
function pngHeader(b: Uint8Array, name: string): ImageHeader {
  if (b.length < 24) throw new DatasetError(`${name}: truncated PNG (${b.length} bytes, no IHDR chunk)`);
  if (ascii(b, 12, 4) !== 'IHDR') throw new DatasetError(`${name}: corrupt PNG (first chunk is not IHDR)`);
  return { format: 'png', width: be32(b, 16), height: be32(b, 20) };
}

/** Start-of-frame markers that carry the image size (C0–CF except DHT C4, JPG C8, DAC CC). */
const isStartOfFrame = (m: number) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;

/** JPEG: walk the marker segments after SOI to the first start-of-frame, which holds height and width. */
function jpegHeader(b: Uint8Array, name: string): ImageHeader {
  let p = 2;
  for (;;) {
    while (p < b.length && b[p] === 0xff && b[p + 1] === 0xff) p++; // fill bytes
    if (p + 4 > b.length) throw new DatasetError(`${name}: truncated JPEG (no frame header in ${b.length} bytes)`);
    if (b[p] !== 0xff) throw new DatasetError(`${name}: corrupt JPEG (expected a marker at byte ${p})`);
    const marker = b[p + 1];
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      p += 2; // markers without a length
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) throw new DatasetError(`${name}: corrupt JPEG (no frame header before the image data)`);
    const len = be16(b, p + 2);
    if (len < 2) throw new DatasetError(`${name}: corrupt JPEG (segment length ${len} at byte ${p})`);
    if (isStartOfFrame(marker)) {
      if (p + 9 > b.length) throw new DatasetError(`${name}: truncated JPEG (frame header cut at byte ${b.length})`);
      const height = be16(b, p + 5);
      const width = be16(b, p + 7);
      if (height === 0) throw new DatasetError(`${name}: JPEG with its height in a DNL marker is not supported`);
      return { format: 'jpeg', width, height };
    }
    p += 2 + len;
  }
}

/** WebP: RIFF/WEBP, then a VP8 (lossy), VP8L (lossless) or VP8X (extended) chunk with the canvas size. */
function webpHeader(b: Uint8Array, name: string): ImageHeader {
  if (b.length < 30) throw new DatasetError(`${name}: truncated WebP (${b.length} bytes)`);
  const chunk = ascii(b, 12, 4);
  const d = 20; // chunk data
  if (chunk === 'VP8 ') {
    if (b[d + 3] !== 0x9d || b[d + 4] !== 0x01 || b[d + 5] !== 0x2a) throw new DatasetError(`${name}: corrupt WebP (no VP8 start code)`);
    return { format: 'webp', width: le16(b, d + 6) & 0x3fff, height: le16(b, d + 8) & 0x3fff };
  }
  if (chunk === 'VP8L') {
    if (b[d] !== 0x2f) throw new DatasetError(`${name}: corrupt WebP (no VP8L signature)`);
    const bits = (b[d + 1] | (b[d + 2] << 8) | (b[d + 3] << 16) | (b[d + 4] << 24)) >>> 0;
    return { format: 'webp', width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X') return { format: 'webp', width: le24(b, d + 4) + 1, height: le24(b, d + 7) + 1 };
  throw new DatasetError(`${name}: corrupt WebP (unknown first chunk ${JSON.stringify(chunk)})`);
}

/**
 * The format and size of an image from its header; throws DatasetError naming `path` when the
 * bytes are not a PNG, JPEG or WebP (naming GIF, BMP and TIFF when they are one of those), are
 * truncated before the size, or claim a zero size.
 */
export function readImageHeader(bytes: Uint8Array, path: string): ImageHeader {
  const name = showName(path);
  const b = bytes;
  if (b.length === 0) throw new DatasetError(`${name}: empty file`);
  let h: ImageHeader;
  if (PNG_SIGNATURE.every((v, i) => b[i] === v)) h = pngHeader(b, name);
  else if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) h = jpegHeader(b, name);
  else if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') h = webpHeader(b, name);
  else {
    const other = ascii(b, 0, 3) === 'GIF' ? 'a GIF' : ascii(b, 0, 2) === 'BM' ? 'a BMP' : ascii(b, 0, 2) === 'II' || ascii(b, 0, 2) === 'MM' ? 'a TIFF' : '';
    throw new DatasetError(other ? `${name}: ${other} image (only PNG, JPEG and WebP are read)` : `${name}: not a PNG, JPEG or WebP image`);
  }
  if (h.width === 0 || h.height === 0) throw new DatasetError(`${name}: corrupt ${h.format.toUpperCase()} (size ${h.width}×${h.height})`);
  return h;
}
