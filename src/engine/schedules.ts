// Schedules of the I-JEPA recipe, as functions of the step (0-based) and the run length.

/** Linear warm-up from startLr to peak, then cosine decay to finalLr (WarmupCosineSchedule). */
export function learningRate(step: number, total: number, o: { peak: number; start: number; final: number; warmupSteps: number }): number {
  if (step < o.warmupSteps) return o.start + ((o.peak - o.start) * step) / o.warmupSteps;
  const progress = (step - o.warmupSteps) / Math.max(1, total - o.warmupSteps);
  return Math.max(o.final, o.final + (o.peak - o.final) * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress))));
}

/** Cosine from wd[0] to wd[1] over the run (CosineWDSchedule). */
export function weightDecay(step: number, total: number, [from, to]: readonly [number, number]): number {
  const progress = Math.min(1, step / Math.max(1, total));
  return to + (from - to) * 0.5 * (1 + Math.cos(Math.PI * progress));
}

/** EMA momentum rising linearly from m[0] to m[1] over the run. */
export function emaMomentum(step: number, total: number, [from, to]: readonly [number, number]): number {
  return from + (Math.min(step, total) * (to - from)) / Math.max(1, total);
}
