// A strict .zip reader for image-folder datasets. The central directory is parsed here (names,
// sizes, offsets; zip64 included) so that limits are checked on the declared sizes before any
// entry is inflated; fflate inflates one entry at a time into a buffer of its declared size
// (plus one byte, to catch an entry that inflates to more), and the CRC-32 is verified
// (fflate's unzipSync trusts the sizes and skips the CRC). Structural damage is a DatasetError
// naming the archive; a bad entry is a DatasetError naming the entry, thrown only when it is read.
import { inflateSync } from 'fflate';
import { crc32 } from './crc32';
import { DatasetError, quoted, showName } from './types';

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX_COMMENT = 0xffff;

export interface ZipEntry {
  path: string;
  /** Declared uncompressed size. */
  size: number;
  compressedSize: number;
  /** 0 stored, 8 deflate; others are refused when read. */
  method: number;
  flags: number;
  crc: number;
  /** Offset of the local header. */
  localOffset: number;
  directory: boolean;
}

export interface ZipDirectory {
  name: string;
  bytes: Uint8Array;
  entries: ZipEntry[];
}

/** Zip archives start with a local header, or are empty (only the end record). */
export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && ((bytes[2] === 3 && bytes[3] === 4) || (bytes[2] === 5 && bytes[3] === 6));
}

const u16 = (b: Uint8Array, o: number) => b[o] | (b[o + 1] << 8);
const u32 = (b: Uint8Array, o: number) => (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
function u64(b: Uint8Array, o: number, where: () => string, what: string): number {
  const v = u32(b, o) + u32(b, o + 4) * 2 ** 32;
  if (!Number.isSafeInteger(v)) throw new DatasetError(`${where()}: zip64 ${what} too large`);
  return v;
}
const utf8 = new TextDecoder('utf-8');

/** The end-of-central-directory record: the last signature within the comment's reach of the end. */
function findEnd(b: Uint8Array, name: string): number {
  if (b.length < 22) throw new DatasetError(`${name}: truncated zip (${b.length} bytes, no end-of-directory record)`);
  const stop = Math.max(0, b.length - 22 - MAX_COMMENT);
  for (let e = b.length - 22; e >= stop; e--) if (u32(b, e) === EOCD) return e;
  throw new DatasetError(`${name}: not a zip archive, or truncated (no end-of-directory record)`);
}

/** Where the central directory is and how many entries it lists, from the end record (zip64 when it says so). */
function centralDirectory(b: Uint8Array, e: number, name: string): { count: number; offset: number; size: number } {
  const where = () => `${name}: zip end record`;
  if (u16(b, e + 4) !== 0 || u16(b, e + 6) !== 0) throw new DatasetError(`${name}: multi-part (spanned) zip archives are not supported`);
  let count = u16(b, e + 10);
  let size = u32(b, e + 12);
  let offset = u32(b, e + 16);
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    const loc = e - 20;
    if (loc < 0 || u32(b, loc) !== ZIP64_LOCATOR) throw new DatasetError(`${where()}: says zip64 but has no zip64 locator`);
    const z = u64(b, loc + 8, where, 'end record offset');
    if (z + 56 > loc || u32(b, z) !== ZIP64_EOCD) throw new DatasetError(`${where()}: zip64 end record missing at byte ${z}`);
    count = u64(b, z + 32, where, 'entry count');
    size = u64(b, z + 40, where, 'directory size');
    offset = u64(b, z + 48, where, 'directory offset');
  }
  if (offset + size > e) throw new DatasetError(`${name}: central directory (${size} bytes at ${offset}) runs past the end record at ${e} (truncated or corrupt zip)`);
  if (count * 46 > size) throw new DatasetError(`${name}: ${count} entries cannot fit in a ${size}-byte central directory`);
  return { count, offset, size };
}

/** zip64 extra field (id 1): 64-bit values for whichever 32-bit fields hold 0xFFFFFFFF, in this order. */
function zip64Fields(b: Uint8Array, at: number, len: number, need: ('size' | 'compressedSize' | 'localOffset')[], where: () => string): Record<string, number> {
  const out: Record<string, number> = {};
  if (need.length === 0) return out;
  for (let p = at; p + 4 <= at + len; ) {
    const id = u16(b, p);
    const n = u16(b, p + 2);
    if (p + 4 + n > at + len) break;
    if (id === 1) {
      if (n < need.length * 8) throw new DatasetError(`${where()}: zip64 extra field too short`);
      need.forEach((k, i) => (out[k] = u64(b, p + 4 + i * 8, where, k)));
      return out;
    }
    p += 4 + n;
  }
  throw new DatasetError(`${where()}: sizes say zip64 but there is no zip64 extra field`);
}

/**
 * List a zip archive's entries from its central directory. Throws DatasetError naming `name` when
 * the archive is truncated, spanned, or its directory is inconsistent, or lists more than `maxEntries`.
 */
export function readZipDirectory(bytes: Uint8Array, name = 'zip archive', maxEntries = Infinity): ZipDirectory {
  const label = showName(name);
  const e = findEnd(bytes, label);
  const { count, offset, size } = centralDirectory(bytes, e, label);
  if (count > maxEntries) throw new DatasetError(`${label}: ${count} zip entries, more than the limit of ${maxEntries}`);
  const entries: ZipEntry[] = [];
  let p = offset;
  for (let i = 0; i < count; i++) {
    const at = p;
    if (p + 46 > offset + size || u32(bytes, p) !== CENTRAL) throw new DatasetError(`${label}: corrupt zip central directory (entry ${i} at byte ${at})`);
    const nameLen = u16(bytes, p + 28);
    const extraLen = u16(bytes, p + 30);
    const commentLen = u16(bytes, p + 32);
    const end = p + 46 + nameLen + extraLen + commentLen;
    if (end > offset + size) throw new DatasetError(`${label}: corrupt zip central directory (entry ${i} runs past it)`);
    const rawName = bytes.subarray(p + 46, p + 46 + nameLen);
    const path = utf8.decode(rawName); // UTF-8 whether or not flag bit 11 says so: what current archivers write
    const where = () => `${label}: zip entry ${quoted(path)}`;
    let entrySize = u32(bytes, p + 24);
    let compressedSize = u32(bytes, p + 20);
    let localOffset = u32(bytes, p + 42);
    const need = ([['size', entrySize], ['compressedSize', compressedSize], ['localOffset', localOffset]] as const)
      .filter(([, v]) => v === 0xffffffff)
      .map(([k]) => k);
    const z = zip64Fields(bytes, p + 46 + nameLen, extraLen, need, where);
    entrySize = z.size ?? entrySize;
    compressedSize = z.compressedSize ?? compressedSize;
    localOffset = z.localOffset ?? localOffset;
    if (localOffset + 30 > offset) throw new DatasetError(`${where()}: local header offset ${localOffset} is past the file data`);
    entries.push({
      path,
      size: entrySize,
      compressedSize,
      method: u16(bytes, p + 10),
      flags: u16(bytes, p + 8),
      crc: u32(bytes, p + 16),
      localOffset,
      directory: path.endsWith('/') || path.endsWith('\\'),
    });
    p = end;
  }
  return { name, bytes, entries };
}

/**
 * One entry's bytes: stored or deflated, inflated into its declared size and checked against its
 * CRC-32. Throws DatasetError naming the entry when it is encrypted, uses another method, runs
 * past the archive, or does not inflate to its declared size and CRC.
 */
export function readZipEntry(zip: ZipDirectory, entry: ZipEntry): Uint8Array {
  const b = zip.bytes;
  const where = `${showName(zip.name)}: zip entry ${quoted(entry.path)}`;
  if (entry.flags & 1) throw new DatasetError(`${where}: encrypted entries are not supported`);
  if (entry.method !== 0 && entry.method !== 8) throw new DatasetError(`${where}: compression method ${entry.method} is not supported (only stored and deflate)`);
  const h = entry.localOffset;
  if (u32(b, h) !== LOCAL) throw new DatasetError(`${where}: no local header at byte ${h} (corrupt zip)`);
  const start = h + 30 + u16(b, h + 26) + u16(b, h + 28);
  if (start + entry.compressedSize > b.length) throw new DatasetError(`${where}: truncated (${entry.compressedSize} bytes claimed, ${Math.max(0, b.length - start)} present)`);
  const body = b.subarray(start, start + entry.compressedSize);
  let out: Uint8Array;
  if (entry.method === 0) {
    if (entry.compressedSize !== entry.size) throw new DatasetError(`${where}: stored entry of ${entry.compressedSize} bytes declares ${entry.size}`);
    out = body;
  } else {
    try {
      // One spare byte: filling it means the entry inflates to more than it declares.
      out = inflateSync(body, { out: new Uint8Array(entry.size + 1) });
    } catch (e) {
      throw new DatasetError(`${where}: corrupt deflate data (${e instanceof Error ? e.message : String(e)})`);
    }
    if (out.length !== entry.size) {
      throw new DatasetError(`${where}: inflates to ${out.length > entry.size ? 'more than' : `${out.length} bytes, not`} the ${entry.size} bytes it declares`);
    }
  }
  if (crc32(out) !== entry.crc) throw new DatasetError(`${where}: CRC-32 mismatch (corrupt data)`);
  return out;
}
