// npm run bias-demo -- --out DIR [--depth L] [--lambdas 1,0.5] [--rhos 0.5,0.9] [--steps N]
//   [--lr η] [--init ε]
// Trains a deep linear MAE and a deep linear JEPA side by side on the same synthetic Gaussian
// features (src/engine/deepLinear.ts) and writes DIR/bias-demo.json (settings, both objectives'
// curves, critical times, the sentence) and DIR/bias-demo.svg; prints one JSON line.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DeepLinearSettingError, runBiasDemo, type BiasDemoResult, type DeepLinearSettings } from '../engine/deepLinear';
import { numberFlag, numberListFlag, UsageError, wholeFlag } from './args';
import { biasDemoSvg } from './biasDemoSvg';

const FLAGS = ['out', 'depth', 'lambdas', 'rhos', 'steps', 'lr', 'init'] as const;

export interface BiasDemoSummary {
  out: string;
  depth: number;
  criticalTimes: { mae: (number | null)[]; jepa: (number | null)[] };
  sentence: string;
}

/** The command's flags as demo settings (checked by the engine, which names the field = flag). */
function settingsFrom(values: Record<string, string | undefined>): Partial<DeepLinearSettings> {
  const s: Partial<DeepLinearSettings> = {};
  const lambdas = numberListFlag('lambdas', values.lambdas);
  const rhos = numberListFlag('rhos', values.rhos);
  if (lambdas) s.lambdas = lambdas;
  if (rhos) s.rhos = rhos;
  if (lambdas && !rhos) throw new UsageError(`--rhos: give one ρ per feature with --lambdas (${lambdas.length} values)`);
  if (rhos && !lambdas) throw new UsageError(`--lambdas: give one λ per feature with --rhos (${rhos.length} values)`);
  if (values.depth !== undefined) s.depth = wholeFlag('depth', values.depth, 0);
  if (values.steps !== undefined) s.steps = wholeFlag('steps', values.steps, 0);
  if (values.lr !== undefined) s.lr = numberFlag('lr', values.lr, 0);
  if (values.init !== undefined) s.init = numberFlag('init', values.init, 0);
  return s;
}

/** Run the demo command; returns what it printed. */
export async function biasDemoCommand(argv: string[], log: (line: string) => void = console.log): Promise<BiasDemoSummary> {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, options: Object.fromEntries(FLAGS.map((f) => [f, { type: 'string' as const }])), strict: true, allowPositionals: false }));
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0]);
  }
  if (!values.out) throw new UsageError('--out DIR is required');
  let result: BiasDemoResult;
  try {
    result = runBiasDemo(settingsFrom(values));
  } catch (e) {
    if (e instanceof DeepLinearSettingError) throw new UsageError(`--${e.message}`);
    throw e;
  }
  mkdirSync(values.out, { recursive: true });
  writeFileSync(join(values.out, 'bias-demo.json'), JSON.stringify(result) + '\n');
  writeFileSync(join(values.out, 'bias-demo.svg'), biasDemoSvg(result));
  const summary: BiasDemoSummary = {
    out: values.out,
    depth: result.settings.depth,
    criticalTimes: { mae: result.mae.criticalTimes, jepa: result.jepa.criticalTimes },
    sentence: result.sentence,
  };
  log(JSON.stringify(summary));
  return summary;
}
