// npm run probe -- --weights FILE.safetensors [--dataset ID|PATH] [subset flags] --out DIR
// Linear probe of a trained target encoder against the same architecture at random init (the
// run's own starting point: same config, same seed), both on the probe dataset. That is the
// pretraining dataset (from the file's metadata) unless --dataset names another — a transfer
// probe, the paper's table I: pretrained on A, probed on B, beside the floor on B. Prints one JSON
// line {top1, top5, randomInitTop1, randomInitTop5, trainCount, testCount, pretrainDataset,
// probeDataset, probe, …} and writes it to DIR/probe.json. --kind attentive fits V-JEPA's
// attentive probe instead (learned queries cross-attending over the patch tokens) and writes
// DIR/probe-attentive.json; --kind knn [--k 20] [--temperature 0.07] DINO's weighted k-NN
// classifier on the mean-pooled features, written to DIR/probe-knn.json with its k and
// temperature. Here --k is the k-NN's neighbour count, not the latent count K (that comes from
// the weights file: the architecture is not a probe's to change).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isBuiltInDataset } from '../data/builtin';
import { selectSubsetSplits } from '../data/subset';
import type { DatasetSplits } from '../data/types';
import { withFloor, type ProbeResult, type ProbeWithFloor } from '../engine/probe';
import { DEFAULT_KNN_PROBE } from '../engine/knnProbe';
import { PROBE_KINDS, probeEncoderOfKind, type AnyProbeOptions, type ProbeKind } from '../engine/probeKind';
import { Trainer } from '../engine/trainer';
import { readSafetensors, type SafetensorsFile } from '../io/safetensors';
import { numberFlag, parseCli, UsageError, wholeFlag } from './args';
import { useBackend } from './backend';
import { openForCommand } from './dataset';

export const PROBE_FLAGS = ['weights', 'out', 'backend', 'epochs', 'test-per-class', 'kind', 'heads', 'queries', 'temperature'] as const;

type ProbeExtra = Record<(typeof PROBE_FLAGS)[number], string | undefined> & { k?: string };

/** argv without --k N / --k=N, and its value: the probe's --k is the k-NN's k, so the config's --k (latentDim) never sees it. */
function takeK(argv: string[]): { argv: string[]; k: string | undefined } {
  const rest: string[] = [];
  let k: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--k') {
      if (i + 1 >= argv.length || argv[i + 1].startsWith('--')) throw new UsageError('--k: expected a whole number ≥ 1 after it');
      k = argv[++i];
    } else if (argv[i].startsWith('--k=')) k = argv[i].slice(4);
    else rest.push(argv[i]);
  }
  return { argv: rest, k };
}

/** --kind, and each read-out's own flags (refused with the others). */
function probeKindOf(extra: ProbeExtra): { kind: ProbeKind; opts: AnyProbeOptions } {
  const kind = (extra.kind ?? 'linear') as ProbeKind;
  if (!PROBE_KINDS.includes(kind)) throw new UsageError(`--kind: expected one of ${PROBE_KINDS.join(', ')}, got '${extra.kind}'`);
  const opts: AnyProbeOptions = {};
  for (const flag of ['heads', 'queries'] as const) {
    if (extra[flag] === undefined) continue;
    if (kind !== 'attentive') throw new UsageError(`--${flag}: only for --kind attentive`);
    opts[flag] = wholeFlag(flag, extra[flag], 1);
  }
  for (const flag of ['k', 'temperature'] as const) {
    if (extra[flag] !== undefined && kind !== 'knn') throw new UsageError(`--${flag}: only for --kind knn`);
  }
  if (kind === 'knn') {
    if (extra.epochs !== undefined) throw new UsageError('--epochs: not for --kind knn (nothing is fitted)');
    opts.k = wholeFlag('k', extra.k, DEFAULT_KNN_PROBE.k, 1);
    opts.temperature = numberFlag('temperature', extra.temperature, DEFAULT_KNN_PROBE.temperature);
    if (!(opts.temperature > 0)) throw new UsageError(`--temperature: expected a number > 0, got '${extra.temperature}'`);
  }
  return { kind, opts };
}

/** The weights file, read and parsed; errors name the file. */
function readWeights(path: string): { bytes: Uint8Array; file: SafetensorsFile } {
  if (!existsSync(path)) throw new UsageError(`--weights: file not found: ${path}`);
  const bytes = new Uint8Array(readFileSync(path));
  try {
    return { bytes, file: readSafetensors(bytes) };
  } catch (e) {
    throw new UsageError(`--weights: ${path} is not a readable .safetensors file: ${(e as Error).message}`);
  }
}

/** The run's config from a weights file's metadata. */
function configOf(path: string, file: SafetensorsFile): Record<string, unknown> {
  const text = file.metadata.config;
  if (text === undefined) throw new UsageError(`--weights: ${path} has no __metadata__.config (not written by this lab?)`);
  try {
    const c: unknown = JSON.parse(text);
    if (c && typeof c === 'object' && !Array.isArray(c)) return c as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new UsageError(`--weights: ${path}: __metadata__.config is not a JSON object`);
}

/** The probe; a bad setting (heads that do not divide D) is reported under its flag. */
async function probeNamingFlags(kind: ProbeKind, encoder: Trainer, data: DatasetSplits, opts: AnyProbeOptions): Promise<ProbeResult> {
  try {
    return await probeEncoderOfKind(kind, encoder, data, opts);
  } catch (e) {
    if (e instanceof RangeError && /^(heads|queries|k|temperature): /.test(e.message)) throw new UsageError(`--${e.message}`);
    throw e;
  }
}

export interface ProbeSummary extends ProbeWithFloor {
  /** Which read-out: the mean-pooled linear probe, the attentive probe or the k-NN classifier. */
  probe: ProbeKind;
  /** The k-NN probe's neighbours per test image (as asked: a train split smaller than k votes whole) and vote temperature; only for --kind knn. */
  k?: number;
  temperature?: number;
  weights: string;
  /** What the weights were trained on (their metadata's config.dataset). */
  pretrainDataset: string;
  /** What the probe was fitted and scored on: pretrainDataset, or --dataset. */
  probeDataset: string;
  /** Classes of the probe dataset (after any subset): chance is 1 / numClasses. */
  numClasses: number;
  mode: string;
  preset: string;
  seed: number;
  step: number;
}

/** Run the probe command; returns what it printed. */
export async function probeCommand(argvIn: string[], log: (line: string) => void = console.log): Promise<ProbeSummary> {
  const { argv, k } = takeK(argvIn);
  const weightsPath = parseCli(argv, PROBE_FLAGS).extra.weights;
  if (!weightsPath) throw new UsageError('--weights FILE.safetensors is required');
  const { bytes, file } = readWeights(weightsPath);
  const trained = configOf(weightsPath, file);
  const pretrainDataset = String(trained.dataset ?? 'synthetic');
  const first = parseCli(argv, PROBE_FLAGS, trained);
  const probeDataset = first.config.dataset;
  // A transfer probe keeps the architecture and seed but not the pretraining subset: its classes
  // name A's classes. Only subset flags given here apply to B.
  const { subset: _pretrainSubset, ...architecture } = trained;
  const { config, extra } = probeDataset === pretrainDataset ? first : parseCli(argv, PROBE_FLAGS, architecture);
  if (!extra.out) throw new UsageError('--out DIR is required');
  if (probeDataset === pretrainDataset && !isBuiltInDataset(probeDataset) && !existsSync(probeDataset)) {
    throw new UsageError(
      `the weights were pretrained on ${JSON.stringify(pretrainDataset)}, which is neither a built-in dataset nor a path here: pass --dataset ID|PATH to probe on`,
    );
  }
  const epochs = extra.epochs === undefined ? undefined : wholeFlag('epochs', extra.epochs, 0);
  const testPerClass = wholeFlag('test-per-class', extra['test-per-class'], 0, 0);
  const { kind, opts: kindOpts } = probeKindOf({ ...extra, k });
  await useBackend(extra.backend ?? 'wasm');

  const loaded = await openForCommand(probeDataset, config.seed);
  const data = selectSubsetSplits(loaded.splits, config.subset, config.seed, testPerClass);
  const model = Trainer.create(config, data);
  const randomInit = Trainer.create(config, data); // same config and seed: the run's own starting point
  try {
    await model.importSafetensors(bytes);
    const opts: AnyProbeOptions = { seed: config.seed, ...(epochs ? { epochs } : {}), ...kindOpts };
    const r = await probeNamingFlags(kind, model, data, opts);
    const floor = await probeNamingFlags(kind, randomInit, data, opts);
    const result: ProbeSummary = {
      ...withFloor(r, floor),
      probe: kind,
      ...(kind === 'knn' ? { k: kindOpts.k, temperature: kindOpts.temperature } : {}),
      weights: weightsPath,
      pretrainDataset,
      probeDataset,
      numClasses: data.train.classNames.length,
      mode: config.mode,
      preset: config.preset,
      seed: config.seed,
      step: Number(file.metadata.step ?? 0),
    };
    mkdirSync(extra.out, { recursive: true });
    writeFileSync(join(extra.out, kind === 'linear' ? 'probe.json' : `probe-${kind}.json`), JSON.stringify(result, null, 2) + '\n');
    log(JSON.stringify(result));
    return result;
  } finally {
    model.dispose();
    randomInit.dispose();
  }
}
