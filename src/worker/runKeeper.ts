// Keeps a run's work: each step goes through a TrainingSession (checkpoint every N steps; a
// non-finite loss or gradient rolls back), the metrics so far are recorded, and each new
// checkpoint is written to IndexedDB with them. One RunKeeper per trainer.
import type { Trainer, TrainerState } from '../engine/trainer';
import { TrainingSession, type StepOutcome } from '../engine/session';
import type { LiveHyper } from '../engine/types';
import { decodeCheckpoint, encodeCheckpoint } from '../io/checkpoint';
import type { CheckpointStore } from './checkpointStore';
import type { NormsMatrix, SavedRunInfo, StepScalars, WorkerEvent } from './protocol';
import { RunHistory } from './runHistory';

export interface KeeperOptions {
  runId: number;
  dataset: { id: string; name: string };
  store: CheckpointStore;
  emit: (e: WorkerEvent) => void;
  /** Metrics of the steps before the trainer's current one (a resumed or recovered run). */
  history?: RunHistory;
  /** The checkpoint the trainer was restored from, if any (it is already saved). */
  restoredFrom?: TrainerState;
}

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

export class RunKeeper {
  readonly session: TrainingSession;
  readonly history: RunHistory;
  /** The newest checkpoint handed to the store. */
  private saved: TrainerState | null;

  constructor(
    readonly trainer: Trainer,
    private readonly opts: KeeperOptions,
  ) {
    this.session = new TrainingSession(trainer, { checkpointEvery: trainer.config.checkpointEvery });
    this.history = opts.history ?? new RunHistory();
    this.saved = opts.restoredFrom ?? null;
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

  hyperChanged(atStep: number, hyper: LiveHyper): void {
    this.history.addHyper(atStep, hyper);
  }

  /**
   * Write the newest in-memory checkpoint to IndexedDB if it is not there yet. Call after the
   * step's metrics are recorded. The write runs in the background; the promise says when it landed.
   */
  saveLatest(): Promise<void> {
    const state = this.session.lastCheckpoint;
    if (!state || state === this.saved) return Promise.resolve();
    this.saved = state;
    const { runId, dataset, store, emit } = this.opts;
    const info: SavedRunInfo = { step: state.step, savedAt: Date.now(), config: state.config, dataset };
    let bytes: Uint8Array;
    try {
      bytes = encodeCheckpoint(state);
    } catch (e) {
      emit({ type: 'checkpoint', runId, step: state.step, error: `could not encode the checkpoint: ${errText(e)}` });
      return Promise.resolve();
    }
    return store.save({ info, bytes, history: this.history.upTo(state.step) }).then(
      () => emit({ type: 'checkpoint', runId, step: state.step, savedAt: info.savedAt }),
      (e) => emit({ type: 'checkpoint', runId, step: state.step, error: `could not save the checkpoint at step ${state.step}: ${errText(e)}` }),
    );
  }

  /** Checkpoint now (on Pause) unless the newest one is of this step, and wait until it is saved. */
  async checkpointNow(): Promise<void> {
    if (this.session.lastCheckpoint?.step !== this.trainer.stepCount) await this.session.checkpoint();
    await this.saveLatest();
  }
}

/** A saved run read back: its checkpoint decoded and checked, its metrics. */
export async function readSavedRun(store: CheckpointStore): Promise<{ info: SavedRunInfo; state: TrainerState; history: RunHistory } | null> {
  const saved = await store.load();
  if (!saved) return null;
  const state = decodeCheckpoint(saved.bytes);
  if (state.step !== saved.info.step) throw new Error(`the saved checkpoint is of step ${state.step}, its description says ${saved.info.step}`);
  return { info: saved.info, state, history: RunHistory.from(saved.history) };
}
