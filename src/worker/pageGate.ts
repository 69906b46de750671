// The worker's half of the pacing loop: after each step the loop waits (at most a share of the
// step's time) until the page says it has drawn that step. The whole sequence, and the page's
// half, are described in src/store/pacing.ts.

/** Share of a step's time the loop waits for the page to draw before the next step. */
export const PAGE_SHARE = 1;
export const PAGE_WAIT_MAX_MS = 1000;

export class PageGate {
  private drawnStep = 0;
  private waiter: (() => void) | null = null;

  /** PageEvent 'drawn': the page has published up to `step` and has nothing left to draw. */
  drawn(step: number): void {
    this.drawnStep = Math.max(this.drawnStep, step);
    this.waiter?.();
  }

  /** The run stands at `step` without the page having to draw it (a fresh, resumed or rolled-back run). */
  reset(step = 0): void {
    this.drawnStep = step;
    this.waiter?.();
  }

  /** Resolves once the page has drawn `step`, or after min(PAGE_WAIT_MAX_MS, PAGE_SHARE · stepMs). */
  wait(step: number, stepMs: number): Promise<void> {
    const limit = Math.min(PAGE_WAIT_MAX_MS, PAGE_SHARE * stepMs);
    if (this.drawnStep >= step || limit < 1) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiter = null;
        resolve();
      };
      const timer = setTimeout(done, limit);
      this.waiter = () => {
        if (this.drawnStep >= step) done();
      };
    });
  }
}
