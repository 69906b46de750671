// safetensors reader/writer: pure TypeScript, no DOM and no Node APIs, so the same code runs in
// Node (tests, CLI) and in the browser's Web Worker (exports).
//
// Hand-written on purpose: the format is tiny (8-byte little-endian header length, a JSON header,
// raw little-endian data) and a file we read may come from anywhere, so every field is validated
// and every problem is reported as a SafetensorsError whose message names it. The header is parsed
// by a small strict JSON parser (below) that builds Maps, never plain objects: keys such as
// "__proto__" cannot touch any prototype, and duplicate keys (which JSON.parse silently resolves
// to the last one) are rejected.
//
// Format: https://github.com/huggingface/safetensors (README, "Format").

/** dtypes this module reads. Floats decode to Float32Array, integers to Int32Array. */
export type SafetensorsDtype = 'F32' | 'F16' | 'BF16' | 'I32' | 'I64';
/** dtypes this module writes. */
export type WritableDtype = 'F32' | 'F16' | 'BF16' | 'I32';

export interface TensorToWrite {
  name: string;
  /** Defaults to F32 for a Float32Array and I32 for an Int32Array. F16/BF16 need a Float32Array
   *  (values rounded to nearest, ties to even). */
  dtype?: WritableDtype;
  shape: number[];
  data: Float32Array | Int32Array;
}

export interface SafetensorsTensor {
  /** dtype as stored in the file. */
  dtype: SafetensorsDtype;
  shape: number[];
  /** Own, aligned copy: Float32Array for F32/F16/BF16, Int32Array for I32/I64. */
  data: Float32Array | Int32Array;
}

export interface SafetensorsFile {
  /** Tensors in file-data order (ascending data_offsets). */
  tensors: Map<string, SafetensorsTensor>;
  /** `__metadata__` (string → string); a null-prototype object, empty when absent. */
  metadata: Record<string, string>;
}

export interface ReadOptions {
  /** Largest accepted JSON header, in bytes. Default 100 MB (as the reference implementation). */
  maxHeaderBytes?: number;
  /**
   * Most JSON values (objects, arrays, strings, numbers, ...) the header may hold. Default
   * 1,000,000: ~100,000 tensors of rank 4. Bounds the memory a header can cost: 100 MB of "{}"
   * would otherwise become 33 million objects and exhaust the JavaScript heap.
   */
  maxHeaderValues?: number;
}

export class SafetensorsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SafetensorsError';
  }
}

export const DEFAULT_MAX_HEADER_BYTES = 100_000_000;
export const DEFAULT_MAX_HEADER_VALUES = 1_000_000;

const DTYPE_SIZE: Record<SafetensorsDtype, number> = { F32: 4, F16: 2, BF16: 2, I32: 4, I64: 8 };
/** dtypes of the format that this module knows but does not decode. */
const KNOWN_UNSUPPORTED = new Set([
  'BOOL', 'U8', 'I8', 'U16', 'I16', 'U32', 'U64', 'F64', 'F8_E4M3', 'F8_E5M2', 'F8_E8M0', 'F4', 'F6_E2M3', 'F6_E3M2', 'C64',
]);
/** Names that must never be used as keys anywhere in the header. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const METADATA_KEY = '__metadata__';
const WRITABLE = new Set<string>(['F32', 'F16', 'BF16', 'I32']);
const TENSOR_FIELDS = new Set(['dtype', 'shape', 'data_offsets']);

/** Messages quote at most this much of a string (or this many dimensions) taken from a file. */
const MAX_SHOWN_CHARS = 100;
const MAX_SHOWN_DIMS = 16;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// ---------------------------------------------------------------------------------------------
// Half-precision conversions
// ---------------------------------------------------------------------------------------------

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

let halfTable: Float32Array | null = null;
/** All 65536 F16 bit patterns → float32 (built on first use, 256 KB). */
function halfToFloatTable(): Float32Array {
  if (halfTable) return halfTable;
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const e = (h >> 10) & 0x1f;
    const m = h & 0x3ff;
    if (e === 0) t[h] = sign * m * 2 ** -24;
    else if (e === 31) t[h] = m ? NaN : sign * Infinity;
    else t[h] = sign * (1 + m / 1024) * 2 ** (e - 15);
  }
  halfTable = t;
  return t;
}

/** float32 → IEEE half bits, round to nearest, ties to even (as numpy and PyTorch). */
export function floatToHalfBits(x: number): number {
  f32[0] = x;
  const b = u32[0];
  const sign = (b >>> 16) & 0x8000;
  const e = (b >>> 23) & 0xff;
  const m = b & 0x7fffff;
  if (e === 0xff) return sign | 0x7c00 | (m ? 0x200 : 0); // Inf or (quiet) NaN
  const ue = e - 127; // unbiased exponent
  if (ue > 15) return sign | 0x7c00; // ≥ 2^16: overflow to Inf
  if (ue >= -14) {
    // normal half; a rounding carry may run into the exponent (up to Inf), which is correct
    let h = sign | ((ue + 15) << 10) | (m >>> 13);
    const rem = m & 0x1fff;
    if (rem > 0x1000 || (rem === 0x1000 && h & 1)) h++;
    return h;
  }
  if (ue < -25) return sign; // below half the smallest subnormal: ±0
  const M = m | 0x800000; // implicit leading 1
  const shift = -ue - 1; // in [14, 24]: value = M·2^(ue-23), subnormal unit 2^-24
  let h = sign | (M >>> shift);
  const rem = M & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  if (rem > half || (rem === half && h & 1)) h++;
  return h;
}

/** float32 → bfloat16 bits, round to nearest, ties to even. */
export function floatToBf16Bits(x: number): number {
  f32[0] = x;
  const b = u32[0];
  if ((b & 0x7f800000) === 0x7f800000 && b & 0x7fffff) return ((b >>> 16) | 0x40) & 0xffff; // NaN
  return ((b + 0x7fff + ((b >>> 16) & 1)) >>> 16) & 0xffff;
}

// ---------------------------------------------------------------------------------------------
// Writer
// ---------------------------------------------------------------------------------------------

function shapeStr(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** A shape or offsets list for a message: long ones cut short, so a hostile header cannot make a huge message. */
function dimsStr(dims: readonly number[]): string {
  return dims.length <= MAX_SHOWN_DIMS ? shapeStr(dims) : `[${dims.slice(0, MAX_SHOWN_DIMS).join(',')},…] (${dims.length} values)`;
}

/** A name or string from the file, JSON-quoted for a message, and cut short when long. */
function quote(s: string): string {
  if (s.length <= MAX_SHOWN_CHARS) return JSON.stringify(s);
  return `${JSON.stringify(s.slice(0, MAX_SHOWN_CHARS)).slice(0, -1)}…" (${s.length} characters)`;
}

function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * Serialise tensors to a .safetensors byte array.
 *
 * Layout: tensors are laid out in the data section in the order given (not sorted), and the JSON
 * header lists them in that order after `__metadata__`. `__metadata__` is written only when
 * `metadata` is passed. The header is padded with spaces so the data section starts at a
 * multiple of 8 bytes. All data is little-endian.
 */
export function writeSafetensors(tensors: readonly TensorToWrite[], metadata?: Record<string, string>): Uint8Array {
  const names = new Set<string>();
  const parts: string[] = [];
  if (metadata !== undefined) {
    const entries: string[] = [];
    for (const [k, v] of Object.entries(metadata)) {
      if (FORBIDDEN_KEYS.has(k)) throw new SafetensorsError(`metadata key "${k}" is not allowed`);
      if (typeof v !== 'string') throw new SafetensorsError(`metadata value for "${k}" must be a string, got ${typeof v}`);
      entries.push(`${JSON.stringify(k)}:${JSON.stringify(v)}`);
    }
    parts.push(`${JSON.stringify(METADATA_KEY)}:{${entries.join(',')}}`);
  }

  let offset = 0;
  const layout: { t: TensorToWrite; dtype: WritableDtype; begin: number; end: number }[] = [];
  for (const t of tensors) {
    const { name, shape, data } = t;
    if (typeof name !== 'string' || name.length === 0) throw new SafetensorsError('tensor name must be a non-empty string');
    if (name === METADATA_KEY || FORBIDDEN_KEYS.has(name)) throw new SafetensorsError(`tensor name "${name}" is not allowed`);
    if (names.has(name)) throw new SafetensorsError(`duplicate tensor name "${name}"`);
    names.add(name);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new SafetensorsError(`${name}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
    }
    const dtype: WritableDtype = t.dtype ?? (data instanceof Int32Array ? 'I32' : 'F32');
    if (!WRITABLE.has(dtype)) throw new SafetensorsError(`${name}: cannot write dtype ${String(dtype)}`);
    const wantInt = dtype === 'I32';
    if (wantInt ? !(data instanceof Int32Array) : !(data instanceof Float32Array)) {
      throw new SafetensorsError(`${name}: dtype ${dtype} needs ${wantInt ? 'an Int32Array' : 'a Float32Array'}`);
    }
    const n = numel(shape);
    if (data.length !== n) throw new SafetensorsError(`${name}: data has ${data.length} values, shape ${shapeStr(shape)} needs ${n}`);
    const size = n * DTYPE_SIZE[dtype];
    layout.push({ t, dtype, begin: offset, end: offset + size });
    parts.push(`${JSON.stringify(name)}:{"dtype":"${dtype}","shape":${shapeStr(shape)},"data_offsets":[${offset},${offset + size}]}`);
    offset += size;
  }

  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const headerLen = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLen + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerLen), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLen);

  const base = 8 + headerLen;
  for (const { t, dtype, begin } of layout) {
    const at = base + begin;
    const d = t.data;
    if (dtype === 'F16' || dtype === 'BF16') {
      const enc = dtype === 'F16' ? floatToHalfBits : floatToBf16Bits;
      for (let i = 0; i < d.length; i++) view.setUint16(at + 2 * i, enc(d[i]), true);
    } else if (LITTLE_ENDIAN) {
      out.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), at);
    } else if (dtype === 'F32') {
      for (let i = 0; i < d.length; i++) view.setFloat32(at + 4 * i, d[i], true);
    } else {
      for (let i = 0; i < d.length; i++) view.setInt32(at + 4 * i, d[i], true);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Strict JSON parser (objects → Map, rejects duplicate keys, bounded nesting)
// ---------------------------------------------------------------------------------------------

type Json = null | boolean | number | string | Json[] | JsonObject;
type JsonObject = Map<string, Json>;

const MAX_DEPTH = 64;
const NUMBER_RE = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

class JsonParser {
  private i = 0;
  private values = 0;
  constructor(
    private readonly s: string,
    private readonly maxValues: number,
  ) {}

  private fail(what: string): never {
    throw new SafetensorsError(`header is not valid JSON: ${what} at offset ${this.i}`);
  }

  private ws(): void {
    const s = this.s;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.i++;
      else break;
    }
  }

  parseDocument(): Json {
    this.ws();
    const v = this.value(0);
    this.ws();
    if (this.i !== this.s.length) this.fail('unexpected trailing characters');
    return v;
  }

  private value(depth: number): Json {
    if (depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`);
    if (++this.values > this.maxValues) {
      throw new SafetensorsError(`header holds more than ${this.maxValues} JSON values (the limit; a tensor takes about 10)`);
    }
    const s = this.s;
    if (this.i >= s.length) this.fail('unexpected end');
    const c = s[this.i];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return this.string();
    if (s.startsWith('true', this.i)) return (this.i += 4), true;
    if (s.startsWith('false', this.i)) return (this.i += 5), false;
    if (s.startsWith('null', this.i)) return (this.i += 4), null;
    NUMBER_RE.lastIndex = this.i;
    const m = NUMBER_RE.exec(s);
    if (m) {
      this.i += m[0].length;
      return Number(m[0]);
    }
    this.fail(`unexpected character ${JSON.stringify(c)}`);
  }

  private object(depth: number): JsonObject {
    const out: JsonObject = new Map();
    this.i++; // {
    this.ws();
    if (this.s[this.i] === '}') return this.i++, out;
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') this.fail('expected a string key');
      const at = this.i;
      const key = this.string();
      if (out.has(key)) {
        this.i = at;
        this.fail(`duplicate key ${quote(key)}`);
      }
      this.ws();
      if (this.s[this.i] !== ':') this.fail("expected ':'");
      this.i++;
      this.ws();
      out.set(key, this.value(depth + 1));
      this.ws();
      const c = this.s[this.i];
      if (c === ',') this.i++;
      else if (c === '}') return this.i++, out;
      else this.fail("expected ',' or '}'");
    }
  }

  private array(depth: number): Json[] {
    const out: Json[] = [];
    this.i++; // [
    this.ws();
    if (this.s[this.i] === ']') return this.i++, out;
    for (;;) {
      this.ws();
      out.push(this.value(depth + 1));
      this.ws();
      const c = this.s[this.i];
      if (c === ',') this.i++;
      else if (c === ']') return this.i++, out;
      else this.fail("expected ',' or ']'");
    }
  }

  /**
   * A string literal. One validating pass; a literal with escapes is then decoded by JSON.parse
   * (native, linear), since appending escape by escape built a rope of millions of pieces:
   * a 100 MB header string of \n escapes took ~17 s and 1.6 GB.
   */
  private string(): string {
    const s = this.s;
    const open = this.i;
    this.i++; // opening quote
    let escaped = false;
    for (;;) {
      if (this.i >= s.length) this.fail('unterminated string');
      const c = s.charCodeAt(this.i);
      if (c === 0x22) break;
      if (c < 0x20) this.fail('control character in string');
      if (c !== 0x5c) {
        this.i++;
        continue;
      }
      escaped = true;
      const e = s.charCodeAt(this.i + 1);
      if (e === 0x75) {
        // \uXXXX
        for (let k = 2; k < 6; k++) if (!isHexDigit(s.charCodeAt(this.i + k))) this.fail('bad \\u escape');
        this.i += 6;
      } else if (SIMPLE_ESCAPES.has(e)) this.i += 2;
      else this.fail('bad escape');
    }
    this.i++; // closing quote
    return escaped ? (JSON.parse(s.slice(open, this.i)) as string) : s.slice(open + 1, this.i - 1);
  }
}

/** Characters that may follow a backslash in JSON, other than u: " \\ / b f n r t. */
const SIMPLE_ESCAPES = new Set([0x22, 0x5c, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74]);

function isHexDigit(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

// ---------------------------------------------------------------------------------------------
// Reader
// ---------------------------------------------------------------------------------------------

function isObj(v: Json | undefined): v is JsonObject {
  return v instanceof Map;
}

function describe(v: Json | undefined): string {
  if (v === undefined) return 'nothing';
  if (isObj(v)) return 'an object';
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  return typeof v === 'string' ? `string ${quote(v)}` : `${typeof v} ${String(v)}`; // String: 1e999 is "Infinity", not JSON's "null"
}

function checkKey(key: string, where: string): void {
  if (FORBIDDEN_KEYS.has(key)) throw new SafetensorsError(`forbidden key "${key}" in ${where}`);
}

function intArray(v: Json | undefined, what: string, name: string): number[] {
  if (!Array.isArray(v)) throw new SafetensorsError(`tensor ${quote(name)}: ${what} must be an array, got ${describe(v)}`);
  const out: number[] = [];
  for (const x of v) {
    if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < 0) {
      throw new SafetensorsError(`tensor ${quote(name)}: ${what} must hold non-negative integers, got ${describe(x)}`);
    }
    out.push(x + 0); // JSON "-0" is 0 (not -0, which a shape check with Object.is or 1/x would tell apart)
  }
  return out;
}

interface Entry {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  begin: number;
  end: number;
}

/**
 * Parse and validate a .safetensors file. Throws SafetensorsError naming the problem for any
 * malformed input. Tensor data is copied into fresh, aligned typed arrays.
 */
export function readSafetensors(input: Uint8Array | ArrayBuffer, opts: ReadOptions = {}): SafetensorsFile {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  const maxHeader = opts.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES;
  if (bytes.length < 8) throw new SafetensorsError(`file is ${bytes.length} bytes, shorter than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n64 = view.getBigUint64(0, true);
  if (n64 > BigInt(bytes.length - 8)) {
    throw new SafetensorsError(`header length ${n64} runs past the end of the file (${bytes.length - 8} bytes after the length)`);
  }
  const headerLen = Number(n64);
  if (headerLen > maxHeader) throw new SafetensorsError(`header of ${headerLen} bytes is over the limit of ${maxHeader} bytes`);
  if (headerLen < 2) throw new SafetensorsError(`header of ${headerLen} bytes is too short to be a JSON object`);

  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, 8 + headerLen));
  } catch {
    throw new SafetensorsError('header is not valid UTF-8');
  }
  const root = new JsonParser(text, opts.maxHeaderValues ?? DEFAULT_MAX_HEADER_VALUES).parseDocument();
  if (!isObj(root)) throw new SafetensorsError(`header is not a JSON object (got ${describe(root)})`);

  const dataStart = 8 + headerLen;
  const dataLen = bytes.length - dataStart;
  const metadata: Record<string, string> = Object.create(null);
  const entries: Entry[] = [];

  for (const [name, v] of root) {
    checkKey(name, 'header');
    if (name === METADATA_KEY) {
      if (!isObj(v)) throw new SafetensorsError(`__metadata__ must be an object, got ${describe(v)}`);
      for (const [k, mv] of v) {
        checkKey(k, '__metadata__');
        if (typeof mv !== 'string') throw new SafetensorsError(`__metadata__ value for ${quote(k)} must be a string, got ${describe(mv)}`);
        metadata[k] = mv;
      }
      continue;
    }
    if (!isObj(v)) throw new SafetensorsError(`tensor ${quote(name)}: entry must be an object, got ${describe(v)}`);
    for (const k of v.keys()) {
      checkKey(k, `tensor ${quote(name)}`);
      if (!TENSOR_FIELDS.has(k)) throw new SafetensorsError(`tensor ${quote(name)}: unknown field ${quote(k)}`);
    }
    const dt = v.get('dtype');
    if (dt === undefined) throw new SafetensorsError(`tensor ${quote(name)}: missing dtype`);
    if (typeof dt !== 'string') throw new SafetensorsError(`tensor ${quote(name)}: dtype must be a string, got ${describe(dt)}`);
    if (!Object.prototype.hasOwnProperty.call(DTYPE_SIZE, dt)) {
      const known = KNOWN_UNSUPPORTED.has(dt) ? '' : ' (not a safetensors dtype)';
      throw new SafetensorsError(`tensor ${quote(name)}: unsupported dtype ${quote(dt)}${known}; supported: F32, F16, BF16, I32, I64`);
    }
    const dtype = dt as SafetensorsDtype;
    if (!v.has('shape')) throw new SafetensorsError(`tensor ${quote(name)}: missing shape`);
    const shape = intArray(v.get('shape'), 'shape', name);
    if (!v.has('data_offsets')) throw new SafetensorsError(`tensor ${quote(name)}: missing data_offsets`);
    const offs = intArray(v.get('data_offsets'), 'data_offsets', name);
    if (offs.length !== 2) throw new SafetensorsError(`tensor ${quote(name)}: data_offsets must be [begin, end], got ${dimsStr(offs)}`);
    const [begin, end] = offs;
    if (begin > end) throw new SafetensorsError(`tensor ${quote(name)}: data_offsets [${begin},${end}] end before they begin`);
    if (end > dataLen) {
      throw new SafetensorsError(`tensor ${quote(name)}: data_offsets [${begin},${end}] out of range (data section is ${dataLen} bytes)`);
    }
    const count = numel(shape);
    if (!Number.isSafeInteger(count)) throw new SafetensorsError(`tensor ${quote(name)}: shape ${dimsStr(shape)} is too large`);
    const want = count * DTYPE_SIZE[dtype];
    if (end - begin !== want) {
      throw new SafetensorsError(
        `tensor ${quote(name)}: byte length ${end - begin} does not match shape ${dimsStr(shape)} × ${dtype} (${DTYPE_SIZE[dtype]} bytes) = ${want}`,
      );
    }
    entries.push({ name, dtype, shape: shape.slice(), begin, end });
  }

  // The data section must be covered exactly: no overlaps, no gaps, nothing left over.
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = 0;
  let prev = '';
  for (const e of entries) {
    if (e.begin < pos) throw new SafetensorsError(`tensor ${quote(e.name)}: data [${e.begin},${e.end}] overlaps tensor ${quote(prev)} (ends at ${pos})`);
    if (e.begin > pos) throw new SafetensorsError(`data section has a gap of ${e.begin - pos} bytes at ${pos}, before tensor ${quote(e.name)}`);
    pos = e.end;
    prev = e.name;
  }
  if (pos !== dataLen) throw new SafetensorsError(`data section has ${dataLen - pos} trailing bytes not covered by any tensor`);

  const tensors = new Map<string, SafetensorsTensor>();
  for (const e of entries) {
    const at = dataStart + e.begin;
    const len = e.end - e.begin;
    const count = len / DTYPE_SIZE[e.dtype];
    let data: Float32Array | Int32Array;
    switch (e.dtype) {
      case 'F32':
      case 'I32': {
        const copy = new Uint8Array(len); // fresh buffer: aligned whatever the source offset
        copy.set(bytes.subarray(at, at + len));
        if (LITTLE_ENDIAN) {
          data = e.dtype === 'F32' ? new Float32Array(copy.buffer) : new Int32Array(copy.buffer);
        } else {
          const dv = new DataView(copy.buffer);
          data = e.dtype === 'F32' ? new Float32Array(count) : new Int32Array(count);
          for (let i = 0; i < count; i++) data[i] = e.dtype === 'F32' ? dv.getFloat32(4 * i, true) : dv.getInt32(4 * i, true);
        }
        break;
      }
      case 'F16': {
        const table = halfToFloatTable();
        const f = new Float32Array(count);
        for (let i = 0; i < count; i++) f[i] = table[view.getUint16(at + 2 * i, true)];
        data = f;
        break;
      }
      case 'BF16': {
        const f = new Float32Array(count);
        const bits = new Uint32Array(f.buffer);
        for (let i = 0; i < count; i++) bits[i] = view.getUint16(at + 2 * i, true) << 16;
        data = f;
        break;
      }
      case 'I64': {
        const out = new Int32Array(count);
        for (let i = 0; i < count; i++) {
          const x = view.getBigInt64(at + 8 * i, true);
          if (x < -2147483648n || x > 2147483647n) {
            throw new SafetensorsError(`tensor ${quote(e.name)}: I64 value ${x} at index ${i} does not fit in int32`);
          }
          out[i] = Number(x);
        }
        data = out;
        break;
      }
    }
    tensors.set(e.name, { dtype: e.dtype, shape: e.shape, data });
  }
  return { tensors, metadata };
}

// ---------------------------------------------------------------------------------------------
// Shape checks
// ---------------------------------------------------------------------------------------------

export interface ExpectShapesOptions {
  /** Label used in messages, e.g. "weights.safetensors". Default "safetensors file". */
  fileName?: string;
  /** Also throw on tensors in the file that `expected` does not list. Default false. */
  exact?: boolean;
}

/**
 * Check that every tensor in `expected` is present with exactly that shape (in `expected`'s
 * order); throws SafetensorsError naming the first one missing or differing, e.g.
 * "weights.safetensors: target_encoder.blocks.0.attn.qkv.weight has shape [96,64], expected [192,64]".
 */
export function expectShapes(
  file: SafetensorsFile,
  expected: Record<string, readonly number[]>,
  opts: ExpectShapesOptions = {},
): void {
  const label = opts.fileName ?? 'safetensors file';
  for (const [name, want] of Object.entries(expected)) {
    const t = file.tensors.get(name);
    if (!t) throw new SafetensorsError(`${label}: ${name} is missing, expected shape ${shapeStr(want)}`);
    if (t.shape.length !== want.length || t.shape.some((d, i) => d !== want[i])) {
      throw new SafetensorsError(`${label}: ${name} has shape ${shapeStr(t.shape)}, expected ${shapeStr(want)}`);
    }
  }
  if (opts.exact) {
    for (const name of file.tensors.keys()) {
      if (!Object.prototype.hasOwnProperty.call(expected, name)) {
        throw new SafetensorsError(`${label}: unexpected tensor ${name}`);
      }
    }
  }
}
