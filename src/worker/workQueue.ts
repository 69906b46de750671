// Work carried out one at a time, in the order asked for. The worker keeps two: its commands, and
// the tensor work of every kind (steps, probes, samples, exports, builds), so neither interleaves.

export class WorkQueue {
  private tail: Promise<unknown> = Promise.resolve();

  /** `fn` after everything asked for before it; a failure of one job does not stop the next. */
  run<T>(fn: () => Promise<T> | T): Promise<T> {
    const r = this.tail.then(fn);
    this.tail = r.catch(() => undefined);
    return r;
  }

  /** Forget work that will never finish (a step hung on a lost device). */
  reset(): void {
    this.tail = Promise.resolve();
  }
}
