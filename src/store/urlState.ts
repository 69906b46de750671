// Settings <-> URL query string. The one config schema (src/engine/config.ts) decides what is
// valid; this file only says how each field is spelled in a URL.
import { formatClassList, parseClassList } from '../engine/classList';
import { ConfigSchema, SubsetSchema, defaultConfig, defaultMaskStrategy, parseConfig, type LabConfig } from '../engine/config';
import type { BackendRequest } from '../worker/protocol';

// The type is the worker's (protocol.ts); named here too for the page's settings that import it from this file.
export type { BackendRequest };
/** Each request the address may spell, in the order the page offers them (a Record: none missing, none extra). */
const OFFERED: Record<BackendRequest, true> = { auto: true, webgpu: true, wasm: true, webgl: true, cpu: true };
export const BACKEND_REQUESTS = Object.keys(OFFERED) as readonly BackendRequest[];

export interface UrlState {
  config: LabConfig;
  backend: BackendRequest;
}

export class UrlStateError extends Error {
  override name = 'UrlStateError';
}

type Kind = 'number' | 'boolean' | 'string' | 'pair' | 'list' | 'int';

/** How each config field is written in the URL, keyed by the config field name. */
function fieldKinds(): Record<string, Kind> {
  const d = defaultConfig() as unknown as Record<string, unknown>;
  const kinds: Record<string, Kind> = {};
  for (const [k, v] of Object.entries(d)) {
    if (k === 'subset') continue;
    if (typeof v === 'number') kinds[k] = 'number';
    else if (typeof v === 'boolean') kinds[k] = 'boolean';
    else if (typeof v === 'string') kinds[k] = 'string';
    else if (Array.isArray(v)) kinds[k] = 'pair';
  }
  // The subset is flattened into three top-level parameters.
  kinds.classes = 'list';
  kinds.superclasses = 'list';
  kinds.perClass = 'int';
  return kinds;
}

const SUBSET_KEYS = new Set(['classes', 'superclasses', 'perClass']);

function formatNumber(n: number): string {
  return String(n);
}

function encodeValue(v: unknown): string {
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'number' ? formatNumber(x) : String(x))).join(',');
  if (typeof v === 'number') return formatNumber(v);
  return String(v);
}

/** Query string (without "?") holding every setting that differs from its mode's default (maskStrategy's depends on the mode), plus the backend. */
export function encodeUrlState(s: UrlState): string {
  const d = { ...defaultConfig(), maskStrategy: defaultMaskStrategy(s.config.mode) } as unknown as Record<string, unknown>;
  const c = s.config as unknown as Record<string, unknown>;
  const q = new URLSearchParams();
  if (s.backend !== 'auto') q.set('backend', s.backend);
  for (const k of Object.keys(fieldKinds())) {
    if (SUBSET_KEYS.has(k)) continue;
    if (JSON.stringify(c[k]) !== JSON.stringify(d[k])) q.set(k, encodeValue(c[k]));
  }
  const sub = s.config.subset;
  if (sub.classes.length) q.set('classes', formatClassList(sub.classes, ','));
  if (sub.superclasses.length) q.set('superclasses', formatClassList(sub.superclasses, ','));
  if (sub.perClass !== 0) q.set('perClass', String(sub.perClass));
  return q.toString();
}

function decodeNumber(key: string, raw: string): number {
  const t = raw.trim();
  const n = t === '' ? NaN : Number(t);
  if (!Number.isFinite(n)) throw new UrlStateError(`${key}=${JSON.stringify(raw)}: expected a number`);
  return n;
}

function decodeField(key: string, kind: Kind, raw: string): unknown {
  switch (kind) {
    case 'number':
    case 'int':
      return decodeNumber(key, raw);
    case 'boolean':
      if (raw === 'true' || raw === '1') return true;
      if (raw === 'false' || raw === '0') return false;
      throw new UrlStateError(`${key}=${JSON.stringify(raw)}: expected true or false`);
    case 'string':
      return raw;
    case 'pair': {
      const parts = raw.split(',');
      if (parts.length !== 2) throw new UrlStateError(`${key}=${JSON.stringify(raw)}: expected two numbers "lo,hi"`);
      return parts.map((p) => decodeNumber(key, p));
    }
    case 'list':
      try {
        return parseClassList(raw);
      } catch (e) {
        throw new UrlStateError(`${key}=${JSON.stringify(raw)}: ${(e as Error).message}`);
      }
  }
}

/** The first schema message for one field's value, or null when it is valid. */
function fieldIssue(key: string, value: unknown): string | null {
  type Parser = { safeParse(v: unknown): { success: boolean; error?: { issues: { message: string }[] } } };
  const shape = (SUBSET_KEYS.has(key) ? SubsetSchema.shape : ConfigSchema.shape) as unknown as Record<string, Parser>;
  const r = shape[key].safeParse(value);
  if (r.success) return null;
  return r.error?.issues.map((i) => i.message).join('; ') ?? 'invalid';
}

export interface DecodeResult extends UrlState {
  /** One clear message per parameter that was rejected (and replaced by its default). */
  errors: string[];
}

/**
 * Read settings from a query string. Each bad parameter is rejected with a message naming it
 * and its value; the rest are kept. Unknown parameters are reported too.
 */
export function decodeUrlState(search: string): DecodeResult {
  const q = new URLSearchParams(search.startsWith('?') ? search.slice(1) : search);
  const kinds = fieldKinds();
  const errors: string[] = [];
  const out: Record<string, unknown> = {};
  const subset: Record<string, unknown> = {};
  let backend: BackendRequest = 'auto';
  for (const [key, raw] of q) {
    if (key === 'backend') {
      if ((BACKEND_REQUESTS as readonly string[]).includes(raw)) backend = raw as BackendRequest;
      else errors.push(`backend=${JSON.stringify(raw)}: expected one of ${BACKEND_REQUESTS.join(', ')}`);
      continue;
    }
    const kind = kinds[key];
    if (!kind) {
      errors.push(`unknown parameter "${key}" ignored`);
      continue;
    }
    try {
      const v = decodeField(key, kind, raw);
      const issue = fieldIssue(key, v);
      if (issue) throw new UrlStateError(`${key}=${JSON.stringify(raw)}: ${issue}`);
      if (SUBSET_KEYS.has(key)) subset[key] = v;
      else out[key] = v;
    } catch (e) {
      errors.push(e instanceof Error ? e.message : String(e));
    }
  }
  const d = defaultConfig();
  out.subset = { ...d.subset, ...subset };
  let config: LabConfig;
  try {
    config = parseConfig(out);
  } catch (e) {
    // Cross-field rule broken (grouping vs patch size, maskStrategy vs mode, maskRatio vs the grid): keep the defaults for those fields.
    errors.push(e instanceof Error ? e.message : String(e));
    config = parseConfig({ ...out, grouping: d.grouping, patchSize: d.patchSize, maskStrategy: undefined, maskRatio: d.maskRatio });
  }
  return { config, backend, errors };
}

/** Strict variant: throws UrlStateError listing every rejected parameter. */
export function parseUrlStateStrict(search: string): UrlState {
  const r = decodeUrlState(search);
  if (r.errors.length) throw new UrlStateError(`bad URL settings: ${r.errors.join('; ')}`);
  return { config: r.config, backend: r.backend };
}
