// Representation health inside the training worker: every healthEvery steps (and at step 0, the
// run's starting point), between two steps, the run's loop asks for Trainer.representationHealth
// on its fixed batch — the per-dimension std (mean, min) and RankMe of the encoder that makes the
// targets, and of the context encoder when that is another one (an EMA target) — and the groups'
// multi-information (Trainer.totalCorrelation; SparseJEPA and JEPA). It only reads the
// encoders (forward passes in tf.tidy, one read-back each), so training goes on exactly as
// without it. A failed measurement is reported ('health-error') and training goes on.
import { hasEmaTarget } from '../engine/model';
import type { RepresentationHealth } from '../engine/representationHealth';
import type { Trainer } from '../engine/trainer';
import type { HealthPoint, HealthStats, RunId, WorkerEvent } from './protocol';
import { StepSchedule } from './stepSchedule';
import { isEveryStep } from '../engine/everySteps';

type Queue = <T>(fn: () => Promise<T>) => Promise<T>;

/** The chart's numbers of one measurement (the singular values stay in the worker). */
export function healthStats(h: RepresentationHealth): HealthStats {
  return { stdMean: h.stdMean, stdMin: h.stdMin, rankMe: h.rankMe, rows: h.rows, dim: h.dim };
}

/**
 * The page measures the multi-information at every TC_EVERY-th health point only (steps that are
 * multiples of TC_EVERY × healthEvery; not step 0): one costs a predictor pass per group over the
 * health images (about 3 s on micro on WASM, minutes on a software WebGPU), too much to pay every
 * healthEvery steps of a run training live. The command line measures it at every health point.
 */
export const TC_EVERY = 5;

export class HealthRunner {
  /** Step 0, every healthEvery-th step and the last step. */
  private readonly schedule = new StepSchedule('health', (t) => t.config.healthEvery, (t) => [0, t.config.steps]);

  constructor(
    private readonly emit: (e: WorkerEvent) => void,
    /** Each measurement, as it is sent (the run's history keeps them). */
    private readonly onPoint: (p: HealthPoint) => void = () => undefined,
  ) {}

  everyFor(t: Trainer): number {
    return this.schedule.everyFor(t);
  }

  setEvery(t: Trainer, n: number): void {
    this.schedule.setEvery(t, n);
  }

  /** healthEvery says this step is measured (step 0, every n-th step, the last step), and it has not been yet. */
  due(t: Trainer): boolean {
    return this.schedule.dueAt(t, t.stepCount);
  }

  /** Measure now (the caller queues it between steps); sends and returns the point. */
  async measure(t: Trainer, runId: RunId): Promise<HealthPoint> {
    const step = t.stepCount;
    this.schedule.measured(t, step);
    try {
      const target = healthStats(await t.representationHealth());
      const context = hasEmaTarget(t.config) ? healthStats(await t.representationHealth({ encoder: 'context' })) : undefined;
      const n = this.schedule.everyFor(t);
      // n = 0: a measurement asked for outside the schedule, whole.
      const totalCorrelation = n === 0 || isEveryStep(step, TC_EVERY * n) ? await t.totalCorrelation() : null;
      const point: HealthPoint = { step, target, ...(context ? { context } : {}), ...(totalCorrelation ? { totalCorrelation } : {}) };
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
