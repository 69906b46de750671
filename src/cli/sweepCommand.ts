// npm run sweep -- --dataset D --preset P --steps N --lambda 0,1e-4,1e-3,1e-2 [--beta 1e-4,…]
//   [--proximal] --seeds 0,1,2 [--modes mae,jepa,sparse] [--probe-every N] [--test-per-class N]
//   --out DIR [config flags]
// Trains the baselines (JEPA, MAE) and every SparseJEPA setting from the same seeds (same images,
// augmentations and masks), probes each at its end beside its random-init floor (and every
// --probe-every steps) — the linear probe and DINO's k-NN — measures its groups' multi-information
// at the end, and writes DIR/sweep.jsonl (one row per finished run), DIR/sweep.csv (the same rows
// as a table, without the per-step probes), DIR/sweep.svg and DIR/runs/<key>/ (each run's config,
// metrics, probes, weights). Started again on the same DIR, a
// finished run (same key, same config) is not trained again.
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { selectSubsetSplits } from '../data/subset';
import type { DatasetSplits } from '../data/types';
import { ConfigError, ConfigSchema, type LabConfig } from '../engine/config';
import type { ProbeResult } from '../engine/probe';
import { probePooledKinds, type PooledKind } from '../engine/probeKind';
import { configHash, finishedRuns, parseNumberList, planSweep, sweepRow, type SweepMode, type SweepRow } from '../engine/sweep';
import { Trainer, type TrainerState } from '../engine/trainer';
import { sweepCsv } from '../io/sweepCsv';
import { sweepSvg, sweepTitle } from '../io/sweepSvg';
import { parseCli, UsageError, wholeFlag } from './args';
import { useBackend } from './backend';
import { openForCommand } from './dataset';
import { readCheckpoint, trainRun } from './trainCommand';

const SWEEP_FLAGS = ['out', 'backend', 'log-every', 'probe-epochs', 'test-per-class'] as const;
/** The sweep's own list flags; every other flag is a config flag laid over every run. */
const LIST_FLAGS = ['lambda', 'beta', 'seeds', 'modes'] as const;

/** Remove `--name value` / `--name=value` from argv; returns the value (the last one given). */
export function takeFlag(argv: string[], name: string): { rest: string[]; value: string | undefined } {
  const rest: string[] = [];
  let value: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === `--${name}`) {
      value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name}: expected a comma-separated list after it`);
      i++;
    } else if (a.startsWith(`--${name}=`)) value = a.slice(name.length + 3);
    else rest.push(a);
  }
  return { rest, value };
}

/** "0,1e-4,1e-3" → numbers (engine/sweep.ts's parseNumberList); the error names the flag and the item. */
export function numberList(flag: string, raw: string, integers = false): number[] {
  try {
    return parseNumberList(`--${flag}`, raw, integers);
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  }
}

export interface SweepArgs {
  base: LabConfig;
  modes: SweepMode[];
  lambdas: number[];
  betas: number[];
  seeds: number[];
  extra: Record<(typeof SWEEP_FLAGS)[number], string | undefined>;
}

export function parseSweepArgs(argv: string[]): SweepArgs {
  let rest = argv;
  const lists: Partial<Record<(typeof LIST_FLAGS)[number], string>> = {};
  for (const f of LIST_FLAGS) {
    const t = takeFlag(rest, f);
    rest = t.rest;
    if (t.value !== undefined) lists[f] = t.value;
  }
  const { config: base, extra } = parseCli(rest, SWEEP_FLAGS);
  const modes = (lists.modes ?? 'jepa,sparse').split(',').map((m) => m.trim()).filter(Boolean);
  if (modes.length === 0) throw new UsageError('--modes: the list is empty');
  const known: readonly string[] = ConfigSchema.shape.mode.unwrap().options;
  for (const m of modes) if (!known.includes(m)) throw new UsageError(`--modes: unknown mode '${m}' (expected ${known.join(', ')})`);
  const sparse = modes.includes('sparse');
  if (sparse && lists.lambda === undefined) throw new UsageError('--lambda: required (a comma-separated list, e.g. 0,1e-3,1e-2)');
  return {
    base,
    modes: modes as SweepMode[],
    lambdas: lists.lambda !== undefined ? numberList('lambda', lists.lambda) : [],
    betas: lists.beta !== undefined ? numberList('beta', lists.beta) : [base.beta],
    seeds: lists.seeds !== undefined ? numberList('seeds', lists.seeds, true) : [base.seed],
    extra,
  };
}

function readRows(path: string): SweepRow[] {
  if (!existsSync(path)) return [];
  const rows: SweepRow[] = [];
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      try {
        rows.push(JSON.parse(line) as SweepRow);
      } catch {
        // A line cut short by an interrupted write: that run is trained again.
        console.error(`sweep: ${path} line ${i + 1} is not JSON; ignored`);
      }
    });
  return rows;
}

/**
 * The checkpoint a run of the sweep continues from (an interrupted sweep: Ctrl-C, a crash), as
 * `npm run train -- --resume` does; none when the folder holds none, or one of another config.
 */
function checkpointToContinue(dir: string, config: LabConfig): TrainerState | undefined {
  if (!existsSync(join(dir, 'checkpoint.safetensors'))) return undefined;
  const state = readCheckpoint(dir);
  if (configHash(state.config) !== configHash(config)) {
    console.error(`sweep: ${dir} holds a checkpoint of another config: trained again from step 0`);
    return undefined;
  }
  return state.step > 0 && state.step < config.steps ? state : undefined;
}

/**
 * Run the sweep command; returns the rows of the plan (finished earlier or now). Stopped (`stop`,
 * Ctrl-C), the run under way ends after its step with a checkpoint; the next sweep on the folder
 * continues it from there, and trains none of the finished runs again.
 */
export async function sweepCommand(argv: string[], log: (line: string) => void = console.log, stop: { requested: boolean } = { requested: false }): Promise<SweepRow[]> {
  const args = parseSweepArgs(argv);
  const out = args.extra.out;
  if (!out) throw new UsageError('--out DIR is required');
  let plan;
  try {
    plan = planSweep({ base: args.base, modes: args.modes, lambdas: args.lambdas, betas: args.betas, seeds: args.seeds });
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message.replace(/^sweep: /, ''));
    throw e;
  }
  const logEvery = wholeFlag('log-every', args.extra['log-every'], 0, 0);
  const probeEpochs = args.extra['probe-epochs'] === undefined ? undefined : wholeFlag('probe-epochs', args.extra['probe-epochs'], 1);
  const testPerClass = wholeFlag('test-per-class', args.extra['test-per-class'], 0, 0);
  const backend = await useBackend(args.extra.backend ?? 'wasm');

  mkdirSync(out, { recursive: true });
  const rowsPath = join(out, 'sweep.jsonl');
  const done = finishedRuns(plan, readRows(rowsPath));
  writeFileSync(join(out, 'sweep.json'), JSON.stringify({ modes: args.modes, lambdas: args.lambdas, betas: args.betas, seeds: args.seeds, base: args.base, runs: plan.map((r) => r.key) }, null, 2) + '\n');
  console.error(`sweep: ${plan.length} runs (${done.size} already finished) on backend ${backend}, out ${out}`);

  // Data per seed (a subset may depend on it); the floor per seed and encoder architecture: the
  // target encoder starts as a copy of the context encoder, which is drawn first from the seed,
  // so JEPA and SparseJEPA runs of one seed share their random-init floor; MAE is probed through
  // its context encoder, the same draw, so it shares it too.
  const dataBySeed = new Map<number, DatasetSplits>();
  const floors = new Map<string, Record<PooledKind, ProbeResult>>();
  const rows: SweepRow[] = [];
  for (const [i, run] of plan.entries()) {
    const finished = done.get(run.key);
    if (finished) {
      rows.push(finished);
      continue;
    }
    const c = run.config;
    let data = dataBySeed.get(c.seed);
    if (!data) {
      data = selectSubsetSplits((await openForCommand(c.dataset, c.seed)).splits, c.subset, c.seed, testPerClass);
      dataBySeed.set(c.seed, data);
    }
    const floorKey = JSON.stringify([c.seed, c.preset, c.patchSize, c.mlpRatio, c.patchEmbedStd, c.imageSize, c.dataset, c.subset]);
    let floor = floors.get(floorKey);
    if (!floor) {
      const untrained = Trainer.create(c, data);
      try {
        // The linear floor and the k-NN floor from one encoding of the splits.
        floor = (await probePooledKinds(['linear', 'knn'], untrained, data, { seed: c.seed, ...(probeEpochs ? { epochs: probeEpochs } : {}) })) as Record<PooledKind, ProbeResult>;
      } finally {
        untrained.dispose();
      }
      floors.set(floorKey, floor);
    }
    const dir = join(out, 'runs', run.key);
    const resume = checkpointToContinue(dir, c);
    console.error(`sweep: run ${i + 1}/${plan.length} ${run.key}${resume ? ` (continued from its checkpoint at step ${resume.step})` : ''}`);
    const t0 = performance.now();
    const end = { totalCorrelation: null as number | null };
    const atEnd = async (trainer: Trainer) => {
      end.totalCorrelation = (await trainer.totalCorrelation())?.groups ?? null; // MAE: null
    };
    const r = await trainRun(c, data, { out: dir, logEvery, probeEpochs, floor: floor.linear, knnFloor: floor.knn, log: () => undefined, resume, stop, atEnd }, true);
    if (r.stopped) {
      console.error(`sweep: stopped in ${run.key} at step ${r.step}; run the same command again to continue it from there`);
      process.exitCode = 130;
      return rows;
    }
    // The end's probe (trainRun probes the last step) holds the k-NN beside the linear one.
    const knn = { top1: r.probes.at(-1)!.knn!.top1, floorTop1: floor.knn.top1 };
    const row = sweepRow(run, { predLosses: r.predLosses, zeroShare: r.zeroShare, probes: r.probes.map(({ step, top1, top5 }) => ({ step, top1, top5 })), floor: floor.linear, knn, totalCorrelation: end.totalCorrelation });
    appendFileSync(rowsPath, JSON.stringify(row) + '\n');
    rows.push(row);
    const brief = { top1: row.top1, floorTop1: row.floorTop1, knnTop1: row.knnTop1, floorKnnTop1: row.floorKnnTop1, totalCorrelation: row.totalCorrelation };
    log(JSON.stringify({ run: row.key, ...brief, predLoss: row.predLoss, zeroShare: row.zeroShare, seconds: Math.round((performance.now() - t0) / 1000) }));
    writeSummaries(out, rows, args.base);
  }
  writeSummaries(out, rows, args.base);
  return rows;
}

/** DIR/sweep.csv (the rows as a table) and DIR/sweep.svg (top-1 against λ) of the rows so far. */
function writeSummaries(out: string, rows: SweepRow[], base: LabConfig): void {
  writeFileSync(join(out, 'sweep.csv'), sweepCsv(rows));
  writeFileSync(join(out, 'sweep.svg'), sweepSvg(rows, { title: sweepTitle(base) }));
}
