// npm run train -- --dataset synthetic|counting|PATH --preset micro|small|vit-tiny --mode jepa|sparse|mae
//   --steps N --batch B --lr X --lambda X --beta X --seed S --out DIR [subset flags]
//   [--probe-every N [--probe-epochs E]] [--health-every N] [--target-encoder online-no-stopgrad]
//   [--trace-batches DIR]
// Writes DIR/config.json, DIR/metrics.jsonl (one object per step), DIR/weights.safetensors and,
// with --probe-every, DIR/probes.jsonl (the linear probe at step 0 — the random-init floor — every
// N steps and at the end; each line is also printed); with --health-every, DIR/health.jsonl (the
// evaluated encoder's representation health at step 0, every N steps and at the end, also printed);
// with --trace-batches DIR, the step-0 weights and every step's batch and masks (see TrainRunOptions).
import { appendFileSync, closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { selectSubsetSplits } from '../data/subset';
import type { DatasetSplits } from '../data/types';
import { encodeBatchFile } from '../engine/batchFile';
import { probeEncoder, type ProbeOptions, type ProbeResult, type ProbeWithFloor } from '../engine/probe';
import type { LabConfig } from '../engine/config';
import type { RepresentationHealth } from '../engine/representationHealth';
import { Trainer } from '../engine/trainer';
import { FLAG_HELP, parseCli, UsageError, wholeFlag } from './args';
import { useBackend } from './backend';
import { openForCommand } from './dataset';

const TRAIN_FLAGS = ['out', 'backend', 'log-every', 'probe-epochs', 'trace-batches'] as const;

/** One line of probes.jsonl: the probe at `step`, next to the run's random-init floor. */
export interface ProbePoint extends ProbeWithFloor {
  step: number;
}

/** Probes the trainer's target encoder at chosen steps; the first call (step 0) is the floor. */
class ProbeSeries {
  readonly points: ProbePoint[] = [];

  constructor(
    private readonly path: string,
    private readonly data: DatasetSplits,
    private readonly opts: Partial<ProbeOptions>,
    private readonly log: (line: string) => void,
    private floor: ProbeResult | null = null,
  ) {
    writeFileSync(path, '');
  }

  async record(trainer: Trainer): Promise<ProbePoint> {
    const r = trainer.stepCount === 0 && this.floor ? this.floor : await probeEncoder(trainer, this.data, this.opts);
    this.floor ??= r; // step 0: the untrained encoder of this very run
    const point = { step: trainer.stepCount, ...r, randomInitTop1: this.floor.top1, randomInitTop5: this.floor.top5 };
    this.points.push(point);
    appendFileSync(this.path, JSON.stringify(point) + '\n');
    this.log(JSON.stringify({ probe: point }));
    console.error(`probe at step ${point.step}: top-1 ${point.top1.toFixed(3)} top-5 ${point.top5.toFixed(3)} (random init ${point.randomInitTop1.toFixed(3)})`);
    return point;
  }
}

export interface TrainRunOptions {
  out: string;
  /** Console progress every n steps (0 = none). */
  logEvery: number;
  probeEpochs?: number;
  /** The probe of this config's untrained model, when already known (a sweep shares it across modes). */
  floor?: ProbeResult;
  log: (line: string) => void;
  /**
   * Write the run's step-0 weights (DIR/initial-weights.safetensors) and every step's batch and
   * masks (DIR/batch-000001.safetensors, …; engine/batchFile.ts) here, for a check from outside
   * (interop/pytorch/ijepa_parity.py replays them through the I-JEPA reference code).
   */
  traceBatches?: string;
}

/**
 * One line of health.jsonl: Trainer.representationHealth at `step` over patch tokens and
 * mean-pooled; with an EMA target also the context encoder's (tokens), which trains at full speed.
 */
export interface HealthPoint {
  step: number;
  tokens: RepresentationHealth;
  pooled: RepresentationHealth;
  contextTokens?: RepresentationHealth;
}

export interface TrainRunResult {
  probes: ProbePoint[];
  predLosses: number[];
  zeroShare: number | null;
}

/**
 * Train one run to its last step and write DIR/config.json, DIR/metrics.jsonl, DIR/probes.jsonl
 * (config.probeEvery > 0, or always when `forceProbe`: the floor at step 0 and the end) and
 * DIR/weights.safetensors.
 */
export async function trainRun(config: LabConfig, data: DatasetSplits, o: TrainRunOptions, forceProbe = false): Promise<TrainRunResult> {
  mkdirSync(o.out, { recursive: true });
  writeFileSync(join(o.out, 'config.json'), JSON.stringify(config, null, 2) + '\n');
  const trainer = Trainer.create(config, data);
  const probing = config.probeEvery > 0 || forceProbe;
  const probes = probing
    ? new ProbeSeries(join(o.out, 'probes.jsonl'), data, { seed: config.seed, ...(o.probeEpochs ? { epochs: o.probeEpochs } : {}) }, o.log, o.floor ?? null)
    : null;
  const predLosses: number[] = [];
  let zeroShare: number | null = null;
  const metricsFd = openSync(join(o.out, 'metrics.jsonl'), 'w');
  const healthPath = join(o.out, 'health.jsonl');
  const recordHealth = async () => {
    const point: HealthPoint = { step: trainer.stepCount, tokens: await trainer.representationHealth(), pooled: await trainer.representationHealth({ pool: 'mean' }) };
    if (trainer.model.hasTarget) point.contextTokens = await trainer.representationHealth({ encoder: 'context' });
    appendFileSync(healthPath, JSON.stringify(point) + '\n');
    const brief = ({ rankMe, stdMean, stdMin }: RepresentationHealth) => ({ rankMe, stdMean, stdMin });
    const context = point.contextTokens ? { contextTokens: brief(point.contextTokens) } : {};
    o.log(JSON.stringify({ health: { step: point.step, tokens: brief(point.tokens), pooled: brief(point.pooled), ...context } }));
    const say = (h: RepresentationHealth) => `RankMe ${h.rankMe.toFixed(2)} of ${Math.min(h.rows, h.dim)}, std mean ${h.stdMean.toExponential(2)} min ${h.stdMin.toExponential(2)}`;
    const ctx = point.contextTokens ? `; context encoder tokens ${say(point.contextTokens)}` : '';
    console.error(`health at step ${point.step}: tokens ${say(point.tokens)}; pooled ${say(point.pooled)}${ctx}`);
  };
  if (config.healthEvery > 0) writeFileSync(healthPath, '');
  if (o.traceBatches) {
    const dir = o.traceBatches;
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'initial-weights.safetensors'), await trainer.exportSafetensors());
    trainer.onBatch = (b) => writeFileSync(join(dir, `batch-${String(trainer.stepCount + 1).padStart(6, '0')}.safetensors`), encodeBatchFile(b));
  }
  try {
    await probes?.record(trainer);
    if (config.healthEvery > 0) await recordHealth();
    for (let i = 0; i < config.steps; i++) {
      const m = await trainer.step();
      predLosses.push(m.predLoss);
      if (m.zeroShare !== undefined) zeroShare = m.zeroShare;
      writeSync(metricsFd, JSON.stringify(m) + '\n');
      if (o.logEvery > 0 && (m.step % o.logEvery === 0 || m.step === 1)) {
        const zeros = m.zeroShare === undefined ? '' : ` zero-cols ${(100 * m.zeroShare).toFixed(1)}%`;
        console.error(
          `step ${m.step} loss ${m.loss.toFixed(4)} pred ${m.predLoss.toFixed(4)} kl ${m.klLoss.toFixed(3)} ` +
            `group ${m.groupPenalty.toFixed(3)}${zeros} lr ${m.lr.toExponential(2)} ${m.imgPerSec.toFixed(1)} img/s`,
        );
      }
      const due = config.probeEvery > 0 && m.step % config.probeEvery === 0;
      if (probes && (due || m.step === config.steps)) await probes.record(trainer);
      if (config.healthEvery > 0 && (m.step % config.healthEvery === 0 || m.step === config.steps)) await recordHealth();
    }
    const final = await trainer.groupNorms();
    if (final) zeroShare = final.zeroShare;
    writeFileSync(join(o.out, 'weights.safetensors'), await trainer.exportSafetensors());
  } finally {
    closeSync(metricsFd);
    trainer.dispose();
  }
  return { probes: probes?.points ?? [], predLosses, zeroShare };
}

/** Run the train command; `log` gets the JSON lines meant for stdout. */
export async function trainCommand(argv: string[], log: (line: string) => void = console.log): Promise<{ steps: number; probes: ProbePoint[] }> {
  const { config, extra } = parseCli(argv, TRAIN_FLAGS);
  if (!extra.out) throw new UsageError(`--out DIR is required (flags: ${FLAG_HELP} --out --backend --log-every --probe-epochs --trace-batches)`);
  const logEvery = wholeFlag('log-every', extra['log-every'], 10, 0);
  const probeEpochs = extra['probe-epochs'] === undefined ? undefined : wholeFlag('probe-epochs', extra['probe-epochs'], 0);
  const backend = await useBackend(extra.backend ?? 'wasm');

  const data = selectSubsetSplits((await openForCommand(config.dataset, config.seed)).splits, config.subset, config.seed);
  console.error(
    `train: ${config.mode} ${config.preset} on ${data.train.name} (${data.train.size} train images, ` +
      `${data.train.classNames.length} classes), ${config.steps} steps, backend ${backend}`,
  );
  const { probes } = await trainRun(config, data, { out: extra.out, logEvery, probeEpochs, log, traceBatches: extra['trace-batches'] });
  const last = probes.at(-1);
  const probe = last && { top1: last.top1, top5: last.top5, randomInitTop1: last.randomInitTop1 };
  log(JSON.stringify({ out: extra.out, steps: config.steps, backend, ...(probe ? { probe } : {}) }));
  return { steps: config.steps, probes };
}
