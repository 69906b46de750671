// Keeps a run's work: each step goes through a TrainingSession (checkpoint every N steps; a
// non-finite loss or gradient rolls back), the metrics so far are recorded, and each new
// checkpoint is written to IndexedDB under the run's id with them. One RunKeeper per trainer.
// When storage refuses a write (a full disk, storage disabled) the run keeps training with
// checkpoints off, and says so once; the last good checkpoint in storage is left as it was.
import type { LastBatch, Trainer, TrainerState } from '../engine/trainer';
import { TrainingSession, type StepOutcome } from '../engine/session';
import type { LiveHyper } from '../engine/types';
import { decodeCheckpoint, encodeCheckpoint } from '../io/checkpoint';
import type { CheckpointStore } from './checkpointStore';
import type { HealthPoint, NormsMatrix, RunId, SavedRunInfo, StepScalars, WorkerEvent } from './protocol';
import { RunHistory } from './runHistory';
import { errText } from '../shared/errors';

export interface KeeperOptions {
  runId: RunId;
  dataset: { id: string; name: string };
  store: CheckpointStore;
  emit: (e: WorkerEvent) => void;
  /** The storage budget to keep after each save (oldest checkpoints of other runs go first). */
  budget?: () => Promise<{ bytes: number; protect: ReadonlySet<RunId> }>;
  /** Metrics of the steps before the trainer's current one (a resumed or recovered run). */
  history?: RunHistory;
  /** The checkpoint the trainer was restored from, if any (it is already saved), and when it was. */
  restoredFrom?: TrainerState;
  restoredSavedAt?: number;
  /** The batch of the restored checkpoint's step (the trainer forgets it on restore). */
  restoredBatch?: LastBatch | null;
}

/** Why storage refused a write, in words (a full disk and a disabled storage read differently). */
export function storageRefusal(e: unknown): string {
  const name = (e as { name?: string } | null)?.name;
  if (name === 'QuotaExceededError') return `the browser's storage for this site is full (QuotaExceededError: ${errText(e)})`;
  if (name === 'InvalidStateError' || name === 'UnknownError') return `the browser refused to store it (${name}: ${errText(e)}); storage may be disabled or in private mode`;
  return errText(e);
}

export class RunKeeper {
  readonly session: TrainingSession;
  readonly history: RunHistory;
  /** The newest checkpoint handed to the store. */
  private saved: TrainerState | null;
  /** The newest checkpoint known to be in storage. */
  private good: { step: number; savedAt: number } | null;
  /** Why checkpoints are off (storage refused one), or null. */
  private offReason: string | null = null;
  /** The run was deleted (Runs table): its checkpoints are never written again. */
  private forgotten = false;
  private restoredBatch: LastBatch | null;

  constructor(
    readonly trainer: Trainer,
    private readonly opts: KeeperOptions,
  ) {
    this.session = new TrainingSession(trainer, { checkpointEvery: trainer.config.checkpointEvery });
    this.history = opts.history ?? new RunHistory();
    this.saved = opts.restoredFrom ?? null;
    this.good = opts.restoredFrom ? { step: opts.restoredFrom.step, savedAt: opts.restoredSavedAt ?? Date.now() } : null;
    this.restoredBatch = opts.restoredBatch ?? null;
  }

  /** Build a keeper around `trainer` restored from `state` (resume after a reload, recovery after a lost device). */
  static async restore(trainer: Trainer, state: TrainerState, opts: KeeperOptions): Promise<RunKeeper> {
    const k = new RunKeeper(trainer, { ...opts, restoredFrom: state });
    await k.session.resume(state);
    k.wentBackTo(state.step);
    return k;
  }

  get lastCheckpoint(): TrainerState | null {
    return this.session.lastCheckpoint;
  }

  /** The newest checkpoint in storage (null: none yet). */
  get lastGood(): { step: number; savedAt: number } | null {
    return this.good;
  }

  /** Why checkpoints are off, or null when they are on. */
  get off(): string | null {
    return this.offReason;
  }

  /** The batch and masks of the step the trainer stands at (also right after a restore, from the checkpoint). */
  get lastBatch(): LastBatch | null {
    const live = this.trainer.lastBatch;
    if (live) return live;
    return this.restoredBatch?.step === this.trainer.stepCount ? this.restoredBatch : null;
  }

  /** The last step whose metrics are out (the trainer may be one step further, in flight). */
  get reportedStep(): number {
    return this.trainer.stepCount - (this.session.inFlight === null ? 0 : 1);
  }

  /**
   * One step under the divergence guard; `runAhead` (the loop) queues the next step before this
   * one's check comes back (TrainingSession.step). On divergence the metrics after the checkpoint are dropped.
   */
  async step(runAhead = false): Promise<StepOutcome> {
    return this.taken(await this.session.step(runAhead));
  }

  /** The outcome of the step still in flight when the loop stops, if any. */
  async finish(): Promise<StepOutcome | null> {
    const out = await this.session.finish();
    return out && this.taken(out);
  }

  private taken(out: StepOutcome): StepOutcome {
    if (out.kind === 'diverged') this.wentBackTo(out.restoredStep);
    return out;
  }

  /** The trainer stands at `step` again: later metrics go, and λ/β/lr are the checkpoint's from the next step. */
  private wentBackTo(step: number): void {
    this.history.truncate(step);
    this.history.addHyper(step + 1, this.trainer.hyper());
  }

  /** Record a step's metrics (before they are sent: the norm data is transferred). */
  record(metrics: StepScalars, norms?: NormsMatrix): void {
    this.history.addStep(metrics, norms);
  }

  /** Keep a representation-health measurement with the run's metrics. */
  recordHealth(point: HealthPoint): void {
    this.history.addHealth(point);
  }

  hyperChanged(atStep: number, hyper: LiveHyper): void {
    this.history.addHyper(atStep, hyper);
  }

  /**
   * Write the newest in-memory checkpoint to IndexedDB if it is not there yet. Call after the
   * step's metrics are recorded. The write runs in the background; the promise says when it landed.
   */
  saveLatest(): Promise<void> {
    const state = this.session.lastCheckpoint;
    if (!state || state === this.saved || this.offReason || this.forgotten) return Promise.resolve();
    this.saved = state;
    const { runId, dataset, store, emit } = this.opts;
    const info: SavedRunInfo = { runId, step: state.step, savedAt: Date.now(), bytes: 0, config: state.config, dataset };
    const batch = this.lastBatch?.step === state.step ? this.lastBatch : null;
    let bytes: Uint8Array;
    try {
      bytes = encodeCheckpoint(state);
    } catch (e) {
      emit({ type: 'checkpoint', runId, step: state.step, error: `could not encode the checkpoint: ${errText(e)}` });
      return Promise.resolve();
    }
    const history = this.history.upTo(state.step);
    return (async () => {
      try {
        const budget = await this.opts.budget?.();
        const eviction = await store.save({ info, bytes, history, lastBatch: batch }, budget);
        if (this.forgotten) return void (await store.delete(runId).catch(() => undefined)); // deleted while it was written
        this.good = { step: state.step, savedAt: info.savedAt };
        emit({ type: 'checkpoint', runId, step: state.step, savedAt: info.savedAt, saved: { ...info, bytes: bytes.byteLength } });
        if (eviction.evicted.length) emit({ type: 'evicted', evicted: eviction.evicted, budgetBytes: budget!.bytes, usedBytes: eviction.usedBytes });
      } catch (e) {
        this.saved = null; // not in storage: the next try writes it
        this.offReason = storageRefusal(e);
        const kept = this.good ? ` The last good checkpoint, of step ${this.good.step}, is kept.` : ' No checkpoint of this run is stored yet.';
        emit({
          type: 'checkpoint',
          runId,
          step: state.step,
          error: `Checkpoints are off for this run: the checkpoint of step ${state.step} could not be saved: ${this.offReason}.${kept} Training goes on.`,
          off: true,
          lastGood: this.good,
        });
      }
    })();
  }

  /** Checkpoint now (on Pause) unless the newest one is of this step, and wait until it is saved. */
  async checkpointNow(): Promise<void> {
    if (this.session.lastCheckpoint?.step !== this.trainer.stepCount) await this.session.checkpoint();
    await this.saveLatest();
  }

  /** Checkpoints were off: turn them on and save the newest one now. */
  async retry(): Promise<void> {
    this.offReason = null;
    await this.checkpointNow();
  }

  /** This keeper replaces `from` for the same run (a trainer rebuilt after a lost device): storage state carries over. */
  carryOver(from: RunKeeper): void {
    this.good = from.good;
    this.offReason = from.offReason;
    this.forgotten = from.forgotten;
  }

  /** The run was deleted: write no more of it (a write in flight is undone when it lands). */
  forget(): void {
    this.forgotten = true;
  }
}

/** A saved run read back: its checkpoint decoded and checked, its metrics and last batch. */
export async function readSavedRun(
  store: CheckpointStore,
  runId: RunId,
): Promise<{ info: SavedRunInfo; state: TrainerState; history: RunHistory; lastBatch: LastBatch | null } | null> {
  const saved = await store.load(runId);
  if (!saved) return null;
  const state = decodeCheckpoint(saved.bytes);
  if (state.step !== saved.info.step) throw new Error(`the saved checkpoint is of step ${state.step}, its description says ${saved.info.step}`);
  return { info: saved.info, state, history: RunHistory.from(saved.history), lastBatch: saved.lastBatch ?? null };
}
