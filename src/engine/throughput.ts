// Images per second as the training loop sees it: the images of the last WINDOW steps over the
// time the loop spent on them.
//
// Invariant: each step is charged only for time when it was the loop's oldest unfinished work,
// from max(when it was queued, when the step before it came back) to when it came back, so the
// busy intervals never overlap and gaps between steps (a checkpoint, a pause, a probe) are not
// charged to any step. One interval alone is not a measurement: with the loop one step ahead, a
// step whose work was done while the one before it was awaited comes back at once (0.1 ms: the
// 75,294 img/s of issue 22), and the step before it carries both. Summed over a window the two
// add up to what they cost.

/** How many steps the rate is taken over. */
export const THROUGHPUT_WINDOW = 8;

export class ThroughputWindow {
  private readonly busyMs: number[] = [];
  private readonly images: number[] = [];
  private lastArrival = -Infinity;

  constructor(private readonly window = THROUGHPUT_WINDOW) {}

  /** Record a step queued at `queuedAt` that came back at `arrivedAt` (ms) with `images`; the rate over the window (img/s). */
  record(queuedAt: number, arrivedAt: number, images: number): number {
    const busy = Math.max(0, arrivedAt - Math.max(queuedAt, this.lastArrival));
    this.lastArrival = Math.max(this.lastArrival, arrivedAt);
    this.busyMs.push(busy);
    this.images.push(images);
    if (this.busyMs.length > this.window) {
      this.busyMs.shift();
      this.images.shift();
    }
    const ms = this.busyMs.reduce((a, b) => a + b, 0);
    const n = this.images.reduce((a, b) => a + b, 0);
    // Every step in the window came back at once (a clock too coarse to see it): no rate to give.
    return ms > 0 ? n / (ms / 1000) : 0;
  }

  /** Start again (after a restore: the steps before it are not this run's any more). */
  reset(): void {
    this.busyMs.length = 0;
    this.images.length = 0;
    this.lastArrival = -Infinity;
  }
}
