// "Every N steps" for one of a run's side measurements (the probe, representation health): the
// engine's one rule (isEveryStep), with N from the trainer's config unless the page set it live,
// and a step measured once however often asked.
import { isEveryStep } from '../engine/everySteps';
import type { Trainer } from '../engine/trainer';

export class StepSchedule {
  /** A live N for one trainer (set from the page while it trains); the trainer's config's otherwise. */
  private live: { trainer: Trainer; n: number } | null = null;
  private last: { trainer: Trainer; step: number } | null = null;

  constructor(
    /** What is scheduled, for the refusal of a bad N ("probe", "health"). */
    private readonly what: string,
    private readonly fromConfig: (t: Trainer) => number,
    /** The steps measured beside the multiples of N (step 0, the run's last step), when N > 0. */
    private readonly also: (t: Trainer) => readonly number[] = () => [],
  ) {}

  everyFor(t: Trainer): number {
    return this.live?.trainer === t ? this.live.n : this.fromConfig(t);
  }

  setEvery(t: Trainer, n: number): void {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`${this.what} interval must be a whole number ≥ 0, got ${n}`);
    this.live = { trainer: t, n };
  }

  /** `step` is a measured step and has not been measured yet. */
  dueAt(t: Trainer, step: number): boolean {
    const n = this.everyFor(t);
    const done = this.last?.trainer === t && this.last.step === step;
    return !done && isEveryStep(step, n, this.also(t));
  }

  /** `step` has been measured. */
  measured(t: Trainer, step: number): void {
    this.last = { trainer: t, step };
  }
}
