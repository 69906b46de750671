// Pure helpers for the charts: TensorBoard-style smoothing and point-count capping.

/**
 * TensorBoard's exponential moving average with de-biasing: with weight w in [0, 1),
 * s_t = w·s_{t-1} + (1-w)·x_t, divided by (1 - w^t) so the start is not pulled to zero.
 * Non-finite values are passed through and do not disturb the average.
 */
export function smoothEma(values: readonly number[], weight: number): number[] {
  const w = Math.min(Math.max(weight, 0), 0.999);
  const out = new Array<number>(values.length);
  let last = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      out[i] = v;
      continue;
    }
    last = last * w + (1 - w) * v;
    n++;
    const debias = w === 0 ? 1 : 1 - Math.pow(w, n);
    out[i] = last / debias;
  }
  return out;
}

/**
 * Indices of at most `maxPoints` items spread evenly over [0, length), always keeping the
 * first and the last. Used to cap the points a chart draws.
 */
export function downsampleIndices(length: number, maxPoints: number): number[] {
  if (length <= 0) return [];
  if (length <= maxPoints || maxPoints < 2) {
    if (length <= maxPoints) return Array.from({ length }, (_, i) => i);
    return [length - 1];
  }
  const out: number[] = [];
  const stride = (length - 1) / (maxPoints - 1);
  let prev = -1;
  for (let j = 0; j < maxPoints; j++) {
    const i = Math.round(j * stride);
    if (i !== prev) out.push(i);
    prev = i;
  }
  return out;
}

/** A value usable on a log axis (recharts drops non-positive values badly). */
export function logSafe(v: number, floor = 1e-12): number {
  return Number.isFinite(v) ? Math.max(v, floor) : v;
}
