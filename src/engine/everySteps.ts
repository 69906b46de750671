// "Every N steps", the one rule for everything a run does periodically: the G×K norms, checkpoints,
// probes, representation health, the command line's log lines. Steps count from 1 (step 0 is the
// state before the first step). N = 0 turns the thing off, `also` steps included.

/** Whether `step` is one `every` marks: a positive multiple of it, or one of `also` (step 0, step 1, the run's last step). */
export function isEveryStep(step: number, every: number, also: readonly number[] = []): boolean {
  return every > 0 && ((step > 0 && step % every === 0) || also.includes(step));
}
