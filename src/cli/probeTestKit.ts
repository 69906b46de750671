// For the probe command's tests: a weights file trained a few steps, and the one-line refusal of
// a command line.
import { writeFileSync } from 'node:fs';
import { expect } from 'vitest';
import { loadDataset } from '../data/node';
import { selectSubsetSplits } from '../data/subset';
import type { LabConfig } from '../engine/config';
import { Trainer } from '../engine/trainer';
import { UsageError } from './args';
import { probeCommand } from './probeCommand';

/** Writes to `path` the weights of `config` after `steps` steps, trained on `dataset` (default: the config's). */
export async function weightsAfter(config: LabConfig, steps: number, path: string, dataset = config.dataset): Promise<string> {
  const data = selectSubsetSplits(loadDataset(dataset, config.seed), config.subset, config.seed);
  const t = Trainer.create(config, data);
  for (let i = 0; i < steps; i++) await t.step();
  writeFileSync(path, await t.exportSafetensors());
  t.dispose();
  return path;
}

/** The UsageError message `npm run probe` refuses these flags with. */
export async function probeRefusal(argv: string[]): Promise<string> {
  const e = await probeCommand(argv, () => {}).then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(UsageError);
  return (e as Error).message;
}
