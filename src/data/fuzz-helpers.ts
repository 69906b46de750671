// Test-only: a small seeded mutation fuzzer shared by the dataset and safetensors fuzz tests.
// Every input is generated from (seed, index) alone, so one failing input can be replayed with
// FUZZ_SEED=<seed> FUZZ_ONLY=<index>; the failure message prints both and the mutations applied.
import { concatBytes } from '../shared/bytes';

/** sfc32: small, fast, good enough for picking mutations. */
export class FuzzRng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  constructor(seed: number, stream = 0) {
    this.a = 0x9e3779b9;
    this.b = seed >>> 0;
    this.c = stream >>> 0;
    this.d = 1;
    for (let i = 0; i < 16; i++) this.u32();
  }
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }
  /** [0, 1) */
  next(): number {
    return this.u32() / 4294967296;
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
}

/** Byte values that most often sit on a boundary: sign bits, zero, all-ones. */
export const INTERESTING_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe, 0x20, 0x30, 0x37, 0x38, 0x0a];

/** Seed for a run: FUZZ_SEED from the environment, or a fixed default so CI runs are reproducible. */
export function fuzzSeed(fallback: number): number {
  const s = process.env.FUZZ_SEED;
  return s !== undefined && /^\d+$/.test(s) ? Number(s) >>> 0 : fallback;
}

/** Iterations: FUZZ_ITERATIONS from the environment (for longer local runs), or the default. */
export function fuzzIterations(fallback: number): number {
  const s = process.env.FUZZ_ITERATIONS;
  return s !== undefined && /^\d+$/.test(s) ? Number(s) : fallback;
}

/**
 * What each reader's fuzz run shares: its seed and length (FUZZ_SEED, FUZZ_ITERATIONS or the
 * defaults), at most 200 ms an input once warm, the whole run within max(20 s, 8 ms an input), and
 * the command that replays one input of `testFile`. Spread into runFuzz's options.
 */
export function fuzzSettings(name: string, testFile: string, defaults: { seed: number; iterations: number }) {
  const iterations = fuzzIterations(defaults.iterations);
  return { name, seed: fuzzSeed(defaults.seed), iterations, perInputMs: 200, totalMs: Math.max(20_000, iterations * 8), replay: `npx vitest run ${testFile}` };
}

/**
 * Generic byte-level mutations, applied in place or returning a new array. `hot` lists byte
 * ranges [begin, end) where a mutation is more likely to matter (headers, label bytes,
 * trailers); half of the positions are drawn from them.
 */
export function mutateBytes(rng: FuzzRng, input: Uint8Array, log: string[], hot: [number, number][] = []): Uint8Array {
  let m = input;
  if (m.length === 0) {
    log.push('insert 1 byte into empty input');
    return Uint8Array.of(rng.pick(INTERESTING_BYTES));
  }
  const pos = (): number => {
    const live = hot.filter(([b, e]) => b < m.length && e > b);
    if (live.length > 0 && rng.chance(0.5)) {
      const [b, e] = rng.pick(live);
      return Math.min(m.length - 1, b + rng.int(Math.min(e, m.length) - b));
    }
    return rng.int(m.length);
  };
  const span = () => 1 + (rng.chance(0.7) ? rng.int(16) : rng.int(2048));
  const kind = rng.int(8);
  switch (kind) {
    case 0: {
      const p = pos();
      const bit = rng.int(8);
      m = m.slice();
      m[p] ^= 1 << bit;
      log.push(`flip bit ${bit} of byte ${p}`);
      break;
    }
    case 1: {
      const p = pos();
      const v = rng.pick(INTERESTING_BYTES);
      m = m.slice();
      m[p] = v;
      log.push(`byte ${p} := 0x${v.toString(16)}`);
      break;
    }
    case 2: {
      const p = pos();
      const v = rng.int(256);
      m = m.slice();
      m[p] = v;
      log.push(`byte ${p} := 0x${v.toString(16)} (random)`);
      break;
    }
    case 3: {
      const n = rng.chance(0.5) ? pos() : rng.int(m.length + 1);
      m = m.slice(0, n);
      log.push(`truncate to ${n} bytes`);
      break;
    }
    case 4: {
      const p = pos();
      const n = span();
      const ins = new Uint8Array(n);
      const fill = rng.int(3);
      for (let i = 0; i < n; i++) ins[i] = fill === 0 ? 0 : fill === 1 ? rng.pick(INTERESTING_BYTES) : rng.int(256);
      m = concatBytes([m.subarray(0, p), ins, m.subarray(p)]);
      log.push(`insert ${n} ${['zero', 'interesting', 'random'][fill]} bytes at ${p}`);
      break;
    }
    case 5: {
      const p = pos();
      const n = Math.min(span(), m.length - p);
      m = concatBytes([m.subarray(0, p), m.subarray(p + n)]);
      log.push(`delete ${n} bytes at ${p}`);
      break;
    }
    case 6: {
      const p = pos();
      const n = Math.min(span(), m.length - p);
      const at = rng.int(m.length + 1);
      m = concatBytes([m.subarray(0, at), m.slice(p, p + n), m.subarray(at)]);
      log.push(`duplicate ${n} bytes from ${p} to ${at}`);
      break;
    }
    default: {
      // Overwrite a span with a copy of another span (keeps the length).
      const p = pos();
      const n = Math.min(span(), m.length - p);
      const from = rng.int(Math.max(1, m.length - n));
      const src = m.slice(from, from + n);
      m = m.slice();
      m.set(src.subarray(0, Math.min(src.length, m.length - p)), p);
      log.push(`copy ${n} bytes from ${from} over ${p}`);
      break;
    }
  }
  return m;
}

export interface FuzzOptions<I, R> {
  /** Labels the printed counts and failure messages, e.g. "cifar". */
  name: string;
  seed: number;
  iterations: number;
  /** Build the mutated input for one index; append a line per mutation to `log`. */
  generate: (rng: FuzzRng, log: string[]) => I;
  /** Call the reader under test. Only this call is timed. */
  run: (input: I) => R;
  /** Throw (any error) when a parsed result is not structurally valid. */
  check: (result: R, input: I) => void;
  /** Optional: throw when a rejection was wrong (e.g. a reference reader accepts the input). */
  checkRejection?: (error: Error, input: I) => void;
  /** The reader's own error type: the only thing it may throw. */
  errorType: abstract new (...args: never[]) => Error;
  /** Longest a single call may take (once warm: see `warmupInputs`). */
  perInputMs: number;
  /** The first inputs run cold (JIT, first allocations) and get 5× the time; default 50. */
  warmupInputs?: number;
  /** Longest the whole run may take (generation included). */
  totalMs: number;
  /** Command a person can paste to replay one input (gets FUZZ_SEED/FUZZ_ONLY prepended). */
  replay: string;
  /** Optional label of an input's family (e.g. "gz", "tar"), for a per-family breakdown. */
  family?: (input: I) => string;
}

export interface FuzzReport {
  inputs: number;
  parsed: number;
  rejected: number;
  slowestMs: number;
  slowestIndex: number;
  /** Rejections grouped by message with numbers and quoted names stripped: shows which checks fired. */
  messageKinds: Map<string, number>;
  /** Per family: [parsed, rejected]. */
  families: Map<string, [number, number]>;
  line: string;
}

/** Reduce an error message to its kind: numbers, quoted strings and file names removed. */
export function messageKind(msg: string): string {
  return msg
    .replace(/"(?:[^"\\]|\\.)*"/g, '"…"')
    .replace(/[\w.-]*\.(tar|gz|bin|txt|safetensors|zip|png|jpe?g|webp)\b/gi, 'FILE')
    .replace(/-?\d+(\.\d+)?(e[+-]?\d+)?/gi, 'N')
    .slice(0, 120);
}

interface Outcome<R> {
  threw: boolean;
  error?: unknown;
  result?: R;
}

/** One fuzz run's state: the report, and the checks made on every input's outcome (shared by runFuzz and runFuzzAsync). */
class FuzzSession<I, R> {
  readonly only = process.env.FUZZ_ONLY !== undefined && /^\d+$/.test(process.env.FUZZ_ONLY) ? Number(process.env.FUZZ_ONLY) : undefined;
  readonly report: FuzzReport = { inputs: 0, parsed: 0, rejected: 0, slowestMs: 0, slowestIndex: -1, messageKinds: new Map(), families: new Map(), line: '' };
  readonly t0 = performance.now();
  constructor(private readonly o: FuzzOptions<I, R> | AsyncFuzzOptions<I, R>) {}

  /** The input for index i with its failure header, or undefined when FUZZ_ONLY skips it. */
  generate(i: number): { input: I; where: () => string } | undefined {
    const o = this.o;
    if (this.only !== undefined && i !== this.only) return undefined;
    const rng = new FuzzRng(o.seed, i);
    const log: string[] = [];
    const where = () =>
      `fuzz ${o.name}: input #${i} (seed ${o.seed})\n  mutations: ${log.join('; ') || 'none'}\n` +
      `  replay: FUZZ_SEED=${o.seed} FUZZ_ONLY=${i} ${o.replay}`;
    try {
      return { input: o.generate(rng, log), where };
    } catch (e) {
      throw new Error(`${where()}\n  the generator itself failed (a bug in the test): ${e instanceof Error ? e.stack : String(e)}`);
    }
  }

  /** Check one outcome (thrown error or result) and count it; returns the time limit it had to meet. */
  judge(i: number, input: I, where: () => string, out: Outcome<R>, ms: number): number {
    const { o, report } = this;
    report.inputs++;
    if (ms > report.slowestMs) {
      report.slowestMs = ms;
      report.slowestIndex = i;
    }
    if (out.threw) {
      const error = out.error;
      if (!(error instanceof o.errorType)) {
        const what = error instanceof Error ? `${error.name}: ${error.message}\n${error.stack?.split('\n').slice(1, 6).join('\n')}` : String(error);
        throw new Error(`${where()}\n  threw ${what}\n  (only ${o.errorType.name} is allowed)`);
      }
      const msg = error.message;
      const unquoted = msg.replace(/"(?:[^"\\]|\\.)*"/g, '""');
      if (msg.length === 0 || msg.length > 2000 || /undefined|NaN|\[object /.test(unquoted)) {
        throw new Error(`${where()}\n  unclear ${o.errorType.name} message (${msg.length} chars): ${msg.slice(0, 300)}`);
      }
      if (o.checkRejection) {
        try {
          o.checkRejection(error, input);
        } catch (e) {
          throw new Error(`${where()}\n  ${e instanceof Error ? e.message : String(e)}`);
        }
      }
      report.rejected++;
      const k = messageKind(msg);
      report.messageKinds.set(k, (report.messageKinds.get(k) ?? 0) + 1);
    } else {
      try {
        o.check(out.result as R, input);
      } catch (e) {
        throw new Error(`${where()}\n  parsed to an invalid result: ${e instanceof Error ? e.message : String(e)}`);
      }
      report.parsed++;
    }
    if (o.family) {
      const f = o.family(input);
      const counts = report.families.get(f) ?? [0, 0];
      counts[out.threw ? 1 : 0]++;
      report.families.set(f, counts);
    }
    return report.inputs <= (o.warmupInputs ?? 50) ? 5 * o.perInputMs : o.perInputMs;
  }

  slow(where: () => string, best: number, limit: number): never {
    throw new Error(`${where()}\n  took ${best.toFixed(0)} ms at best of 3 runs (limit ${limit} ms per input)`);
  }

  checkBudget(): void {
    const total = performance.now() - this.t0;
    if (total > this.o.totalMs) {
      throw new Error(`fuzz ${this.o.name}: ${this.report.inputs} inputs took ${total.toFixed(0)} ms, over the ${this.o.totalMs} ms budget (seed ${this.o.seed})`);
    }
  }

  finish(): FuzzReport {
    const { o, report } = this;
    const total = performance.now() - this.t0;
    report.line =
      `fuzz ${o.name}: ${report.inputs} inputs, ${report.parsed} parsed, ${report.rejected} rejected with ${o.errorType.name} ` +
      `(${report.messageKinds.size} distinct messages; seed ${o.seed}; ${total.toFixed(0)} ms, slowest input ${report.slowestMs.toFixed(1)} ms)`;
    if (report.families.size > 0) {
      const parts = [...report.families].map(([f, [p, r]]) => `${f} ${p}/${r}`);
      report.line += `\n  by family (parsed/rejected): ${parts.join(', ')}`;
    }
    if (process.env.FUZZ_VERBOSE) {
      const kinds = [...report.messageKinds].sort((a, b) => b[1] - a[1]);
      report.line += '\n' + kinds.map(([k, n]) => `  ${String(n).padStart(5)}  ${k}`).join('\n');
    }
    console.log(report.line);
    return report;
  }
}

/**
 * Run `iterations` seeded inputs through `run`. Each must return a result that passes `check`,
 * or throw `errorType`, within `perInputMs`. Anything else fails with the seed, the index, and
 * the mutations, so the input can be replayed (FUZZ_ONLY runs that index alone).
 */
export function runFuzz<I, R>(o: FuzzOptions<I, R>): FuzzReport {
  const session = new FuzzSession(o);
  for (let i = 0; i < o.iterations; i++) {
    const g = session.generate(i);
    if (!g) continue;
    const timed = (): [Outcome<R>, number] => {
      const start = performance.now();
      let out: Outcome<R>;
      try {
        out = { threw: false, result: o.run(g.input) };
      } catch (error) {
        out = { threw: true, error };
      }
      return [out, performance.now() - start];
    };
    const [out, ms] = timed();
    const limit = session.judge(i, g.input, g.where, out, ms);
    // A garbage collection or a busy machine (other test files run alongside) can stall one
    // call: time the same input twice more and fail only when every run is slow.
    let best = ms;
    for (let k = 0; k < 2 && best > limit; k++) best = Math.min(best, timed()[1]);
    if (best > limit) session.slow(g.where, best, limit);
    session.checkBudget();
  }
  return session.finish();
}

/** FuzzOptions for a reader that returns a promise (the image-folder reader awaits its decoder). */
export interface AsyncFuzzOptions<I, R> extends Omit<FuzzOptions<I, R>, 'run'> {
  run: (input: I) => Promise<R>;
}

/** runFuzz for an async reader: the same checks, each input awaited before the next. */
export async function runFuzzAsync<I, R>(o: AsyncFuzzOptions<I, R>): Promise<FuzzReport> {
  const session = new FuzzSession(o);
  for (let i = 0; i < o.iterations; i++) {
    const g = session.generate(i);
    if (!g) continue;
    const timed = async (): Promise<[Outcome<R>, number]> => {
      const start = performance.now();
      let out: Outcome<R>;
      try {
        out = { threw: false, result: await o.run(g.input) };
      } catch (error) {
        out = { threw: true, error };
      }
      return [out, performance.now() - start];
    };
    const [out, ms] = await timed();
    const limit = session.judge(i, g.input, g.where, out, ms);
    let best = ms;
    for (let k = 0; k < 2 && best > limit; k++) best = Math.min(best, (await timed())[1]);
    if (best > limit) session.slow(g.where, best, limit);
    session.checkBudget();
  }
  return session.finish();
}
