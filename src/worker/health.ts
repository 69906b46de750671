// Representation health inside the training worker: every healthEvery steps (and at step 0, the
// run's starting point), between two steps, the run's loop asks for Trainer.representationHealth
// on its fixed batch — the per-dimension std (mean, min) and RankMe of the encoder that makes the
// targets, and of the context encoder when that is another one (an EMA target). It only reads the
// encoders (forward passes in tf.tidy, one read-back each), so training goes on exactly as
// without it. A failed measurement is reported ('health-error') and training goes on.
import { hasEmaTarget } from '../engine/model';
import type { RepresentationHealth } from '../engine/representationHealth';
import type { Trainer } from '../engine/trainer';
import type { HealthPoint, HealthStats, RunId, WorkerEvent } from './protocol';

type Queue = <T>(fn: () => Promise<T>) => Promise<T>;

/** The chart's numbers of one measurement (the singular values stay in the worker). */
export function healthStats(h: RepresentationHealth): HealthStats {
  return { stdMean: h.stdMean, stdMin: h.stdMin, rankMe: h.rankMe, rows: h.rows, dim: h.dim };
}

export class HealthRunner {
  /** A live healthEvery for one trainer (set from the page); the trainer's config's otherwise. */
  private every: { trainer: Trainer; n: number } | null = null;
  private last: { trainer: Trainer; step: number } | null = null;

  constructor(
    private readonly emit: (e: WorkerEvent) => void,
    /** Each measurement, as it is sent (the run's history keeps them). */
    private readonly onPoint: (p: HealthPoint) => void = () => undefined,
  ) {}

  everyFor(t: Trainer): number {
    return this.every?.trainer === t ? this.every.n : t.config.healthEvery;
  }

  setEvery(t: Trainer, n: number): void {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`health interval must be a whole number ≥ 0, got ${n}`);
    this.every = { trainer: t, n };
  }

  /** healthEvery says this step is measured (step 0, every n-th step, the last step), and it has not been yet. */
  due(t: Trainer): boolean {
    const n = this.everyFor(t);
    const step = t.stepCount;
    const done = this.last?.trainer === t && this.last.step === step;
    return n > 0 && !done && (step % n === 0 || step === t.config.steps);
  }

  /** Measure now (the caller queues it between steps); sends and returns the point. */
  async measure(t: Trainer, runId: RunId): Promise<HealthPoint> {
    const step = t.stepCount;
    this.last = { trainer: t, step };
    try {
      const target = healthStats(await t.representationHealth());
      const context = hasEmaTarget(t.config) ? healthStats(await t.representationHealth({ encoder: 'context' })) : undefined;
      const point: HealthPoint = { step, target, ...(context ? { context } : {}) };
      this.onPoint(point);
      this.emit({ type: 'health', runId, point });
      return point;
    } catch (e) {
      this.emit({ type: 'health-error', runId, step, message: e instanceof Error ? e.message : String(e) });
      throw e;
    }
  }

  /** The loop's hook (before the first step and after each): measure when due, queued like a step. */
  async maybe(t: Trainer, runId: RunId, queue: Queue): Promise<void> {
    if (!this.due(t)) return;
    try {
      await queue(() => this.measure(t, runId));
    } catch {
      // reported by measure()
    }
  }
}
