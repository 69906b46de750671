// Transfer probes in the worker: the linear probe of a run's frozen target encoder fitted and
// scored on another dataset than the one it trained on (pretrained on A, probed on B: the paper's
// table I), and DINO's k-NN read-out from the same encoding of B, each beside its floor on B — the
// same probe of the run's random-init encoder (a fresh model from the same config and seed) —
// cached per architecture, seed, probe dataset and read-out. Like
// evaluate.ts it only reads the model (forward passes), so the run trains on exactly as before.
// The probe datasets are held here, by id, apart from the training data.
import { makeBuiltIn } from '../data/builtin';
import { datasetName, isBuiltIn, readDatasetId } from '../data/datasetId';
import type { DatasetSplits } from '../data/types';
import { defaultConfig } from '../engine/config';
import { withFloor, type ProbeOptions, type ProbeResult } from '../engine/probe';
import { probePooledKinds, type PooledKind } from '../engine/probeKind';
import { Trainer } from '../engine/trainer';
import { floorKey, type FloorCache } from './evaluate';
import type { DatasetRef, ProbePhase, RunId, TransferProbeReport, WorkerEvent } from './protocol';

const PROGRESS_EVERY_MS = 150;

/** A dataset held for probing. `version` tells apart two loads under one id (two folders of one name): they do not share a floor. */
export interface ProbeSet {
  ref: DatasetRef;
  splits: DatasetSplits;
  version: number;
}

/** The datasets loaded for probing only, by id; built-in ones are made on first use. */
export class ProbeSets {
  private sets = new Map<string, ProbeSet>();
  private loads = 0;

  /** Keep `splits` as probe dataset `ref.id` (replacing one of that id). */
  add(ref: DatasetRef, splits: DatasetSplits): ProbeSet {
    const set = { ref, splits, version: ++this.loads };
    this.sets.set(ref.id, set);
    return set;
  }

  /** The probe dataset `id`: loaded before, or built in (made now, deterministic from its id). Throws naming it otherwise. */
  get(id: string): ProbeSet {
    const held = this.sets.get(id);
    if (held) return held;
    const d = readDatasetId(id);
    if (isBuiltIn(d)) {
      const set = { ref: { id, name: datasetName(d) }, splits: makeBuiltIn(d), version: 0 };
      this.sets.set(id, set);
      return set;
    }
    const loaded = [...this.sets.keys()];
    throw new Error(`dataset "${id}" is not loaded for probing (${loaded.length ? `loaded: ${loaded.join(', ')}` : 'none is'}): pick it under "Probe on" first`);
  }

  ids(): string[] {
    return [...this.sets.keys()];
  }
}

/** The floor's cache key on probe set `set`: the run's architecture and seed, the probe dataset whole (no subset), the read-out. */
export function transferFloorKey(t: Trainer, set: ProbeSet, opts: Partial<ProbeOptions>, kind: PooledKind = 'linear'): string {
  return floorKey({ ...t.config, dataset: `${set.ref.id}#${set.version}`, subset: defaultConfig().subset }, opts, kind);
}

/** The read-outs a transfer probe takes, from one encoding of B. */
const TRANSFER_KINDS: readonly PooledKind[] = ['linear', 'knn'];

export interface TransferEnv {
  emit(e: WorkerEvent): void;
  floors: FloorCache;
  probeOptions?: Partial<ProbeOptions>;
}

/**
 * Probe `t` (run `runId`, pretrained on `pretrain`) on `set`, linear and k-NN, each beside its floor on it (cached). Call
 * between two steps, in the worker's tensor queue. Throws when `set` is the run's own dataset
 * (that probe is Evaluate's, on the run's own subset).
 */
export async function transferProbe(t: Trainer, runId: RunId, pretrain: DatasetRef, set: ProbeSet, env: TransferEnv): Promise<TransferProbeReport> {
  if (set.ref.id === pretrain.id) throw new Error(`the run trained on ${pretrain.name}: probe it there with "Probe on: the training data"`);
  const t0 = performance.now();
  const step = t.stepCount;
  const opts: Partial<ProbeOptions> = { seed: t.config.seed, ...env.probeOptions };
  const keys = TRANSFER_KINDS.map((kind) => transferFloorKey(t, set, opts, kind));
  const cached = keys.map((key) => env.floors.get(key));
  const missing = TRANSFER_KINDS.filter((_, i) => !cached[i]);
  const progress = progressSink(env.emit, runId, step, set.ref.id, missing.length ? 0.5 : 1);
  progress('trained', 0);
  const trained = await probePooledKinds(TRANSFER_KINDS, t, set.splits, opts, (x) => progress('trained', x));
  const fresh = missing.length ? await randomInitProbe(t, set.splits, missing, opts, (x) => progress('random-init', x)) : {};
  const floors = TRANSFER_KINDS.map((kind, i) => cached[i] ?? fresh[kind]!);
  keys.forEach((key, i) => env.floors.set(key, floors[i]));
  const [linearFloor, knnFloor] = floors;
  const report: TransferProbeReport = {
    runId,
    step,
    ...withFloor(trained.linear!, linearFloor),
    ms: performance.now() - t0,
    floorCached: Boolean(cached[0]),
    pretrainDataset: pretrain,
    probeDataset: set.ref,
    numClasses: set.splits.train.classNames.length,
    knn: withFloor(trained.knn!, knnFloor),
  };
  env.emit({ type: 'transfer-probe', ...report });
  return report;
}

/** The floors: the same read-outs of a fresh model from the run's config (its step-0 weights), on the probe data. */
async function randomInitProbe(t: Trainer, data: DatasetSplits, kinds: readonly PooledKind[], opts: Partial<ProbeOptions>, onProgress: (x: number) => void): Promise<Partial<Record<PooledKind, ProbeResult>>> {
  const fresh = Trainer.create(t.config, data);
  try {
    return await probePooledKinds(kinds, fresh, data, opts, onProgress);
  } finally {
    fresh.dispose();
  }
}

/** Overall progress over both encoders (the trained one's share first), throttled. */
function progressSink(emit: (e: WorkerEvent) => void, runId: RunId, step: number, probeDataset: string, trainedShare: number) {
  let last = -Infinity;
  return (phase: ProbePhase, x: number) => {
    const done = phase === 'trained' ? trainedShare * x : trainedShare + (1 - trainedShare) * x;
    const now = performance.now();
    if (now - last < PROGRESS_EVERY_MS && done < 1 && x > 0) return;
    last = now;
    emit({ type: 'transfer-progress', runId, step, probeDataset, done, phase });
  };
}
