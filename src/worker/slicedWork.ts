// Plain-JS work that shares the training worker's one thread with the training loop, done in
// slices between the loop's steps (the bias demo, biasDemo.ts; the projector's UMAP, umapRunner.ts).
//
// The invariant: while a run trains, the work holds the thread about sliceMs, then sleeps restMs,
// so a training step waits for at most one slice; while none trains, slices follow each other with
// only a yield to the event loop between them (commands still land).
import type { WorkerEvent } from './protocol';

export interface SlicePacing {
  /** Target length of one slice of work. */
  sliceMs: number;
  /** Sleep between slices while a run trains. */
  restMs: number;
  /** Send progress at most this often (and once at the end). */
  emitEveryMs: number;
}

/** About 10 % of the thread while a run trains: 5 ms of work in every 50. */
export const SLICE_PACING: SlicePacing = { sliceMs: 5, restMs: 45, emitEveryMs: 250 };

export interface SliceHost {
  emit(e: WorkerEvent): void;
  /** Whether a run's training loop is going (then the work rests between slices). */
  training(): boolean;
  /** Let queued work run (a macrotask), without the clamping of setTimeout(0). */
  yieldToEvents(): Promise<void>;
  sleep?(ms: number): Promise<void>;
  now?(): number;
}

export interface SliceWork {
  /** Do `units` more units of work; true once the work is done. */
  advance(units: number): boolean;
  /** Units in the first slice, and the bounds the adapted count stays within. */
  units: { start: number; min: number; max: number };
  /** Send where the work stands; called at most every emitEveryMs, and always when done. */
  progress(done: boolean): void;
  /** Checked before each slice. */
  stopped(): boolean;
  /** Rest before every slice (the first included) instead of after every one but the last. */
  restFirst?: boolean;
}

/** Slices are timed with the host's clock (a test's own, else performance.now()), and so is a runner's elapsed time. */
export function clockOf(host: SliceHost): () => number {
  return host.now ?? (() => performance.now());
}

/** One loop paces every kind of sliced work, so each keeps the header's invariant: true when done, false when stopped. */
export async function runInSlices(host: SliceHost, pacing: SlicePacing, work: SliceWork): Promise<boolean> {
  const now = clockOf(host);
  const sleep = host.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const { min, max } = work.units;
  let units = work.units.start;
  let lastEmit = -Infinity;
  for (let first = true; ; first = false) {
    if (work.restFirst || !first) await (host.training() ? sleep(pacing.restMs) : host.yieldToEvents());
    if (work.stopped()) return false;
    const t0 = now();
    const done = work.advance(units);
    const dt = now() - t0;
    units = Math.max(min, Math.min(max, Math.round((units * pacing.sliceMs) / Math.max(dt, 0.05))));
    if (done || now() - lastEmit >= pacing.emitEveryMs) {
      lastEmit = now();
      work.progress(done);
    }
    if (done) return true;
  }
}
