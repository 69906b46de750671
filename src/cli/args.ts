// Command-line flags → the one config schema. Each flag names a config field; values are
// checked here for type and by the schema for range, and errors name the flag.
import { parseArgs } from 'node:util';
import { parseClassList } from '../engine/classList';
import { ConfigError, ConfigSchema, parseConfig, type LabConfig } from '../engine/config';

export class UsageError extends Error {
  override name = 'UsageError';
}

type Kind = 'string' | 'number' | 'int' | 'list' | 'bool' | 'range';
/** flag → [config field, kind]. */
const CONFIG_FLAGS: Record<string, [string, Kind]> = {
  dataset: ['dataset', 'string'],
  preset: ['preset', 'string'],
  mode: ['mode', 'string'],
  steps: ['steps', 'int'],
  batch: ['batchSize', 'int'],
  lr: ['lr', 'number'],
  lambda: ['lambda', 'number'],
  beta: ['beta', 'number'],
  seed: ['seed', 'int'],
  k: ['latentDim', 'int'],
  grouping: ['grouping', 'string'],
  proximal: ['proximal', 'bool'],
  'prediction-reduction': ['predictionReduction', 'string'],
  'group-optimizer': ['groupOptimizer', 'string'],
  'group-lr': ['groupLr', 'number'],
  'group-init': ['groupInit', 'string'],
  'patch-size': ['patchSize', 'int'],
  'mask-strategy': ['maskStrategy', 'string'],
  'mask-ratio': ['maskRatio', 'number'],
  'num-targets': ['numTargets', 'int'],
  'min-keep': ['minKeep', 'int'],
  'warmup-fraction': ['warmupFraction', 'number'],
  'predictor-width-ratio': ['predictorWidthRatio', 'number'],
  ema: ['emaMomentum', 'range'],
  wd: ['weightDecay', 'range'],
  'patch-embed-std': ['patchEmbedStd', 'number'],
  'norms-every': ['normsEvery', 'int'],
  'zero-threshold': ['zeroThreshold', 'number'],
  'probe-every': ['probeEvery', 'int'],
  'health-every': ['healthEvery', 'int'],
  'target-encoder': ['targetEncoder', 'string'],
  'no-mae-norm-pix': ['maeNormPix', 'bool'],
  'checkpoint-every': ['checkpointEvery', 'int'],
  'crop-pad': ['cropPad', 'int'],
  'no-flip': ['flip', 'bool'],
  classes: ['subset.classes', 'list'],
  superclasses: ['subset.superclasses', 'list'],
  'per-class': ['subset.perClass', 'int'],
};

/** config field → flag, to name the flag in range errors. */
const FLAG_OF_FIELD = new Map(Object.entries(CONFIG_FLAGS).map(([flag, [field]]) => [field, flag]));

export interface CliOptions<Extra extends string> {
  config: LabConfig;
  /** Only the config fields the command line set (to lay over a config read from a file). */
  given: Record<string, unknown>;
  extra: Record<Extra, string | undefined>;
}

function convert(flag: string, kind: Kind, raw: string | boolean): unknown {
  if (kind === 'bool') return flag.startsWith('no-') ? !raw : raw;
  const s = String(raw);
  if (kind === 'string') return s;
  if (kind === 'list') {
    try {
      return parseClassList(s); // indices, names and ranges: 0-9, 0-4,7
    } catch (e) {
      throw new UsageError(`--${flag}: ${(e as Error).message}`);
    }
  }
  if (kind === 'range') {
    const parts = s.split(',');
    const nums = parts.map((x) => (x.trim() === '' ? NaN : Number(x)));
    if (parts.length !== 2 || nums.some((n) => !Number.isFinite(n))) throw new UsageError(`--${flag}: expected two numbers FROM,TO, got '${s}'`);
    return nums;
  }
  const n = Number(s);
  if (s.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${flag}: expected a number, got '${s}'`);
  if (kind === 'int' && !Number.isInteger(n)) throw new UsageError(`--${flag}: expected a whole number, got '${s}'`);
  return n;
}

/**
 * Parse argv into a validated config plus the command's own extra string flags.
 * @param base config fields the flags are laid over (e.g. read from a weights file).
 */
export function parseCli<Extra extends string>(argv: string[], extraFlags: readonly Extra[], base: Record<string, unknown> = {}): CliOptions<Extra> {
  const options: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const [flag, [, kind]] of Object.entries(CONFIG_FLAGS)) options[flag] = { type: kind === 'bool' ? 'boolean' : 'string' };
  for (const f of extraFlags) options[f] = { type: 'string' };
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false }));
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0]);
  }
  const input: Record<string, unknown> = {};
  const subset: Record<string, unknown> = {};
  for (const [flag, raw] of Object.entries(values)) {
    if (raw === undefined || !(flag in CONFIG_FLAGS)) continue;
    const [field, kind] = CONFIG_FLAGS[flag];
    const v = convert(flag, kind, raw);
    if (field.startsWith('subset.')) subset[field.slice(7)] = v;
    else input[field] = v;
  }
  if (Object.keys(subset).length) input.subset = subset;
  const merged = { ...base, ...input };
  // Out-of-range values name the flag the user typed, not only the config field.
  const named = (field: string) => {
    const flag = FLAG_OF_FIELD.get(field);
    return flag && flag in values ? `--${flag}` : field;
  };
  const checked = ConfigSchema.safeParse(merged);
  if (!checked.success) {
    const issues = checked.error.issues.map((i) => `${named(i.path.filter((k) => typeof k !== 'number').join('.')) || '(config)'}: ${i.message}`);
    throw new UsageError(issues.join('; '));
  }
  let config: LabConfig;
  try {
    config = parseConfig(merged);
  } catch (e) {
    // A cross-field rule (maskStrategy and mode, maskRatio and the grid) names its field's flag too.
    const field = e instanceof ConfigError ? e.field : undefined;
    throw new UsageError(field ? `${named(field)}: ${(e as Error).message}` : (e as Error).message);
  }
  const extra = Object.fromEntries(extraFlags.map((f) => [f, values[f] as string | undefined])) as Record<Extra, string | undefined>;
  return { config, given: input, extra };
}

export const FLAG_HELP = Object.keys(CONFIG_FLAGS).map((f) => `--${f}`).join(' ');

/** A whole number ≥ min from an optional flag value. */
export function wholeFlag(flag: string, raw: string | undefined, fallback: number, min = 1): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(n) || n < min) throw new UsageError(`--${flag}: expected a whole number ≥ ${min}, got '${raw}'`);
  return n;
}

/** A finite number from an optional flag value. */
export function numberFlag(flag: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${flag}: expected a number, got '${raw}'`);
  return n;
}

/** Comma-separated finite numbers from an optional flag value (`--lambdas 1,0.5`). */
export function numberListFlag(flag: string, raw: string | undefined): number[] | undefined {
  if (raw === undefined) return undefined;
  const parts = raw.split(',').map((x) => x.trim());
  const nums = parts.map((x) => (x === '' ? NaN : Number(x)));
  if (nums.some((n) => !Number.isFinite(n))) throw new UsageError(`--${flag}: expected numbers separated by commas, got '${raw}'`);
  return nums;
}
