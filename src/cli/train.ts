// npm run train -- --dataset synthetic|PATH --preset micro|small|vit-tiny --mode jepa|sparse
//   --steps N --batch B --lr X --lambda X --beta X --seed S --out DIR [subset flags]
// Writes DIR/config.json, DIR/metrics.jsonl (one object per step) and DIR/weights.safetensors.
import { mkdirSync, openSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { loadDataset } from '../data/node';
import { selectSubsetSplits } from '../data/subset';
import { Trainer } from '../engine/trainer';
import { FLAG_HELP, parseCli, UsageError } from './args';
import { useBackend } from './backend';
import { runMain } from './main';

async function train(argv: string[]): Promise<void> {
  const { config, extra } = parseCli(argv, ['out', 'backend', 'log-every'] as const);
  if (!extra.out) throw new UsageError(`--out DIR is required (flags: ${FLAG_HELP} --out --backend --log-every)`);
  const logEvery = extra['log-every'] === undefined ? 10 : Number(extra['log-every']);
  if (!Number.isInteger(logEvery) || logEvery < 0) throw new UsageError(`--log-every: expected a whole number, got '${extra['log-every']}'`);
  const backend = await useBackend(extra.backend ?? 'wasm');

  const data = selectSubsetSplits(loadDataset(config.dataset, config.seed), config.subset, config.seed);
  mkdirSync(extra.out, { recursive: true });
  writeFileSync(join(extra.out, 'config.json'), JSON.stringify(config, null, 2) + '\n');
  const trainer = Trainer.create(config, data);
  console.error(
    `train: ${config.mode} ${config.preset} on ${data.train.name} (${data.train.size} train images, ` +
      `${data.train.classNames.length} classes), ${config.steps} steps, backend ${backend}`,
  );

  const metricsFd = openSync(join(extra.out, 'metrics.jsonl'), 'w');
  try {
    for (let i = 0; i < config.steps; i++) {
      const m = await trainer.step();
      writeSync(metricsFd, JSON.stringify(m) + '\n');
      if (logEvery > 0 && (m.step % logEvery === 0 || m.step === 1)) {
        const zeros = m.zeroShare === undefined ? '' : ` zero-cols ${(100 * m.zeroShare).toFixed(1)}%`;
        console.error(
          `step ${m.step} loss ${m.loss.toFixed(4)} pred ${m.predLoss.toFixed(4)} kl ${m.klLoss.toFixed(3)} ` +
            `group ${m.groupPenalty.toFixed(3)}${zeros} lr ${m.lr.toExponential(2)} ${m.imgPerSec.toFixed(1)} img/s`,
        );
      }
    }
  } finally {
    closeSync(metricsFd);
  }
  writeFileSync(join(extra.out, 'weights.safetensors'), await trainer.exportSafetensors());
  console.log(JSON.stringify({ out: extra.out, steps: trainer.stepCount, backend }));
  trainer.dispose();
}

runMain('train', train);
