// npm run export-dataset -- --dataset synthetic|synthetic:N|PATH --out FILE.tar.gz [--seed S]
//   [--classes …] [--superclasses …] [--per-class N] [--test-per-class N] [--layout cifar-10|cifar-100]
// Writes the dataset (the built-in one, or a subset of a CIFAR archive) as a CIFAR binary archive,
// e.g. for the PyTorch trainer (interop/pytorch/train.py), which has no built-in data. The built-in
// data depends on the seed: export it with the run's seed to train on the same images.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { cifarArchive, defaultLayout, type CifarLayout } from '../data/cifarWrite';
import { loadDataset } from '../data/node';
import { selectSubsetSplits } from '../data/subset';
import { SubsetSchema } from '../engine/config';
import { UsageError, wholeFlag } from './args';

const FLAGS = ['dataset', 'out', 'seed', 'classes', 'superclasses', 'per-class', 'test-per-class', 'layout'] as const;

const list = (s: string | undefined) => (s ?? '').split(',').map((x) => x.trim()).filter(Boolean).map((x) => (/^\d+$/.test(x) ? Number(x) : x));

export async function exportDatasetCommand(argv: string[], log: (line: string) => void = console.log): Promise<{ out: string; train: number; test: number; layout: CifarLayout }> {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, options: Object.fromEntries(FLAGS.map((f) => [f, { type: 'string' as const }])), strict: true, allowPositionals: false }));
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0]);
  }
  if (!values.out) throw new UsageError(`--out FILE.tar.gz is required (flags: ${FLAGS.map((f) => `--${f}`).join(' ')})`);
  const layout = values.layout;
  if (layout !== undefined && layout !== 'cifar-10' && layout !== 'cifar-100') throw new UsageError(`--layout: expected cifar-10 or cifar-100, got '${layout}'`);
  const seed = wholeFlag('seed', values.seed, 0, 0);
  const subset = SubsetSchema.safeParse({ classes: list(values.classes), superclasses: list(values.superclasses), perClass: wholeFlag('per-class', values['per-class'], 0, 0) });
  if (!subset.success) throw new UsageError(subset.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const testPerClass = wholeFlag('test-per-class', values['test-per-class'], 0, 0);

  const splits = selectSubsetSplits(loadDataset(values.dataset ?? 'synthetic', seed), subset.data, seed, testPerClass);
  const chosen = layout ?? defaultLayout(splits);
  writeFileSync(values.out, cifarArchive(splits, chosen));
  const summary = { out: values.out, train: splits.train.size, test: splits.test.size, classes: splits.train.classNames.length, layout: chosen };
  log(JSON.stringify(summary));
  return summary;
}
