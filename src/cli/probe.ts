// npm run probe -- --weights FILE.safetensors --dataset synthetic|PATH [subset flags] --out DIR
// Linear probe of a trained target encoder against the same architecture at random init.
// Prints one JSON line {top1, top5, randomInitTop1, randomInitTop5, trainCount, testCount}
// and writes it to DIR/probe.json.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDataset } from '../data/node';
import { selectSubsetSplits } from '../data/subset';
import { probeEncoder } from '../engine/probe';
import { Trainer } from '../engine/trainer';
import { readSafetensors } from '../io/safetensors';
import { parseCli, UsageError } from './args';
import { useBackend } from './backend';
import { runMain } from './main';

const PROBE_FLAGS = ['weights', 'out', 'backend', 'epochs'] as const;

/** The run's config from a weights file's metadata. */
function configOf(path: string): Record<string, unknown> {
  const file = readSafetensors(readFileSync(path));
  try {
    return JSON.parse(file.metadata.config ?? 'null') ?? {};
  } catch {
    throw new UsageError(`${path}: __metadata__.config is not JSON`);
  }
}

async function probe(argv: string[]): Promise<void> {
  const weightsPath = parseCli(argv, PROBE_FLAGS).extra.weights;
  if (!weightsPath) throw new UsageError('--weights FILE.safetensors is required');
  const { config, extra } = parseCli(argv, PROBE_FLAGS, configOf(weightsPath));
  if (!extra.out) throw new UsageError('--out DIR is required');
  const epochs = extra.epochs === undefined ? undefined : Number(extra.epochs);
  if (epochs !== undefined && !(Number.isInteger(epochs) && epochs > 0)) throw new UsageError(`--epochs: expected a whole number > 0, got '${extra.epochs}'`);
  await useBackend(extra.backend ?? 'wasm');

  const data = selectSubsetSplits(loadDataset(config.dataset, config.seed), config.subset, config.seed);
  const trained = Trainer.create(config, data);
  const randomInit = Trainer.create(config, data); // same seed: the run's own starting point
  await trained.importSafetensors(readFileSync(weightsPath));
  const opts = { seed: config.seed, ...(epochs ? { epochs } : {}) };
  const r = await probeEncoder(trained, data, opts);
  const floor = await probeEncoder(randomInit, data, opts);
  const result = {
    top1: r.top1,
    top5: r.top5,
    randomInitTop1: floor.top1,
    randomInitTop5: floor.top5,
    trainCount: r.trainCount,
    testCount: r.testCount,
    weights: weightsPath,
    dataset: data.train.name,
  };
  mkdirSync(extra.out, { recursive: true });
  writeFileSync(join(extra.out, 'probe.json'), JSON.stringify(result, null, 2) + '\n');
  console.log(JSON.stringify(result));
  trained.dispose();
  randomInit.dispose();
}

runMain('probe', probe);
