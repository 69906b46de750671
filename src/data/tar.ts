// A strict reader for ustar / GNU / pax tar archives, enough for dataset archives.
// Hand-written because the format is small and we want every malformed byte reported
// as a DatasetError naming the archive and entry, and to return views (no copies)
// into one decompressed buffer of ~180 MB.
import { DatasetError, quoted, showName } from './types';

const BLOCK = 512;
/**
 * Largest pax extended header or GNU long name read: 1 MiB (they hold a path and a few numbers).
 * Past ~512 MB, decoding one to a string would throw a plain Error from the JS engine.
 */
export const MAX_EXTENDED_HEADER_BYTES = 1 << 20;
/** Most tar headers read: dataset archives hold a dozen entries; this bounds the work a hostile one costs. */
export const MAX_TAR_ENTRIES = 100_000;
const utf8 = new TextDecoder('utf-8');

/** A NUL-terminated string field of a header. */
function readString(h: Uint8Array, off: number, len: number): string {
  let end = off;
  while (end < off + len && h[end] !== 0) end++;
  return utf8.decode(h.subarray(off, end));
}

/**
 * A numeric header field: octal digits padded by spaces/NULs, or GNU base-256
 * (high bit of the first byte set) for values that do not fit in octal.
 */
function readNumber(h: Uint8Array, off: number, len: number, what: string, where: () => string): number {
  if (h[off] & 0x80) {
    if (h[off] & 0x40) throw new DatasetError(`${where()}: negative base-256 ${what}`);
    let v = h[off] & 0x3f;
    for (let i = off + 1; i < off + len; i++) v = v * 256 + h[i];
    if (!Number.isSafeInteger(v)) throw new DatasetError(`${where()}: ${what} too large`);
    return v;
  }
  let i = off;
  const end = off + len;
  while (i < end && h[i] === 0x20) i++;
  let v = 0;
  let digits = 0;
  for (; i < end && h[i] >= 0x30 && h[i] <= 0x37; i++, digits++) v = v * 8 + (h[i] - 0x30);
  for (; i < end; i++) {
    if (h[i] !== 0 && h[i] !== 0x20) {
      const raw = JSON.stringify(String.fromCharCode(...h.subarray(off, end)));
      throw new DatasetError(`${where()}: ${what} field ${raw} is not octal`);
    }
  }
  if (digits === 0 && what === 'size') throw new DatasetError(`${where()}: empty size field`);
  return v;
}

/** Header checksum: byte sum with the checksum field read as spaces (unsigned, or the signed variant old tars wrote). */
function checksumMatches(h: Uint8Array, stored: number): boolean {
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : h[i];
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return stored === unsigned || stored === signed;
}

function isZeroBlock(h: Uint8Array): boolean {
  for (let i = 0; i < BLOCK; i++) if (h[i] !== 0) return false;
  return true;
}

/** Parse pax extended-header records ("<len> key=value\n"), keeping the keys we use. */
function parsePax(data: Uint8Array, where: string): { path?: string; size?: number } {
  const out: { path?: string; size?: number } = {};
  let pos = 0;
  while (pos < data.length) {
    let sp = pos;
    while (sp < data.length && data[sp] !== 0x20) sp++;
    const digits = utf8.decode(data.subarray(pos, sp));
    const len = /^[1-9]\d*$/.test(digits) ? Number(digits) : NaN; // Number() alone took "0x10", "1e1", "+5"
    if (!Number.isSafeInteger(len) || len <= sp - pos || pos + len > data.length || data[pos + len - 1] !== 0x0a) {
      // Some writers pad the pax data with NULs; anything else is malformed.
      if (data.subarray(pos).every((b) => b === 0)) break;
      throw new DatasetError(`${where}: malformed pax header record at byte ${pos}`);
    }
    const rec = utf8.decode(data.subarray(sp + 1, pos + len - 1));
    const eq = rec.indexOf('=');
    if (eq < 0) throw new DatasetError(`${where}: pax record without '=' at byte ${pos}`);
    const key = rec.slice(0, eq);
    const value = rec.slice(eq + 1);
    if (key === 'path') out.path = value;
    if (key === 'size') {
      const n = Number(value);
      if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw new DatasetError(`${where}: pax size ${quoted(value)} is not a whole number`);
      out.size = n;
    }
    pos += len;
  }
  return out;
}

/** Archive paths without a leading "./" or "/" so lookups by name work whatever tool made the tar. */
function normalisePath(p: string): string {
  return p.replace(/^(\.\/|\/)+/, '');
}

/**
 * Read every regular file of a tar archive. Values are subarray views of `bytes`.
 * Directories, links, devices and global pax headers are skipped; pax `path`/`size`
 * and GNU long names (type L) apply to the entry that follows them.
 * `archiveName` only labels error messages.
 */
export function readTar(bytes: Uint8Array, archiveName = 'tar archive'): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  let pos = 0;
  let pending: { path?: string; size?: number } = {};
  let sawEntry = false;
  let headers = 0;

  while (pos < bytes.length) {
    if (pos + BLOCK > bytes.length) {
      throw new DatasetError(`${archiveName}: truncated tar header at byte ${pos} (${bytes.length - pos} of 512 bytes present)`);
    }
    const h = bytes.subarray(pos, pos + BLOCK);
    if (isZeroBlock(h)) {
      // End of archive: two zero blocks, though some writers leave only one before EOF.
      const next = pos + BLOCK;
      if (next + BLOCK <= bytes.length && !isZeroBlock(bytes.subarray(next, next + BLOCK))) {
        throw new DatasetError(`${archiveName}: lone zero block at byte ${pos} followed by more data`);
      }
      if (pending.path !== undefined || pending.size !== undefined) {
        throw new DatasetError(`${archiveName}: archive ends after an extended header with no entry`);
      }
      return files;
    }

    const rawName = readString(h, 0, 100);
    const where = () => `${archiveName}: tar entry ${quoted(rawName)} at byte ${pos}`;
    let stored = -1; // a non-octal checksum field is just another mismatch
    try {
      stored = readNumber(h, 148, 8, 'checksum', where);
    } catch {
      /* keep -1 */
    }
    if (!checksumMatches(h, stored)) {
      throw new DatasetError(
        sawEntry
          ? `${archiveName}: bad tar header checksum at byte ${pos} (corrupt or truncated archive)`
          : `${archiveName}: not a tar archive (header checksum mismatch at byte 0)`,
      );
    }
    sawEntry = true;
    if (++headers > MAX_TAR_ENTRIES) throw new DatasetError(`${archiveName}: more than ${MAX_TAR_ENTRIES} tar entries, the limit for a dataset archive`);

    const magic = readString(h, 257, 6);
    const isUstar = magic === 'ustar' && h[263] === 0x30 && h[264] === 0x30; // POSIX "ustar\0" "00"
    const prefix = isUstar ? readString(h, 345, 155) : ''; // GNU tars use that area for other fields
    let name = prefix ? `${prefix}/${rawName}` : rawName;
    let size = readNumber(h, 124, 12, 'size', where);
    const type = String.fromCharCode(h[156] || 0x30);

    if (pending.path !== undefined) name = pending.path;
    if (pending.size !== undefined) size = pending.size;
    pending = {};

    const dataStart = pos + BLOCK;
    const present = Math.max(0, bytes.length - dataStart);
    if (size > present) {
      throw new DatasetError(`${archiveName}: truncated tar entry ${showName(normalisePath(name))} (claims ${size} bytes, ${present} present)`);
    }
    if ((type === 'x' || type === 'L') && size > MAX_EXTENDED_HEADER_BYTES) {
      throw new DatasetError(`${where()}: extended header of ${size} bytes is over the limit of ${MAX_EXTENDED_HEADER_BYTES} bytes`);
    }
    const data = bytes.subarray(dataStart, dataStart + size);
    pos = dataStart + Math.ceil(size / BLOCK) * BLOCK;

    switch (type) {
      case '0':
      case '7': // contiguous file: a regular file to every reader but one
        files.set(normalisePath(name), data);
        break;
      case 'x':
        pending = parsePax(data, where());
        break;
      case 'L': {
        pending = { path: readString(data, 0, data.length) };
        break;
      }
      // Directories, hard/sym links, devices, FIFOs, global pax ('g'), GNU long link ('K'):
      // nothing a dataset reader needs.
      default:
        break;
    }
  }
  // EOF without the end-of-archive blocks: tolerated (as GNU tar does) since every entry was whole.
  if (!sawEntry) throw new DatasetError(`${archiveName}: empty tar archive`);
  return files;
}
