// npm run train -- --dataset synthetic|counting|PATH --preset micro|small|vit-tiny --mode jepa|sparse|mae
//   --steps N --batch B --lr X --lambda X --beta X --seed S --out DIR [subset flags]
//   [--probe-every N [--probe-epochs E]] [--health-every N] [--target-encoder online-no-stopgrad]
//   [--trace-batches DIR] [--checkpoint-every N] [--resume DIR]
// Writes DIR/config.json, DIR/metrics.jsonl (one object per step), DIR/weights.safetensors and,
// with --probe-every, DIR/probes.jsonl (the linear probe at step 0 — the random-init floor — every
// N steps and at the end; each line is also printed); with --health-every, DIR/health.jsonl (the
// evaluated encoder's representation health and the groups' multi-information at step 0, every N
// steps and at the end, also printed);
// with --trace-batches DIR, the step-0 weights and every step's batch and masks (see TrainRunOptions).
// The run trains through TrainingSession, as the page's does: DIR/checkpoint.safetensors every
// --checkpoint-every steps, at the end and on Ctrl-C/SIGTERM (which stops after the step under way,
// writes the weights and exits 130); --resume DIR continues it exactly (the files cut back to the
// checkpoint's step); a divergence rolls back to the last checkpoint, writes its weights and stops.
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { selectSubsetSplits } from '../data/subset';
import type { DatasetSplits } from '../data/types';
import { encodeBatchFile } from '../engine/batchFile';
import { type ProbeOptions, type ProbeResult, type ProbeWithFloor } from '../engine/probe';
import { probePooledKinds, type PooledKind } from '../engine/probeKind';
import type { LabConfig } from '../engine/config';
import type { GroupInformation } from '../engine/groupInformation';
import type { RepresentationHealth } from '../engine/representationHealth';
import { TrainingSession } from '../engine/session';
import { Trainer, type TrainerState } from '../engine/trainer';
import type { StepMetrics } from '../engine/types';
import { decodeCheckpoint, encodeCheckpoint } from '../io/checkpoint';
import { FLAG_HELP, parseCli, UsageError, wholeFlag } from './args';
import { useBackend } from './backend';
import { openForCommand } from './dataset';
import { isEveryStep } from '../engine/everySteps';

const TRAIN_FLAGS = ['out', 'backend', 'log-every', 'probe-epochs', 'trace-batches', 'resume'] as const;

/** One line of probes.jsonl: the linear probe at `step` next to the run's random-init floor, and DINO's k-NN beside it. */
export interface ProbePoint extends ProbeWithFloor {
  step: number;
  /** The k-NN probe (probeKind.ts) from the same encoding, beside its own random-init floor; absent in lines written before it. */
  knn?: { top1: number; top5: number; randomInitTop1: number; randomInitTop5: number };
}

/** Probes the trainer's target encoder at chosen steps, linear and k-NN; the first call (step 0) is the floor. */
class ProbeSeries {
  readonly points: ProbePoint[];

  constructor(
    private readonly path: string,
    private readonly data: DatasetSplits,
    private readonly opts: Partial<ProbeOptions>,
    private readonly log: (line: string) => void,
    private floor: ProbeResult | null = null,
    kept: ProbePoint[] = [],
    private knnFloor: ProbeResult | null = null,
  ) {
    this.points = [...kept];
    if (kept.length) {
      this.floor ??= { ...kept[0], top1: kept[0].randomInitTop1, top5: kept[0].randomInitTop5 };
      const k = kept[0].knn;
      if (k) this.knnFloor ??= { ...kept[0], top1: k.randomInitTop1, top5: k.randomInitTop5 };
    }
    writeFileSync(path, kept.map((p) => JSON.stringify(p) + '\n').join(''));
  }

  async record(trainer: Trainer): Promise<ProbePoint> {
    // At step 0 a floor already known (a sweep shares both across modes) is not probed again.
    const atFloor = trainer.stepCount === 0;
    const kinds: PooledKind[] = [...(atFloor && this.floor ? [] : ['linear' as const]), ...(atFloor && this.knnFloor ? [] : ['knn' as const])];
    const got = kinds.length ? await probePooledKinds(kinds, trainer, this.data, this.opts) : {};
    const r = got.linear ?? this.floor!;
    const k = got.knn ?? this.knnFloor!;
    this.floor ??= r; // step 0: the untrained encoder of this very run
    this.knnFloor ??= k;
    const knn = { top1: k.top1, top5: k.top5, randomInitTop1: this.knnFloor.top1, randomInitTop5: this.knnFloor.top5 };
    const point: ProbePoint = { step: trainer.stepCount, ...r, randomInitTop1: this.floor.top1, randomInitTop5: this.floor.top5, knn };
    this.points.push(point);
    appendFileSync(this.path, JSON.stringify(point) + '\n');
    this.log(JSON.stringify({ probe: point }));
    console.error(`probe at step ${point.step}: top-1 ${point.top1.toFixed(3)} top-5 ${point.top5.toFixed(3)} (random init ${point.randomInitTop1.toFixed(3)}); k-NN top-1 ${knn.top1.toFixed(3)} (random init ${knn.randomInitTop1.toFixed(3)})`);
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
  /** The k-NN probe of the same untrained model, when already known. */
  knnFloor?: ProbeResult;
  log: (line: string) => void;
  /**
   * Write the run's step-0 weights (DIR/initial-weights.safetensors) and every step's batch and
   * masks (DIR/batch-000001.safetensors, …; engine/batchFile.ts) here, for a check from outside
   * (interop/pytorch/ijepa_parity.py replays them through the I-JEPA reference code).
   */
  traceBatches?: string;
  /** Continue this checkpoint of the run (its files in `out` are kept up to its step). */
  resume?: TrainerState;
  /** Asked to stop (Ctrl-C): the loop ends after the step under way, with a checkpoint and the weights. */
  stop?: { requested: boolean };
  /** Reads the trained model after its last step, before it is disposed (a sweep's multi-information at the end); not called when stopped. */
  atEnd?: (trainer: Trainer) => Promise<void>;
}

/**
 * One line of health.jsonl: Trainer.representationHealth at `step` over patch tokens and
 * mean-pooled; with an EMA target also the context encoder's (tokens), which trains at full speed.
 */
export interface HealthLine {
  step: number;
  tokens: RepresentationHealth;
  pooled: RepresentationHealth;
  contextTokens?: RepresentationHealth;
  /** The multi-information of the groups' outputs (and SparseJEPA's K latents), nats: Trainer.totalCorrelation (SparseJEPA and JEPA; MAE: absent). */
  totalCorrelation?: GroupInformation;
}

export interface TrainRunResult {
  probes: ProbePoint[];
  predLosses: number[];
  zeroShare: number | null;
  /** The step the run stopped at: config.steps, or earlier when asked to stop. */
  step: number;
  stopped: boolean;
}

/** Write a file whole or not at all: a crash mid-write leaves the previous one (write, then rename). */
export function writeAtomic(path: string, bytes: Uint8Array | string): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, path);
}

/** The JSON lines of `path` with step ≤ `step` (a resumed run's files, cut back to its checkpoint); [] when absent. */
function linesUpTo(path: string, step: number): string[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() && (JSON.parse(l) as { step: number }).step <= step);
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
  const from = o.resume?.step ?? 0;
  const metricsPath = join(o.out, 'metrics.jsonl');
  const healthPath = join(o.out, 'health.jsonl');
  const kept = { metrics: linesUpTo(metricsPath, from), probes: linesUpTo(join(o.out, 'probes.jsonl'), from), health: linesUpTo(healthPath, from) };
  if (o.resume) {
    if (kept.metrics.length !== from) throw new UsageError(`${metricsPath} has ${kept.metrics.length} rows up to the checkpoint's step ${from}: not this run's folder`);
  }
  const probing = config.probeEvery > 0 || forceProbe;
  const probes = probing
    ? new ProbeSeries(join(o.out, 'probes.jsonl'), data, { seed: config.seed, ...(o.probeEpochs ? { epochs: o.probeEpochs } : {}) }, o.log, o.floor ?? null, kept.probes.map((l) => JSON.parse(l) as ProbePoint), o.knnFloor ?? null)
    : null;
  const predLosses: number[] = kept.metrics.map((l) => (JSON.parse(l) as StepMetrics).predLoss);
  let zeroShare: number | null = null;
  writeFileSync(metricsPath, kept.metrics.map((l) => l + '\n').join(''));
  const metricsFd = openSync(metricsPath, 'a');
  const session = new TrainingSession(trainer, {
    checkpointEvery: config.checkpointEvery,
    onCheckpoint: (state) => writeAtomic(join(o.out, 'checkpoint.safetensors'), encodeCheckpoint(state)),
  });
  if (o.resume) await session.resume(o.resume);
  const recordHealth = async () => {
    const point: HealthLine = { step: trainer.stepCount, tokens: await trainer.representationHealth(), pooled: await trainer.representationHealth({ pool: 'mean' }) };
    if (trainer.model.hasTarget) point.contextTokens = await trainer.representationHealth({ encoder: 'context' });
    const tc = await trainer.totalCorrelation();
    if (tc) point.totalCorrelation = tc;
    appendFileSync(healthPath, JSON.stringify(point) + '\n');
    const brief = ({ rankMe, stdMean, stdMin }: RepresentationHealth) => ({ rankMe, stdMean, stdMin });
    const context = point.contextTokens ? { contextTokens: brief(point.contextTokens) } : {};
    const info = tc ? { totalCorrelation: tc } : {};
    o.log(JSON.stringify({ health: { step: point.step, tokens: brief(point.tokens), pooled: brief(point.pooled), ...context, ...info } }));
    const say = (h: RepresentationHealth) => `RankMe ${h.rankMe.toFixed(2)} of ${Math.min(h.rows, h.dim)}, std mean ${h.stdMean.toExponential(2)} min ${h.stdMin.toExponential(2)}`;
    const ctx = point.contextTokens ? `; context encoder tokens ${say(point.contextTokens)}` : '';
    const mi = tc ? `; multi-information groups ${tc.groups.toFixed(3)}${tc.latents === undefined ? '' : ` latents ${tc.latents.toFixed(3)}`} nats` : '';
    console.error(`health at step ${point.step}: tokens ${say(point.tokens)}; pooled ${say(point.pooled)}${ctx}${mi}`);
  };
  if (config.healthEvery > 0) writeFileSync(healthPath, kept.health.map((l) => l + '\n').join(''));
  if (o.traceBatches) {
    const dir = o.traceBatches;
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'initial-weights.safetensors'), await trainer.exportSafetensors());
    trainer.onBatch = (b) => writeFileSync(join(dir, `batch-${String(trainer.stepCount + 1).padStart(6, '0')}.safetensors`), encodeBatchFile(b));
  }
  let stopped = false;
  try {
    if (!o.resume) {
      await probes?.record(trainer);
      if (config.healthEvery > 0) await recordHealth();
    }
    while (trainer.stepCount < config.steps) {
      // A step on WASM or the CPU is promise chains only: give the event loop a turn, or a signal's handler never runs.
      await new Promise((resolve) => setImmediate(resolve));
      if (o.stop?.requested) {
        stopped = true;
        break;
      }
      const outcome = await session.step();
      if (outcome.kind === 'diverged') {
        // Rolled back to the last checkpoint: its weights are the last finite ones, kept before stopping.
        writeAtomic(join(o.out, 'weights.safetensors'), await trainer.exportSafetensors());
        throw new Error(`${outcome.message} ${join(o.out, 'weights.safetensors')} holds step ${outcome.restoredStep}.`);
      }
      const m = outcome.metrics;
      predLosses.push(m.predLoss);
      if (m.zeroShare !== undefined) zeroShare = m.zeroShare;
      writeSync(metricsFd, JSON.stringify(m) + '\n');
      if (isEveryStep(m.step, o.logEvery, [1])) {
        const zeros = m.zeroShare === undefined ? '' : ` zero-cols ${(100 * m.zeroShare).toFixed(1)}%`;
        console.error(
          `step ${m.step} loss ${m.loss.toFixed(4)} pred ${m.predLoss.toFixed(4)} kl ${m.klLoss.toFixed(3)} ` +
            `group ${m.groupPenalty.toFixed(3)}${zeros} lr ${m.lr.toExponential(2)} ${m.imgPerSec.toFixed(1)} img/s`,
        );
      }
      // The probes' floor (step 0) and end are the run's own: probed even with probeEvery 0 when `forceProbe`.
      if (probes && (isEveryStep(m.step, config.probeEvery) || m.step === config.steps)) await probes.record(trainer);
      if (isEveryStep(m.step, config.healthEvery, [config.steps])) await recordHealth();
    }
    const final = await trainer.groupNorms();
    if (final) zeroShare = final.zeroShare;
    if (!stopped) await o.atEnd?.(trainer);
    // The last finished step, resumable (--resume DIR), and its weights.
    if (session.lastCheckpoint?.step !== trainer.stepCount) await session.checkpoint();
    writeAtomic(join(o.out, 'weights.safetensors'), await trainer.exportSafetensors());
  } finally {
    closeSync(metricsFd);
    trainer.dispose();
  }
  return { probes: probes?.points ?? [], predLosses, zeroShare, step: predLosses.length, stopped };
}

/** Run the train command; `log` gets the JSON lines meant for stdout. */
export async function trainCommand(
  argv: string[],
  log: (line: string) => void = console.log,
  stop: { requested: boolean } = { requested: false },
): Promise<{ steps: number; probes: ProbePoint[]; stopped: boolean }> {
  const resumeDir = resumeFlag(argv);
  const resume = resumeDir === undefined ? undefined : readCheckpoint(resumeDir);
  const { config, extra } = parseCli(argv, TRAIN_FLAGS, resume?.config ?? {});
  extra.out ??= extra.resume;
  if (resume && extra.out !== extra.resume) throw new UsageError(`--resume ${extra.resume} continues the run in that folder: leave out --out, or give the same one`);
  if (!extra.out) throw new UsageError(`--out DIR is required (flags: ${FLAG_HELP} --out --backend --log-every --probe-epochs --trace-batches --resume)`);
  const logEvery = wholeFlag('log-every', extra['log-every'], 10, 0);
  const probeEpochs = extra['probe-epochs'] === undefined ? undefined : wholeFlag('probe-epochs', extra['probe-epochs'], 0);
  const backend = await useBackend(extra.backend ?? 'wasm');

  const data = selectSubsetSplits((await openForCommand(config.dataset, config.seed)).splits, config.subset, config.seed);
  console.error(
    `train: ${config.mode} ${config.preset} on ${data.train.name} (${data.train.size} train images, ` +
      `${data.train.classNames.length} classes), ${config.steps} steps, backend ${backend}`,
  );
  if (resume) console.error(`train: resuming ${extra.out} at step ${resume.step}`);
  const r = await trainRun(config, data, { out: extra.out, logEvery, probeEpochs, log, traceBatches: extra['trace-batches'], resume, stop });
  const last = r.probes.at(-1);
  const probe = last && { top1: last.top1, top5: last.top5, randomInitTop1: last.randomInitTop1 };
  if (r.stopped) {
    console.error(`train: stopped at step ${r.step}; ${join(extra.out, 'checkpoint.safetensors')} and weights.safetensors hold it (continue with --resume ${extra.out})`);
    process.exitCode = 130;
  }
  log(JSON.stringify({ out: extra.out, steps: r.step, backend, ...(r.stopped ? { stopped: true } : {}), ...(probe ? { probe } : {}) }));
  return { steps: r.step, probes: r.probes, stopped: r.stopped };
}

/** Ctrl-C (SIGINT) and SIGTERM ask the run to stop after the step under way, with a checkpoint; a second one exits at once. */
export function stopOnSignals(command = 'train'): { requested: boolean } {
  const stop = { requested: false };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.requested) process.exit(130);
    stop.requested = true;
    console.error(`${command}: ${signal}: stopping after this step (the checkpoint and weights are written; again to quit at once)`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return stop;
}

/** --resume DIR's value, read before the flags (the checkpoint's config is their base). */
function resumeFlag(argv: string[]): string | undefined {
  const i = argv.findIndex((a) => a === '--resume' || a.startsWith('--resume='));
  if (i < 0) return undefined;
  const v = argv[i].startsWith('--resume=') ? argv[i].slice('--resume='.length) : argv[i + 1];
  if (!v || v.startsWith('--')) throw new UsageError('--resume needs the folder of the run to continue');
  return v;
}

/** The checkpoint of the run in `dir` (DIR/checkpoint.safetensors), decoded; refused in one line naming the file. */
export function readCheckpoint(dir: string): TrainerState {
  const path = join(dir, 'checkpoint.safetensors');
  if (!existsSync(path)) throw new UsageError(`--resume ${dir}: no checkpoint.safetensors there (a run writes it every --checkpoint-every steps, on Ctrl-C and at its end)`);
  try {
    return decodeCheckpoint(new Uint8Array(readFileSync(path)));
  } catch (e) {
    throw new UsageError(`--resume ${dir}: ${path}: ${(e as Error).message}`);
  }
}
