// gzip decoding via fflate, with the checks fflate leaves out: its gunzipSync trusts the
// trailer's length to size the output (a truncated file makes that a random number up to
// 4 GB) and never verifies the CRC, so we parse the header and trailer ourselves.
import { inflateSync } from 'fflate';
import { crc32 } from './crc32';
import { DatasetError } from './types';

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

/** Decompress a single-member gzip stream, verifying its length and CRC-32. `name` labels errors. */
export function gunzip(bytes: Uint8Array, name: string): Uint8Array {
  const start = deflateStart(bytes, name);
  const body = bytes.subarray(start, bytes.length - 8);
  const t = bytes.length - 8;
  const storedCrc = (bytes[t] | (bytes[t + 1] << 8) | (bytes[t + 2] << 16) | (bytes[t + 3] << 24)) >>> 0;
  const storedSize = (bytes[t + 4] | (bytes[t + 5] << 8) | (bytes[t + 6] << 16) | (bytes[t + 7] << 24)) >>> 0;

  // One spare byte: an output that fills it means the stream holds more than the trailer says.
  const hint = storedSize <= body.length * MAX_DEFLATE_RATIO + 1024 ? new Uint8Array(storedSize + 1) : undefined;
  let out: Uint8Array;
  try {
    out = inflateSync(body, hint ? { out: hint } : undefined);
  } catch (e) {
    // fflate throws RangeError when a stored block overflows the trailer-sized buffer.
    if (e instanceof RangeError) {
      throw new DatasetError(`${name} is not a valid gzip stream: decompresses to more than the trailer's ${storedSize} bytes`);
    }
    const why = e instanceof Error ? e.message : String(e);
    const hintTrunc = why === 'unexpected EOF' ? ' (file truncated?)' : '';
    throw new DatasetError(`${name} is not a valid gzip stream: ${why}${hintTrunc}`);
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
