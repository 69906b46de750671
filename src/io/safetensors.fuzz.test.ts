// Fuzz test of readSafetensors: thousands of seeded mutations of small valid files, at the level
// of the header's JSON (hostile values for dtype / shape / data_offsets, forbidden and duplicate
// keys, deep nesting, huge arrays), the header length, the data section, and raw bytes.
// Every input must parse to a structurally valid file or throw SafetensorsError, quickly.
// Replay one input: FUZZ_SEED=<seed> FUZZ_ONLY=<index> npx vitest run src/io/safetensors.fuzz.test.ts
import { describe, expect, it } from 'vitest';
import { FuzzRng, fuzzSettings, mutateBytes, runFuzz } from '../data/fuzz-helpers';
import { concatBytes } from '../shared/bytes';
import { readSafetensors, SafetensorsError, type ReadOptions, type SafetensorsFile } from './safetensors';

const FUZZ = fuzzSettings('safetensors', 'src/io/safetensors.fuzz.test.ts', { seed: 7_340_033, iterations: 3000 });
const ITERATIONS = FUZZ.iterations;
const enc = new TextEncoder();

// --- a JSON model that can say what JSON.stringify cannot: duplicate keys, raw number text --------

class Raw {
  constructor(readonly text: string) {}
}
class Obj {
  constructor(readonly entries: [string, J][]) {}
}
type J = null | boolean | number | string | Raw | Obj | J[];

function ser(v: J, rng: FuzzRng, escapeKeys: boolean): string {
  if (v instanceof Raw) return v.text;
  if (v instanceof Obj) {
    const key = (k: string) => (escapeKeys ? `"${[...k].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"` : JSON.stringify(k));
    return `{${v.entries.map(([k, x]) => `${key(k)}:${ser(x, rng, escapeKeys)}`).join(',')}}`;
  }
  if (Array.isArray(v)) return `[${v.map((x) => ser(x, rng, escapeKeys)).join(',')}]`;
  return JSON.stringify(v);
}

const DTYPE_SIZE: Record<string, number> = { F32: 4, F16: 2, BF16: 2, I32: 4, I64: 8 };

interface TensorModel {
  name: string;
  fields: [string, J][];
}
interface FileModel {
  metadata?: J;
  tensors: TensorModel[];
  data: Uint8Array;
}

/** A small valid file: 0–4 tensors of mixed dtypes, scalar and zero-size shapes included. */
function baseModel(rng: FuzzRng): FileModel {
  const tensors: TensorModel[] = [];
  const parts: Uint8Array[] = [];
  let offset = 0;
  const n = rng.int(5);
  for (let i = 0; i < n; i++) {
    const dtype = rng.pick(['F32', 'F16', 'BF16', 'I32', 'I64']);
    const shape = rng.pick([[], [0], [3], [2, 3], [1, 1, 4], [4, 0, 2], [5]]);
    const count = shape.reduce((a, b) => a * b, 1);
    const bytes = new Uint8Array(count * DTYPE_SIZE[dtype]);
    const dv = new DataView(bytes.buffer);
    for (let j = 0; j < count; j++) {
      if (dtype === 'I64') dv.setBigInt64(8 * j, BigInt(rng.int(2000) - 1000), true);
      else if (dtype === 'I32') dv.setInt32(4 * j, rng.u32() | 0, true);
      else for (let b = 0; b < DTYPE_SIZE[dtype]; b++) bytes[j * DTYPE_SIZE[dtype] + b] = rng.int(256);
    }
    parts.push(bytes);
    tensors.push({
      name: rng.pick(['w', 'b', 'encoder.blocks.0.attn.qkv.weight', 'x', 'y.z', `t${i}`]) + (i > 0 ? `.${i}` : ''),
      fields: [
        ['dtype', dtype],
        ['shape', shape],
        ['data_offsets', [offset, offset + bytes.length]],
      ],
    });
    offset += bytes.length;
  }
  const metadata = rng.chance(0.5) ? new Obj([['format', 'pt'], ['config', '{"preset":"micro"}']]) : undefined;
  return { metadata, tensors, data: concatBytes(parts) };
}

/** Nested arrays or objects, written as text (a recursive serialiser would overflow the stack). */
function deep(depth: number, array: boolean): J {
  return new Raw(array ? '['.repeat(depth) + '1' + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth));
}

/** Values no field should accept, or should accept only when they happen to fit. */
function hostileValue(rng: FuzzRng): J {
  const forms: (() => J)[] = [
    () => -1,
    () => 1e300,
    () => -1e300,
    () => 1.5,
    () => new Raw('-0'),
    () => new Raw('1e2'),
    () => new Raw('1E400'),
    () => new Raw('9007199254740993'),
    () => new Raw('18446744073709551616'),
    () => 2 ** 53,
    () => 2 ** 31,
    () => 2 ** 32,
    () => '4',
    () => '',
    () => null,
    () => true,
    () => new Obj([]),
    () => [],
    () => [[1]],
    () => [-1],
    () => [1e300, 2],
    () => [0, 2 ** 53 - 1],
    () => Array.from({ length: rng.pick([100, 5000]) }, () => 1),
    () => Array.from({ length: rng.pick([100, 2000]) }, () => new Obj([])),
    () => deep(rng.pick([10, 63, 64, 65, 200, 5000]), rng.chance(0.5)),
    () => 'F32',
    () => 'F64',
    () => 'BOOL',
    () => 'f32',
    () => 'x'.repeat(rng.pick([10, 100_000])),
    () => '\ud800',
    () => new Obj([['__proto__', new Obj([['polluted', 'yes']])]]),
    () => new Raw('"\\ud800\\udc00\\u0000"'),
    () => new Raw('"' + '\\n'.repeat(rng.pick([10, 200_000])) + '"'),
  ];
  return rng.pick(forms)();
}

const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', '__metadata__', '', 'toString', 'hasOwnProperty', '\u0000', 'x'.repeat(5000), '\ud800'];

function mutateModel(rng: FuzzRng, m: FileModel, log: string[]): void {
  const t = m.tensors.length > 0 ? rng.pick(m.tensors) : undefined;
  const field = (name: string) => t?.fields.find(([k]) => k === name);
  switch (rng.int(14)) {
    case 0:
    case 1: {
      if (!t) break;
      const f = rng.pick(t.fields);
      f[1] = hostileValue(rng);
      log.push(`tensor ${JSON.stringify(t.name)}: ${f[0]} := ${ser(f[1], rng, false).slice(0, 60)}`);
      break;
    }
    case 2: {
      // one dimension of a shape, or an extra dimension
      const f = field('shape');
      if (!f || !Array.isArray(f[1])) break;
      const shape = f[1] as J[];
      const v = rng.pick<J>([-1, 0, 1, 2, 1e300, 2 ** 26, 2 ** 53, 2 ** 53 - 1, 1.5, new Raw('-0'), '2', null]);
      if (shape.length > 0 && rng.chance(0.6)) shape[rng.int(shape.length)] = v;
      else shape.push(v);
      log.push(`tensor ${JSON.stringify(t!.name)}: shape := ${ser(shape, rng, false)}`);
      break;
    }
    case 3: {
      const f = field('data_offsets');
      if (!f || !Array.isArray(f[1])) break;
      const o = f[1] as number[];
      const other = rng.pick(m.tensors).fields.find(([k]) => k === 'data_offsets')?.[1];
      const forms: (() => J)[] = [
        () => (Array.isArray(other) ? other.slice() : o), // overlap another tensor
        () => [o[0] + 1, o[1] + 1],
        () => [o[0], o[1] + 1],
        () => [o[0] - 1, o[1]],
        () => [o[1], o[0]],
        () => [0, 0],
        () => [o[0], o[1], o[1]],
        () => [o[0]],
        () => [o[0], 2 ** 53 - 1],
        () => [o[0] + 4, o[1] + 4],
        () => [o[0], m.data.length + rng.int(16)],
      ];
      f[1] = rng.pick(forms)();
      log.push(`tensor ${JSON.stringify(t!.name)}: data_offsets := ${ser(f[1], rng, false)}`);
      break;
    }
    case 4: {
      const f = field('dtype');
      if (!f) break;
      f[1] = rng.pick(['F32', 'F16', 'BF16', 'I32', 'I64', 'U8', 'F64', 'F8_E4M3', 'bf16', 'I128', 'C64']);
      log.push(`tensor ${JSON.stringify(t!.name)}: dtype := ${f[1]}`);
      break;
    }
    case 5: {
      if (!t) break;
      const k = rng.pick(HOSTILE_KEYS);
      log.push(`tensor ${JSON.stringify(t.name)} renamed to ${JSON.stringify(k.slice(0, 20))}`);
      t.name = k;
      break;
    }
    case 6: {
      if (!t) break;
      m.tensors.splice(rng.int(m.tensors.length + 1), 0, { name: t.name, fields: t.fields.map(([k, v]) => [k, v]) });
      log.push(`tensor ${JSON.stringify(t.name)} duplicated`);
      break;
    }
    case 7: {
      if (!t) break;
      const k = rng.pick([...HOSTILE_KEYS, 'extra', 'dtype']);
      t.fields.splice(rng.int(t.fields.length + 1), 0, [k, hostileValue(rng)]);
      log.push(`tensor ${JSON.stringify(t.name)}: field ${JSON.stringify(k.slice(0, 20))} added`);
      break;
    }
    case 8: {
      if (!t) break;
      const i = rng.int(t.fields.length);
      log.push(`tensor ${JSON.stringify(t.name)}: field ${t.fields[i][0]} removed`);
      t.fields.splice(i, 1);
      break;
    }
    case 9: {
      const forms: (() => J)[] = [
        () => new Obj([['__proto__', 'x']]),
        () => new Obj([['constructor', 'x']]),
        () => new Obj([['k', 1]]),
        () => new Obj([['k', null]]),
        () => new Obj([['k', new Obj([])]]),
        () => new Obj([['k', 'a'], ['k', 'b']]),
        () => [],
        () => 'str',
        () => null,
        () => new Obj(Array.from({ length: rng.pick([10, 5000]) }, (_, i) => [`k${i}`, 'v'] as [string, J])),
        () => new Obj([['toString', 'x'], ['valueOf', 'y'], ['hasOwnProperty', 'z']]),
      ];
      m.metadata = rng.pick(forms)();
      log.push(`__metadata__ := ${ser(m.metadata, rng, false).slice(0, 60)}`);
      break;
    }
    case 10: {
      // many tensors (zero-size ones share offset 0 legally)
      const n = rng.pick([50, 500]);
      for (let i = 0; i < n; i++) m.tensors.push({ name: `z${i}`, fields: [['dtype', 'F32'], ['shape', [0]], ['data_offsets', [0, 0]]] });
      log.push(`${n} zero-size tensors added`);
      break;
    }
    case 11: {
      if (m.tensors.length < 2) break;
      const [a, b] = [rng.pick(m.tensors), rng.pick(m.tensors)];
      const fa = a.fields.find(([k]) => k === 'data_offsets');
      const fb = b.fields.find(([k]) => k === 'data_offsets');
      if (fa && fb) [fa[1], fb[1]] = [fb[1], fa[1]];
      log.push(`data_offsets of ${JSON.stringify(a.name)} and ${JSON.stringify(b.name)} swapped`);
      break;
    }
    case 12: {
      // I64 values outside int32
      const f = field('dtype');
      const o = field('data_offsets')?.[1];
      if (!f || f[1] !== 'I64' || !Array.isArray(o) || typeof o[0] !== 'number' || !(o[0] >= 0 && o[0] + 8 <= m.data.length)) break;
      const dv = new DataView(m.data.buffer, m.data.byteOffset);
      const v = rng.pick([2n ** 31n, -(2n ** 31n) - 1n, 2n ** 63n - 1n, -(2n ** 63n)]);
      dv.setBigInt64(o[0] as number, v, true);
      log.push(`tensor ${JSON.stringify(t!.name)}: I64 value ${v}`);
      break;
    }
    default:
      log.push('header unchanged');
  }
}

interface StInput {
  bytes: Uint8Array;
  opts: ReadOptions;
}

function generate(rng: FuzzRng, log: string[]): StInput {
  const model = baseModel(rng);
  log.push(`${model.tensors.length} tensors, ${model.data.length} data bytes`);
  const nModel = rng.chance(0.15) ? 0 : 1 + (rng.chance(0.3) ? 1 : 0);
  for (let k = 0; k < nModel; k++) mutateModel(rng, model, log);

  const escapeKeys = rng.chance(0.1);
  if (escapeKeys) log.push('keys written as \\u escapes');
  const root: [string, J][] = model.tensors.map((t) => [t.name, new Obj(t.fields)]);
  if (model.metadata !== undefined) root.splice(rng.int(root.length + 1), 0, ['__metadata__', model.metadata]);
  let json = ser(new Obj(root), rng, escapeKeys);
  switch (rng.int(12)) {
    case 0:
      json = '\ufeff' + json;
      log.push('BOM before the header');
      break;
    case 1:
      json = ` \t\n${json}\r\n `;
      log.push('whitespace around the header');
      break;
    case 2:
      json = json + '\0\0\0';
      log.push('NUL padding after the header');
      break;
    case 3:
      json = rng.pick(['[]', '"x"', '1', 'null', '', '{', '{"a":}', '{}{}', '{"a" 1}', '{,}']);
      log.push(`header := ${JSON.stringify(json)}`);
      break;
    default:
  }
  const header = enc.encode(json);
  const pad = rng.chance(0.7) ? (8 - (header.length % 8)) % 8 : 0;
  const headerLen = header.length + pad;

  let data = model.data;
  if (rng.chance(0.1)) {
    const k = rng.pick([1, 2, 4, 8]);
    data = rng.chance(0.5) ? data.subarray(0, Math.max(0, data.length - k)) : concatBytes([data, new Uint8Array(k)]);
    log.push(`data section ${data.length - model.data.length > 0 ? '+' : ''}${data.length - model.data.length} bytes`);
  }
  const out = new Uint8Array(8 + headerLen + data.length);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, BigInt(headerLen), true);
  out.set(header, 8);
  out.fill(0x20, 8 + header.length, 8 + headerLen);
  out.set(data, 8 + headerLen);

  if (rng.chance(0.15)) {
    const total = out.length;
    const v = rng.pick([0n, 1n, 2n, BigInt(headerLen - 1), BigInt(headerLen + 1), BigInt(total - 8), BigInt(total - 7), 2n ** 32n + BigInt(headerLen), 2n ** 63n, 2n ** 64n - 1n, 100_000_001n]);
    dv.setBigUint64(0, v, true);
    log.push(`header length := ${v}`);
  }
  let bytes: Uint8Array = out;
  const nBytes = rng.chance(0.6) ? 0 : 1 + rng.int(2);
  for (let k = 0; k < nBytes; k++) bytes = mutateBytes(rng, bytes, log, [[0, 8], [8, 8 + headerLen]]);

  // Sometimes an unaligned view into a larger buffer.
  if (rng.chance(0.2)) {
    const shift = 1 + rng.int(7);
    const host = new Uint8Array(bytes.length + shift + 3).fill(0xee);
    host.set(bytes, shift);
    bytes = host.subarray(shift, shift + bytes.length);
    log.push(`view at byte offset ${shift}`);
  }
  const opts: ReadOptions = rng.chance(0.05) ? { maxHeaderBytes: rng.pick([0, 2, 16, headerLen - 1, headerLen]) } : {};
  if (opts.maxHeaderBytes !== undefined) log.push(`maxHeaderBytes ${opts.maxHeaderBytes}`);
  return { bytes, opts };
}

// --- an independent reference reader: JSON.parse and DataView, the format's rules written plainly --

type RefResult = { ok: true; tensors: Map<string, { dtype: string; shape: number[]; values: number[] }>; metadata: Map<string, string> } | { ok: false; why: string };
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

function refRead(bytes: Uint8Array, opts: ReadOptions): RefResult {
  const no = (why: string): RefResult => ({ ok: false, why });
  if (bytes.length < 8) return no('short');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = dv.getBigUint64(0, true);
  if (n > BigInt(bytes.length - 8)) return no('header past end');
  const len = Number(n);
  if (len > (opts.maxHeaderBytes ?? 100_000_000)) return no('header over limit');
  let root: unknown;
  try {
    root = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, 8 + len)));
  } catch {
    return no('not JSON');
  }
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(root)) return no('not an object');
  const dataStart = 8 + len;
  const dataLen = bytes.length - dataStart;
  const tensors = new Map<string, { dtype: string; shape: number[]; values: number[] }>();
  const metadata = new Map<string, string>();
  const spans: [number, number][] = [];
  const u = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
  for (const name of Object.keys(root)) {
    const v = root[name];
    if (FORBIDDEN.has(name)) return no('forbidden key');
    if (name === '__metadata__') {
      if (!isObject(v)) return no('metadata not an object');
      for (const k of Object.keys(v)) {
        if (FORBIDDEN.has(k) || typeof v[k] !== 'string') return no('bad metadata');
        metadata.set(k, v[k] as string);
      }
      continue;
    }
    if (!isObject(v)) return no('entry not an object');
    const keys = Object.keys(v);
    if (keys.length !== 3 || !['dtype', 'shape', 'data_offsets'].every((k) => keys.includes(k))) return no('fields');
    const { dtype, shape, data_offsets: offs } = v as { dtype: unknown; shape: unknown; data_offsets: unknown };
    if (typeof dtype !== 'string' || !(dtype in DTYPE_SIZE) || dtype === '__proto__') return no('dtype');
    if (!Array.isArray(shape) || !shape.every(u)) return no('shape');
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every(u)) return no('offsets');
    const [b, e] = offs as number[];
    const count = (shape as number[]).reduce((a, x) => a * x, 1);
    if (b > e || e > dataLen || !Number.isSafeInteger(count) || e - b !== count * DTYPE_SIZE[dtype]) return no('span');
    spans.push([b, e]);
    const values: number[] = [];
    const f32 = new Float32Array(1);
    const u32 = new Uint32Array(f32.buffer);
    for (let i = 0; i < count; i++) {
      const at = dataStart + b + i * DTYPE_SIZE[dtype];
      if (dtype === 'F32') values.push(dv.getFloat32(at, true));
      else if (dtype === 'I32') values.push(dv.getInt32(at, true));
      else if (dtype === 'BF16') {
        u32[0] = dv.getUint16(at, true) << 16;
        values.push(f32[0]);
      } else if (dtype === 'F16') {
        const h = dv.getUint16(at, true);
        const sign = h & 0x8000 ? -1 : 1;
        const ex = (h >> 10) & 0x1f;
        const m = h & 0x3ff;
        values.push(ex === 0 ? sign * m * 2 ** -24 : ex === 31 ? (m ? NaN : sign * Infinity) : sign * (1 + m / 1024) * 2 ** (ex - 15));
      } else {
        const x = dv.getBigInt64(at, true);
        if (x < -(2n ** 31n) || x >= 2n ** 31n) return no('I64 out of int32');
        values.push(Number(x));
      }
    }
    tensors.set(name, { dtype, shape: (shape as number[]).map((x) => x + 0), values });
  }
  spans.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let pos = 0;
  for (const [b, e] of spans) {
    if (b !== pos) return no('overlap or gap');
    pos = e;
  }
  if (pos !== dataLen) return no('trailing bytes');
  return { ok: true, tensors, metadata };
}

/** Rejections the reference cannot judge: JSON.parse keeps the last of duplicate keys and has no value budget. */
const REF_BLIND = /duplicate key|JSON values|nesting deeper/;

function check(f: SafetensorsFile, input: StInput): void {
  if (!(f.tensors instanceof Map)) throw new Error('tensors is not a Map');
  for (const [name, t] of f.tensors) {
    const w = `tensor ${JSON.stringify(name.slice(0, 40))}`;
    if (['__proto__', 'constructor', 'prototype', '__metadata__'].includes(name)) throw new Error(`${w}: forbidden name accepted`);
    if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isSafeInteger(d) && d >= 0 && !Object.is(d, -0))) {
      throw new Error(`${w}: shape ${JSON.stringify(t.shape)}`);
    }
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (t.data.length !== count) throw new Error(`${w}: ${t.data.length} values for shape [${t.shape}]`);
    const float = t.dtype === 'F32' || t.dtype === 'F16' || t.dtype === 'BF16';
    if (!(float ? t.data instanceof Float32Array : t.data instanceof Int32Array)) throw new Error(`${w}: ${t.data.constructor.name} for ${t.dtype}`);
    if (t.data.length > 0 && t.data.buffer === input.bytes.buffer) throw new Error(`${w}: data aliases the input`);
  }
  if (Object.getPrototypeOf(f.metadata) !== null) throw new Error('metadata has a prototype');
  for (const k of Object.keys(f.metadata)) if (typeof f.metadata[k] !== 'string') throw new Error(`metadata ${k} is not a string`);
  if (({} as Record<string, unknown>).polluted !== undefined) throw new Error('Object.prototype polluted');

  // Everything accepted must be a valid file by the reference reader, with the same contents.
  const ref = refRead(input.bytes, input.opts);
  if (!ref.ok) throw new Error(`accepted a file the reference reader rejects (${ref.why})`);
  if (ref.tensors.size !== f.tensors.size) throw new Error(`${f.tensors.size} tensors, reference ${ref.tensors.size}`);
  for (const [name, r] of ref.tensors) {
    const t = f.tensors.get(name);
    if (!t) throw new Error(`tensor ${JSON.stringify(name)} missing`);
    if (t.dtype !== r.dtype || t.shape.join() !== r.shape.join()) throw new Error(`tensor ${JSON.stringify(name)}: ${t.dtype}[${t.shape}] vs ${r.dtype}[${r.shape}]`);
    for (let i = 0; i < r.values.length; i++) {
      if (!Object.is(t.data[i], r.values[i]) && !(Number.isNaN(t.data[i]) && Number.isNaN(r.values[i]))) {
        throw new Error(`tensor ${JSON.stringify(name)}[${i}] = ${t.data[i]}, reference ${r.values[i]}`);
      }
    }
  }
  if (ref.metadata.size !== Object.keys(f.metadata).length || [...ref.metadata].some(([k, v]) => f.metadata[k] !== v)) throw new Error('metadata differs');
}

/** A rejection must be of a file the reference reader also rejects (unless it cannot judge). */
function checkRejection(e: SafetensorsError, input: StInput): void {
  if (REF_BLIND.test(e.message)) return;
  const ref = refRead(input.bytes, input.opts);
  if (ref.ok) throw new Error(`rejected a file the reference reader accepts: ${e.message.slice(0, 200)}`);
}

describe('readSafetensors under fuzzing', () => {
  it(`${ITERATIONS} mutated files: each parses to a valid file or throws SafetensorsError, within 200 ms`, () => {
    const report = runFuzz<StInput, SafetensorsFile>({
      ...FUZZ,
      generate,
      run: (i) => readSafetensors(i.bytes, i.opts),
      check,
      checkRejection: (e, i) => checkRejection(e as SafetensorsError, i),
      errorType: SafetensorsError,
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    if (process.env.FUZZ_ONLY !== undefined) return;
    expect(report.inputs).toBe(ITERATIONS);
    expect(report.parsed).toBeGreaterThan(ITERATIONS * 0.1);
    expect(report.rejected).toBeGreaterThan(ITERATIONS * 0.3);
    expect(report.messageKinds.size).toBeGreaterThan(20);
  });
});
