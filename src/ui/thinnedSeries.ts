// A chart's history of one run in a fixed amount of memory: a long run must not grow the page's
// arrays or rebuild big ones every step (the garbage collector then stalls the page). The rule:
// the k-th point pushed is kept while k is a multiple of the stride; when the store is full, every
// other kept point goes and the stride doubles. The first point and the latest one are always
// there, and the kept points are evenly spaced in push order. Typed arrays, allocated once.

export class ThinnedSeries {
  /** Kept points on the stride (the latest point, off the stride, is held apart in slot `capacity`). */
  private kept = 0;
  private pushed = 0;
  private strideNow = 1;
  private readonly stepsAt: Float64Array;
  private readonly columns: Float64Array[];

  /** `capacity` points at most on the stride (even, so a new point lands on the doubled stride), plus the latest. */
  constructor(
    readonly capacity: number,
    readonly width: number,
  ) {
    if (capacity < 2 || capacity % 2) throw new Error(`capacity must be even and at least 2, not ${capacity}`);
    this.stepsAt = new Float64Array(capacity + 1);
    this.columns = Array.from({ length: width }, () => new Float64Array(capacity + 1));
  }

  /** Points pushed since the last clear. */
  get count(): number {
    return this.pushed;
  }

  /** Push-order distance between kept points. */
  get stride(): number {
    return this.strideNow;
  }

  /** Points to read: the kept ones, and the latest if it is off the stride. */
  get size(): number {
    return this.kept + (this.hasTail() ? 1 : 0);
  }

  /** Add the next point; `values` has one number per column (NaN: none). */
  push(step: number, values: ArrayLike<number>): void {
    const k = this.pushed++;
    if (k % this.strideNow !== 0) {
      this.write(this.capacity, step, values); // the latest, until the next one replaces it
      return;
    }
    if (this.kept === this.capacity) this.halve();
    this.write(this.kept++, step, values);
  }

  stepAt(i: number): number {
    return this.stepsAt[this.slot(i)];
  }

  valueAt(column: number, i: number): number {
    return this.columns[column][this.slot(i)];
  }

  clear(): void {
    this.kept = 0;
    this.pushed = 0;
    this.strideNow = 1;
  }

  private hasTail(): boolean {
    return this.pushed > 0 && (this.pushed - 1) % this.strideNow !== 0;
  }

  private slot(i: number): number {
    return i < this.kept ? i : this.capacity;
  }

  /** Keep every other point (0, 2, 4, …) in place: the stride doubles, and the next point, at capacity · stride, is on it. */
  private halve(): void {
    const half = this.capacity / 2;
    for (let j = 1; j < half; j++) {
      this.stepsAt[j] = this.stepsAt[2 * j];
      for (const c of this.columns) c[j] = c[2 * j];
    }
    this.kept = half;
    this.strideNow *= 2;
  }

  private write(slot: number, step: number, values: ArrayLike<number>): void {
    this.stepsAt[slot] = step;
    for (let c = 0; c < this.width; c++) this.columns[c][slot] = c < values.length ? values[c] : NaN;
  }
}
