// Test-only builders: a minimal tar writer and CIFAR record generators, so tests make their
// own archives in memory (these machines have no internet, and tests never download).
import { concatBytes } from '../shared/bytes';
import { IMAGE_BYTES } from './types';

export interface TarEntry {
  name: string;
  data?: Uint8Array | string;
  /** Tar type flag: '0' file (default), '5' directory, 'x' pax header, 'L' GNU long name, '2' symlink. */
  type?: string;
  /** Write the GNU magic ("ustar  \0") instead of POSIX ustar. */
  gnu?: boolean;
  /** Put the part before the last '/' in the ustar prefix field. */
  usePrefix?: boolean;
  /** Override the size field (to fake an entry claiming more bytes than it has). */
  claimedSize?: number;
}

const enc = new TextEncoder();
const toBytes = (d: Uint8Array | string | undefined) => (typeof d === 'string' ? enc.encode(d) : (d ?? new Uint8Array(0)));

function putString(h: Uint8Array, off: number, len: number, s: string): void {
  const b = enc.encode(s);
  if (b.length > len) throw new Error(`tar field too long: ${s}`);
  h.set(b, off);
}

function putOctal(h: Uint8Array, off: number, len: number, v: number): void {
  putString(h, off, len, v.toString(8).padStart(len - 1, '0') + '\0');
}

/** One 512-byte ustar header with a correct checksum. */
export function tarHeader(e: TarEntry, size: number): Uint8Array {
  const h = new Uint8Array(512);
  let name = e.name;
  if (e.usePrefix) {
    const cut = name.lastIndexOf('/');
    putString(h, 345, 155, name.slice(0, cut));
    name = name.slice(cut + 1);
  }
  putString(h, 0, 100, name);
  putOctal(h, 100, 8, e.type === '5' ? 0o755 : 0o644);
  putOctal(h, 108, 8, 1000);
  putOctal(h, 116, 8, 1000);
  putOctal(h, 124, 12, size);
  putOctal(h, 136, 12, 1_700_000_000);
  h[156] = (e.type ?? '0').charCodeAt(0);
  if (e.gnu) putString(h, 257, 8, 'ustar  \0');
  else {
    putString(h, 257, 6, 'ustar\0');
    putString(h, 263, 2, '00');
  }
  putString(h, 265, 32, 'user');
  putString(h, 297, 32, 'group');
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  putString(h, 148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  return h;
}

/** A whole archive: headers, data padded to 512, and the two zero blocks (unless `end` is false). */
export function makeTar(entries: TarEntry[], end = true): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const e of entries) {
    const data = toBytes(e.data);
    parts.push(tarHeader(e, e.claimedSize ?? data.length));
    parts.push(data);
    const pad = (512 - (data.length % 512)) % 512;
    if (pad) parts.push(new Uint8Array(pad));
  }
  if (end) parts.push(new Uint8Array(1024));
  return concatBytes(parts);
}

/** A pax extended-header body: "<len> key=value\n" records. */
export function paxRecords(kv: Record<string, string>): string {
  let out = '';
  for (const [k, v] of Object.entries(kv)) {
    const body = ` ${k}=${v}\n`;
    let len = body.length + 1;
    while (String(len).length + body.length !== len) len = String(len).length + body.length;
    out += `${len}${body}`;
  }
  return out;
}

/** Pixel byte j of record r: a pattern a test can recompute. */
export const pixelOf = (r: number, j: number) => (r * 7 + j * 13 + (j >> 10) * 5) & 0xff;

/** `n` CIFAR records with label bytes from `labels(r)` (1 for CIFAR-10, 2 for CIFAR-100). */
export function cifarRecords(n: number, labels: (r: number) => number[]): Uint8Array {
  const lb = labels(0).length;
  const rec = lb + IMAGE_BYTES;
  const out = new Uint8Array(n * rec);
  for (let r = 0; r < n; r++) {
    out.set(labels(r), r * rec);
    for (let j = 0; j < IMAGE_BYTES; j++) out[r * rec + lb + j] = pixelOf(r, j);
  }
  return out;
}

/** CIFAR-100 records: coarse = fine % 20, fine = r % 100. */
export const cifar100Records = (n: number) => cifarRecords(n, (r) => [(r % 100) % 20, r % 100]);
/** CIFAR-10 records: label = r % 10. */
export const cifar10Records = (n: number) => cifarRecords(n, (r) => [r % 10]);

export const FINE_NAMES = Array.from({ length: 100 }, (_, i) => `fine_${i}`);
export const COARSE_NAMES = Array.from({ length: 20 }, (_, i) => `coarse_${i}`);

/** Byte equality without vitest's element-by-element deep equality (seconds on 100 kB arrays). */
export function sameBytes(a: Uint8Array | undefined, b: Uint8Array): boolean {
  if (!a || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
