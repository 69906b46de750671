// How the image-folder reader turns file bytes into pixels. The reader is the same everywhere;
// the decoder is the runtime's: in the browser (page or Web Worker) createImageBitmap +
// OffscreenCanvas, in Node pure-JS packages (./nodeDecoder, imported only by ./node).
import type { ImageFormat } from './imageHeader';

export interface DecodedImage {
  width: number;
  height: number;
  /** width × height × 4 bytes, RGBA, row-major, not premultiplied. */
  rgba: Uint8Array | Uint8ClampedArray;
}

export interface ImageDecoder {
  /** Decode one file whose header said `format`; throw (any error) when it cannot. `path` labels messages. */
  decode(bytes: Uint8Array, format: ImageFormat, path: string): DecodedImage | Promise<DecodedImage>;
}

const MIME: Record<ImageFormat, string> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' };

/**
 * The browser's decoders (PNG, JPEG, WebP): createImageBitmap, drawn at full size on an
 * OffscreenCanvas and read back. No colour-space conversion or premultiplication, so the
 * pixels are the file's own, as the Node decoders give them.
 */
export const browserImageDecoder: ImageDecoder = {
  async decode(bytes, format) {
    const blob = new Blob([bytes as Uint8Array<ArrayBuffer>], { type: MIME[format] });
    let bitmap: ImageBitmap;
    try {
      bitmap = await createImageBitmap(blob, { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
    } catch (e) {
      // Chrome says only "The source image could not be decoded."
      throw new Error(`the browser could not decode this ${format.toUpperCase()} (${e instanceof Error ? e.message : String(e)})`);
    }
    try {
      const { width, height } = bitmap;
      const canvas = new OffscreenCanvas(width, height);
      const ctx = canvas.getContext('2d', { willReadFrequently: true });
      if (!ctx) throw new Error('no 2D context on an OffscreenCanvas');
      ctx.drawImage(bitmap, 0, 0);
      return { width, height, rgba: ctx.getImageData(0, 0, width, height).data };
    } finally {
      bitmap.close();
    }
  },
};
