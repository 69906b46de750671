// Node-only image decoding for the image-folder reader: pngjs (PNG, every bit depth, palette and
// interlace) and jpeg-js (baseline and progressive JPEG), both pure JavaScript. WebP is refused:
// npm has no well-kept pure-JS WebP decoder (the maintained ones are libwebp compiled to WASM,
// made for browsers), and the page decodes WebP with the browser's own decoder.
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import type { ImageDecoder } from './imageDecoder';

export interface NodeDecoderLimits {
  /** Passed to jpeg-js, which checks it from the frame header before allocating. */
  maxPixelsPerImage: number;
}

/**
 * The decoder's own message; but a TypeError or RangeError is the decoder tripping over malformed
 * data (jpeg-js: "Cannot set properties of undefined"), which says nothing about the file.
 */
const reason = (e: unknown) =>
  e instanceof TypeError || e instanceof RangeError ? `the decoder failed on malformed data: ${e.name}` : e instanceof Error ? e.message : String(e);

/** pngjs and jpeg-js behind the ImageDecoder interface; errors say which format failed and why. */
export function nodeImageDecoder(limits: NodeDecoderLimits): ImageDecoder {
  return {
    decode(bytes, format) {
      if (format === 'webp') {
        throw new Error('WebP is not decoded in Node (no well-kept pure-JS decoder); convert it to PNG or JPEG, or load the folder in the page');
      }
      if (format === 'png') {
        let png: PNG;
        try {
          png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
        } catch (e) {
          // pngjs's sync reader says only this when the data stops early.
          if (/waitng on finished stream|waiting on finished stream|ran out of data/i.test(reason(e))) throw new Error('truncated PNG (the image data ends early)');
          throw new Error(`corrupt or truncated PNG (${reason(e)})`);
        }
        const d = png.data;
        return { width: png.width, height: png.height, rgba: new Uint8Array(d.buffer, d.byteOffset, d.byteLength) };
      }
      try {
        const img = jpeg.decode(bytes, {
          useTArray: true,
          formatAsRGBA: true,
          tolerantDecoding: false, // a truncated file is an error, not a grey bottom half
          maxResolutionInMP: limits.maxPixelsPerImage / 1e6,
          maxMemoryUsageInMB: Math.ceil((limits.maxPixelsPerImage * 4 * 3) / 2 ** 20) + 64,
        });
        return { width: img.width, height: img.height, rgba: img.data };
      } catch (e) {
        throw new Error(`corrupt or truncated JPEG (${reason(e)})`);
      }
    },
  };
}
