// Charts redraw one at a time, each in its own macrotask, so no single main-thread task has to
// re-render every chart at once. Jobs are deduplicated: a chart already waiting is not queued
// twice. After each round the queue rests at least as long as the round took (and MIN_GAP_MS):
// charts refresh about every 1.5 s and never take more than about half the main thread.
// whenIdle() tells when no round is in progress and every chart has committed what it was
// asked to draw (charts render as transitions, so that can be later than the job itself).
type Job = () => void;

const MIN_GAP_MS = 1500;
const pending = new Set<Job>();
const idleWaiters: (() => void)[] = [];
let scheduled = false;
let inRound = false;
let roundStart = 0;
let roundBusy = 0;
/** Charts asked to redraw that have not committed yet. */
let uncommitted = 0;

/** A chart was asked to show a new version (call before its state update). */
export function renderStarted(): void {
  uncommitted++;
}

/** That chart committed it. */
export function renderCommitted(): void {
  uncommitted = Math.max(0, uncommitted - 1);
  if (!inRound && uncommitted === 0) notifyIdle();
}

function notifyIdle(): void {
  // One more macrotask: React's transition work queued by the last job runs first.
  setTimeout(() => {
    if (inRound || uncommitted > 0) return;
    for (const cb of idleWaiters.splice(0)) cb();
  }, 0);
}

function runNext(): void {
  const next = pending.values().next();
  if (next.done) {
    inRound = false;
    notifyIdle();
    // Rest before the next round may start.
    const rest = Math.max(MIN_GAP_MS - (performance.now() - roundStart), roundBusy);
    roundBusy = 0;
    setTimeout(() => {
      if (pending.size) startRound();
      else scheduled = false;
    }, Math.max(0, rest));
    return;
  }
  pending.delete(next.value);
  const t0 = performance.now();
  try {
    next.value();
  } finally {
    roundBusy += performance.now() - t0;
    setTimeout(runNext, 0);
  }
}

function startRound(): void {
  inRound = true;
  roundStart = performance.now();
  runNext();
}

export function enqueueRender(job: Job): void {
  pending.add(job);
  if (!scheduled) {
    scheduled = true;
    inRound = true; // a round starts on the next task
    setTimeout(startRound, 0);
  }
}

export function cancelRender(job: Job): void {
  pending.delete(job);
}

/** Call `cb` once no drawing round is in progress. */
export function whenIdle(cb: () => void): void {
  idleWaiters.push(cb);
  if (!inRound && uncommitted === 0) notifyIdle();
}
