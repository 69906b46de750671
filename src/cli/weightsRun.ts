// A run's weights as the commands that look at one take them (embed, latents): --weights read,
// its config with the command line laid over, the dataset opened and a trainer holding the weights.
import { selectSubsetSplits } from '../data/subset';
import type { DatasetSplits } from '../data/types';
import type { LabConfig } from '../engine/config';
import { Trainer } from '../engine/trainer';
import { parseCli, UsageError, type CliOptions } from './args';
import { openForCommand } from './dataset';
import { readWeightsFile, type WeightsFile } from './weightsFile';

export interface WeightsConfig<Extra extends string> extends CliOptions<Extra> {
  weights: WeightsFile;
}

/**
 * --weights (required) read, and the flags laid over its config. Another --dataset keeps the
 * architecture and seed, not the pretraining subset (its classes name the other set's).
 */
export function configFromWeights<Extra extends string>(argv: string[], flags: readonly Extra[]): WeightsConfig<Extra> {
  const weightsPath = (parseCli(argv, flags).extra as Record<string, string | undefined>).weights;
  if (!weightsPath) throw new UsageError('--weights FILE.safetensors is required');
  const weights = readWeightsFile(weightsPath);
  const pretrainDataset = String(weights.config.dataset ?? 'synthetic');
  const first = parseCli(argv, flags, weights.config);
  const { subset: _pretrainSubset, ...architecture } = weights.config;
  return { ...(first.config.dataset === pretrainDataset ? first : parseCli(argv, flags, architecture)), weights };
}

/**
 * The config's dataset (its subset; `testPerClass` test images a class, 0 = all) and a trainer
 * holding the weights; the caller disposes it. A file that does not fit the model is refused and
 * the trainer disposed.
 */
export async function trainerWithWeights(config: LabConfig, weights: WeightsFile, testPerClass: number): Promise<{ data: DatasetSplits; trainer: Trainer }> {
  const data = selectSubsetSplits((await openForCommand(config.dataset, config.seed)).splits, config.subset, config.seed, testPerClass);
  const trainer = Trainer.create(config, data);
  try {
    await trainer.importSafetensors(weights.bytes);
  } catch (e) {
    trainer.dispose();
    throw e;
  }
  return { data, trainer };
}
