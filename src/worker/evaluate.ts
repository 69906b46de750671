// The probes inside the training worker (the mean-pooled linear probe, V-JEPA's attentive probe
// over the patch tokens, or DINO's weighted k-NN classifier on the mean-pooled features:
// probeKind.ts). The caller queues evaluate() between two steps; it only reads the target
// encoder (forward passes in tf.tidy), so weights, optimiser moments, RNG streams and the batch
// sampler are untouched and training continues exactly as without it.
// The floor is the same probe on the run's step-0 encoder (a fresh Trainer from the same seed),
// computed once per (architecture, seed, data, probe kind) and cached. probeEvery's probe takes
// both read-outs of the mean-pooled features, the linear one and the k-NN one (it fits nothing),
// from one encoding of the splits, each reported as its own 'probe' event with its kind.
import { ENCODER_FLOOR_FIELDS, type LabConfig } from '../engine/config';
import { withFloor, type ProbeResult } from '../engine/probe';
import { probeEncoderOfKind, probePooledKinds, type AnyProbeOptions, type PooledKind, type ProbeKind } from '../engine/probeKind';
import { Trainer } from '../engine/trainer';
import type { ProbePhase, ProbeReport, RunId, WorkerEvent } from './protocol';
import { StepSchedule } from './stepSchedule';

/** Progress events at most this often (the probe reports after every feature batch and epoch). */
const PROGRESS_EVERY_MS = 150;

/** The floor's cache key: the settings the step-0 target encoder and the probe's images depend on (config.ts), the probe's options and kind. */
export function floorKey(c: LabConfig, opts: AnyProbeOptions, kind: ProbeKind = 'linear'): string {
  return JSON.stringify({ ...Object.fromEntries(ENCODER_FLOOR_FIELDS.map((k) => [k, c[k]])), opts, ...(kind === 'linear' ? {} : { kind }) });
}

type Queue = <T>(fn: () => Promise<T>) => Promise<T>;

/** Probe floors by floorKey: one per worker, shared by its runs (a run and its JEPA twin share one). */
export type FloorCache = Map<string, ProbeResult>;

/** The read-outs probeEvery takes at each probed step, in the order their events are sent. */
export const EVERY_KINDS: readonly PooledKind[] = ['linear', 'knn'];

export class ProbeRunner {
  /** Every probeEvery-th step, not step 0. */
  private readonly schedule = new StepSchedule('probe', (t) => t.config.probeEvery);

  constructor(
    private readonly emit: (e: WorkerEvent) => void,
    private readonly opts: AnyProbeOptions = {},
    private readonly floors: FloorCache = new Map(),
  ) {}

  everyFor(t: Trainer): number {
    return this.schedule.everyFor(t);
  }

  setEvery(t: Trainer, n: number): void {
    this.schedule.setEvery(t, n);
  }

  /** probeEvery says this step is probed, and it has not been yet. */
  due(t: Trainer): boolean {
    return this.dueAt(t, t.stepCount);
  }

  /** probeEvery says `step` is probed (and it has not been yet): the loop must not run past it before the probe. */
  dueAt(t: Trainer, step: number): boolean {
    return this.schedule.dueAt(t, step);
  }

  /**
   * The loop's hook after each step: probe when due, queued like a step. A failed probe is
   * reported as a 'probe-error' event and training goes on.
   */
  async afterStep(t: Trainer, runId: RunId, queue: Queue): Promise<void> {
    if (!this.due(t)) return;
    try {
      await queue(() => this.evaluateEvery(t, runId));
    } catch {
      // already reported by evaluate()
    }
  }

  /** Probe the trained target encoder and (once per floor key) the random-init one, with the `kind` of read-out (Evaluate: not probeEvery's probe of the step, which takes both pooled read-outs). */
  async evaluate(t: Trainer, runId: RunId, kind: ProbeKind = 'linear'): Promise<ProbeReport> {
    const t0 = performance.now();
    const step = t.stepCount;
    const opts: AnyProbeOptions = { seed: t.config.seed, ...this.opts };
    const key = floorKey(t.config, opts, kind);
    const cachedFloor = this.floors.get(key);
    const progress = this.progressSink(runId, step, cachedFloor ? 1 : 0.5);
    try {
      progress.report('trained', 0);
      const trained = await probeEncoderOfKind(kind, t, t.data, opts, (x) => progress.report('trained', x));
      const floor = cachedFloor ?? (await this.randomInitProbe(t, kind, opts, (x) => progress.report('random-init', x)));
      this.floors.set(key, floor);
      const report: ProbeReport = {
        runId,
        step,
        kind,
        ...withFloor(trained, floor),
        ms: performance.now() - t0,
        floorCached: Boolean(cachedFloor),
      };
      this.emit({ type: 'probe', ...report });
      return report;
    } catch (e) {
      this.emit({ type: 'probe-error', runId, step, message: e instanceof Error ? e.message : String(e) });
      throw e;
    }
  }

  /**
   * probeEvery's probe: the linear and k-NN read-outs of the trained target encoder from one
   * encoding of the splits, and (each once per floor key) the same of the random-init one; one
   * 'probe' event per kind.
   */
  async evaluateEvery(t: Trainer, runId: RunId): Promise<ProbeReport[]> {
    const t0 = performance.now();
    const step = t.stepCount;
    this.schedule.measured(t, step);
    const opts: AnyProbeOptions = { seed: t.config.seed, ...this.opts };
    const keys = EVERY_KINDS.map((kind) => floorKey(t.config, opts, kind));
    const cached = keys.map((key) => this.floors.get(key));
    const missing = EVERY_KINDS.filter((_, i) => !cached[i]);
    const progress = this.progressSink(runId, step, missing.length ? 0.5 : 1);
    try {
      progress.report('trained', 0);
      const trained = await probePooledKinds(EVERY_KINDS, t, t.data, opts, (x) => progress.report('trained', x));
      const fresh = missing.length ? await this.randomInitPooled(t, missing, opts, (x) => progress.report('random-init', x)) : {};
      return EVERY_KINDS.map((kind, i) => {
        const floor = cached[i] ?? fresh[kind]!;
        this.floors.set(keys[i], floor);
        const report: ProbeReport = { runId, step, kind, ...withFloor(trained[kind]!, floor), ms: performance.now() - t0, floorCached: Boolean(cached[i]) };
        this.emit({ type: 'probe', ...report });
        return report;
      });
    } catch (e) {
      this.emit({ type: 'probe-error', runId, step, message: e instanceof Error ? e.message : String(e) });
      throw e;
    }
  }

  /** The floors of several pooled read-outs: one encoding of the splits by a fresh model from the run's config. */
  private async randomInitPooled(t: Trainer, kinds: readonly PooledKind[], opts: AnyProbeOptions, onProgress: (x: number) => void): Promise<Partial<Record<PooledKind, ProbeResult>>> {
    const fresh = Trainer.create(t.config, t.data);
    try {
      return await probePooledKinds(kinds, fresh, t.data, opts, onProgress);
    } finally {
      fresh.dispose();
    }
  }

  /** The floor: the same probe on a fresh model built from the run's config (its step-0 weights). */
  private async randomInitProbe(t: Trainer, kind: ProbeKind, opts: AnyProbeOptions, onProgress: (x: number) => void): Promise<ProbeResult> {
    const fresh = Trainer.create(t.config, t.data);
    try {
      return await probeEncoderOfKind(kind, fresh, t.data, opts, onProgress);
    } finally {
      fresh.dispose();
    }
  }

  /** Overall progress: the trained encoder's share first, then the floor's; throttled. */
  private progressSink(runId: RunId, step: number, trainedShare: number) {
    let last = -Infinity;
    return {
      report: (phase: ProbePhase, x: number) => {
        const done = phase === 'trained' ? trainedShare * x : trainedShare + (1 - trainedShare) * x;
        const now = performance.now();
        if (now - last < PROGRESS_EVERY_MS && done < 1 && x > 0) return;
        last = now;
        this.emit({ type: 'probe-progress', runId, step, done, phase });
      },
    };
  }
}
