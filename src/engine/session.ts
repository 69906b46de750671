// A run that keeps its work: checkpoints every N steps, and on a non-finite loss or gradient
// the step is not applied, the last good checkpoint is restored and the run pauses.
import { DivergenceError, type Trainer, type TrainerState } from './trainer';
import type { StepMetrics } from './types';

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

  constructor(
    readonly trainer: Trainer,
    readonly options: SessionOptions,
  ) {}

  /** The newest checkpoint held in memory. */
  get lastCheckpoint(): TrainerState | null {
    return this.last;
  }

  /** Snapshot now (on Pause, or before risky changes). */
  async checkpoint(): Promise<TrainerState> {
    this.last = await this.trainer.snapshot();
    await this.options.onCheckpoint?.(this.last);
    return this.last;
  }

  /** Continue from a checkpoint (e.g. one read back from IndexedDB after a reload). */
  async resume(state: TrainerState): Promise<void> {
    await this.trainer.restore(state);
    this.last = state;
  }

  async step(): Promise<StepOutcome> {
    if (!this.last) await this.checkpoint(); // something to roll back to, from the first step on
    try {
      const metrics = await this.trainer.step();
      const every = this.options.checkpointEvery;
      const due = every > 0 && metrics.step % every === 0;
      if (due) await this.checkpoint();
      return { kind: 'step', metrics, checkpointed: due };
    } catch (e) {
      if (!(e instanceof DivergenceError) || !this.last) throw e;
      await this.trainer.restore(this.last);
      return {
        kind: 'diverged',
        message: `${e.message} Rolled back to the checkpoint at step ${this.last.step} and paused.`,
        restoredStep: this.last.step,
      };
    }
  }
}
