// gzip decoding. In Node we use the native zlib (≈3× faster than JS inflate on a 160 MB
// CIFAR archive); elsewhere fflate, with the checks fflate leaves out: its gunzipSync trusts
// the trailer's length to size the output (a truncated file makes that a random number up
// to 4 GB) and never verifies the CRC, so we parse the header and trailer ourselves.
import { Inflate, inflateSync } from 'fflate';
import { concatBytes } from '../shared/bytes';
import { crc32 } from './crc32';
import { DatasetError } from './types';

/** The one error every decoder reports, with a hint when the stream simply stopped early. */
function gzipError(name: string, e: unknown): DatasetError {
  const why = e instanceof Error ? e.message : String(e);
  const hint = /unexpected (EOF|end)/i.test(why) ? ' (file truncated?)' : '';
  return new DatasetError(`${name} is not a valid gzip stream: ${why}${hint}`);
}

/**
 * Most bytes a gzip stream may decompress to: 1 GiB, ~5× CIFAR-100's 184 MB tar. A few MB of
 * gzip can expand ~1000× (a "zip bomb"); every decoder here stops at this limit, before
 * allocating more, and says so.
 */
export const MAX_DECOMPRESSED_BYTES = 2 ** 30;

function tooLarge(name: string, maxBytes: number): DatasetError {
  const mib = maxBytes / 2 ** 20;
  const human = mib >= 1 && Number.isInteger(mib) ? ` (${mib >= 1024 && mib % 1024 === 0 ? `${mib / 1024} GiB` : `${mib} MiB`})` : '';
  return new DatasetError(`${name} decompresses to more than ${maxBytes} bytes${human}, the limit for a dataset archive`);
}

/** gzip streams start with 1f 8b (and method 8 = deflate). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Byte offset where the deflate data starts, after the optional header fields. */
function deflateStart(bytes: Uint8Array, name: string): number {
  if (bytes.length < 18) throw new DatasetError(`${name} is not a valid gzip stream: only ${bytes.length} bytes`);
  if (!isGzip(bytes)) throw new DatasetError(`${name} is not a valid gzip stream: missing 1f 8b magic bytes`);
  if (bytes[2] !== 8) throw new DatasetError(`${name} is not a valid gzip stream: compression method ${bytes[2]} is not deflate`);
  const flags = bytes[3];
  let pos = 10;
  if (flags & 4) pos += 2 + (bytes[10] | (bytes[11] << 8)); // FEXTRA
  for (const bit of [8, 16]) {
    // FNAME, FCOMMENT: NUL-terminated
    if (flags & bit) {
      while (pos < bytes.length && bytes[pos] !== 0) pos++;
      pos++;
    }
  }
  if (flags & 2) pos += 2; // FHCRC
  if (pos + 8 > bytes.length) throw new DatasetError(`${name} is not a valid gzip stream: header runs past the end`);
  return pos;
}

// Deflate cannot expand data more than ~1032×; a trailer claiming more is not trusted as a size hint.
const MAX_DEFLATE_RATIO = 1032;
// Input fed to the streaming decoder at a time: each step can produce at most ~66 MB.
const STREAM_STEP = 1 << 16;

/**
 * Inflate without a trusted size: fflate's streaming decoder fed in steps, stopping as soon as
 * the output passes `maxBytes` (inflateSync would grow its buffer without bound).
 */
function inflateCapped(body: Uint8Array, name: string, maxBytes: number): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const inflater = new Inflate((chunk: Uint8Array) => {
    total += chunk.length;
    if (total > maxBytes) throw tooLarge(name, maxBytes);
    chunks.push(chunk);
  });
  let p = 0;
  do {
    const end = Math.min(p + STREAM_STEP, body.length);
    inflater.push(body.subarray(p, end), end === body.length);
    p = end;
  } while (p < body.length);
  if (chunks.length === 1) return chunks[0];
  return concatBytes(chunks);
}

/**
 * Decompress a single-member gzip stream with fflate, verifying its length and CRC-32. `name`
 * labels errors; output past `maxBytes` is refused.
 */
export function gunzipFflate(bytes: Uint8Array, name: string, maxBytes = MAX_DECOMPRESSED_BYTES): Uint8Array {
  const start = deflateStart(bytes, name);
  const body = bytes.subarray(start, bytes.length - 8);
  const t = bytes.length - 8;
  const storedCrc = (bytes[t] | (bytes[t + 1] << 8) | (bytes[t + 2] << 16) | (bytes[t + 3] << 24)) >>> 0;
  const storedSize = (bytes[t + 4] | (bytes[t + 5] << 8) | (bytes[t + 6] << 16) | (bytes[t + 7] << 24)) >>> 0;

  // One spare byte: an output that fills it means the stream holds more than the trailer says.
  // A trailer that is implausible (a truncated file ends in random bytes) or over the limit is
  // not trusted as an allocation: then the streaming decoder runs, capped at the limit.
  let hint: Uint8Array | undefined;
  if (storedSize <= Math.min(body.length * MAX_DEFLATE_RATIO + 1024, maxBytes)) {
    try {
      hint = new Uint8Array(storedSize + 1);
    } catch {
      hint = undefined; // allocation refused: decode capped instead
    }
  }
  let out: Uint8Array;
  try {
    out = hint ? inflateSync(body, { out: hint }) : inflateCapped(body, name, maxBytes);
  } catch (e) {
    if (e instanceof DatasetError) throw e;
    // fflate throws RangeError when a stored block overflows the trailer-sized buffer.
    if (e instanceof RangeError) {
      throw new DatasetError(`${name} is not a valid gzip stream: decompresses to more than the trailer's ${storedSize} bytes`);
    }
    throw gzipError(name, e);
  }
  if (out.length % 2 ** 32 !== storedSize || (hint && out.length > storedSize)) {
    throw new DatasetError(
      `${name} is not a valid gzip stream: trailer says ${storedSize} bytes, decompressed ${hint && out.length > storedSize ? 'more' : out.length}` +
        ' (truncated, corrupt, or a multi-member gzip)',
    );
  }
  if (crc32(out) !== storedCrc) throw new DatasetError(`${name} is not a valid gzip stream: CRC-32 mismatch (corrupt data)`);
  return out;
}

interface NativeZlib {
  gunzipSync(b: Uint8Array, opts?: { maxOutputLength?: number }): Uint8Array;
}

/**
 * Node's zlib without importing it: `process.getBuiltinModule` (Node ≥ 20.16) is a plain
 * runtime lookup, so this module stays loadable in a browser or Web Worker, where it is undefined.
 */
function nativeZlib(): NativeZlib | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return proc?.getBuiltinModule?.('node:zlib') as NativeZlib | undefined;
}

/**
 * Decompress gzip bytes (native zlib in Node, fflate elsewhere); throws DatasetError naming
 * `name`, also when the output would pass `maxBytes`.
 */
export function gunzip(bytes: Uint8Array, name: string, maxBytes = MAX_DECOMPRESSED_BYTES): Uint8Array {
  const zlib = nativeZlib();
  if (!zlib) return gunzipFflate(bytes, name, maxBytes);
  if (!isGzip(bytes)) throw new DatasetError(`${name} is not a valid gzip stream: missing 1f 8b magic bytes`);
  try {
    const out = zlib.gunzipSync(bytes, { maxOutputLength: maxBytes }); // checks CRC and length itself
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength); // a plain view, not a Buffer
  } catch (e) {
    if ((e as { code?: unknown })?.code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(name, maxBytes);
    throw gzipError(name, e);
  }
}

/**
 * The browser's native gzip decoder (DecompressionStream, in Chrome ≥ 80 and Node ≥ 18):
 * ~3× faster than fflate on CIFAR-100's 160 MB, and it checks CRC and length itself.
 */
export async function gunzipStream(bytes: Uint8Array, name: string, maxBytes = MAX_DECOMPRESSED_BYTES): Promise<Uint8Array> {
  if (!isGzip(bytes)) throw new DatasetError(`${name} is not a valid gzip stream: missing 1f 8b magic bytes`);
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    const reader = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip')).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge(name, maxBytes);
      }
      chunks.push(value);
    }
  } catch (e) {
    if (e instanceof DatasetError) throw e;
    throw gzipError(name, e);
  }
  return concatBytes(chunks);
}

/** Decompress gzip bytes by the fastest decoder this runtime has (native zlib, DecompressionStream, fflate). */
export async function gunzipAsync(bytes: Uint8Array, name: string, maxBytes = MAX_DECOMPRESSED_BYTES): Promise<Uint8Array> {
  if (nativeZlib() || typeof DecompressionStream === 'undefined') return gunzip(bytes, name, maxBytes);
  return gunzipStream(bytes, name, maxBytes);
}
