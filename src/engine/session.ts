// A run that keeps its work: checkpoints every N steps, and on a non-finite loss or gradient
// the run goes back to the last good checkpoint and pauses.
//
// The check is a step late in the training loop (step(true)): step t+1 is queued before step t's
// read-back (loss, ‖∇‖², norms) is awaited, so a GPU always has the next step to run and the loop
// never waits for the one it just queued. When step t turns out non-finite, it has been applied,
// and so has step t+1 behind it: both are undone by going back to the checkpoint. A checkpoint is
// only taken of a checked state: the loop does not run ahead of a checkpoint step.
import { DivergenceError, type PendingStep, type Trainer, type TrainerState } from './trainer';
import type { StepMetrics } from './types';
import { isEveryStep } from './everySteps';

export type StepOutcome =
  | { kind: 'step'; metrics: StepMetrics; checkpointed: boolean }
  | { kind: 'diverged'; message: string; restoredStep: number };

export interface SessionOptions {
  /** Take a checkpoint every this many steps (0 = only when asked). */
  checkpointEvery: number;
  /** Called with each new checkpoint, e.g. to persist it (IndexedDB, a file). */
  onCheckpoint?: (state: TrainerState) => Promise<void> | void;
}

export class TrainingSession {
  private last: TrainerState | null = null;
  /** The step queued ahead whose outcome has not been taken yet. */
  private ahead: PendingStep | null = null;

  constructor(
    readonly trainer: Trainer,
    readonly options: SessionOptions,
  ) {}

  /** The newest checkpoint held in memory. */
  get lastCheckpoint(): TrainerState | null {
    return this.last;
  }

  /** The number of the step queued ahead and not yet reported (null when none is). */
  get inFlight(): number | null {
    return this.ahead?.step ?? null;
  }

  /** Snapshot now (on Pause, or before risky changes). A step in flight must be taken first (finish()). */
  async checkpoint(): Promise<TrainerState> {
    if (this.ahead) throw new Error(`step ${this.ahead.step} is still in flight: take its outcome before a checkpoint`);
    this.last = await this.trainer.snapshot();
    await this.options.onCheckpoint?.(this.last);
    return this.last;
  }

  /** Continue from a checkpoint (e.g. one read back from IndexedDB after a reload). */
  async resume(state: TrainerState): Promise<void> {
    this.drop();
    await this.trainer.restore(state);
    this.last = state;
  }

  /**
   * The next step's outcome: the step in flight if there is one, else a new step. With
   * `runAhead` (the training loop) the step after it is queued first, before this one's
   * read-back is awaited — except after a checkpoint step, or past the run's last step.
   */
  async step(runAhead = false): Promise<StepOutcome> {
    if (!this.last && !this.ahead) await this.checkpoint(); // something to roll back to, from the first step on
    const current = this.ahead ?? this.trainer.queueStep();
    this.ahead = null;
    const due = isEveryStep(current.step, this.options.checkpointEvery);
    if (runAhead && !due && this.trainer.stepCount < this.trainer.config.steps) {
      try {
        this.ahead = this.trainer.queueStep();
      } catch (e) {
        current.metrics.catch(() => undefined);
        throw e;
      }
    }
    try {
      const metrics = await current.metrics;
      if (due) await this.checkpoint();
      return { kind: 'step', metrics, checkpointed: due };
    } catch (e) {
      const alsoApplied = this.drop();
      if (!(e instanceof DivergenceError) || !this.last) throw e;
      await this.trainer.restore(this.last);
      const lag = alsoApplied === null ? '' : ` Step ${alsoApplied}, queued before the check came back, was applied too.`;
      return {
        kind: 'diverged',
        message: `${e.message}${lag} Rolled back to the checkpoint at step ${this.last.step} and paused.`,
        restoredStep: this.last.step,
      };
    }
  }

  /** The outcome of the step in flight, if there is one (when the loop stops: Pause, the run's end). */
  finish(): Promise<StepOutcome | null> {
    return this.ahead ? this.step(false) : Promise.resolve(null);
  }

  /** Forget the step in flight (its outcome no longer matters); returns its number. */
  private drop(): number | null {
    const a = this.ahead;
    this.ahead = null;
    a?.metrics.catch(() => undefined);
    return a?.step ?? null;
  }
}
