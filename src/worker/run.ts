// One run in the worker: its trainer, the keeper of its checkpoints and metrics, its probe
// runner, its training loop and its half of the page's pacing. The worker holds runs by id (the
// page's UUID, which also keys the run's checkpoint and its record in the Runs table); nothing of
// a run lives in module-level variables, so several can exist side by side (one trains at a
// time: the worker has one tfjs). Everything that touches tensors goes through `env.exclusive`,
// the worker's one queue, so steps, probes, samples and exports of all runs never interleave.
import type { LabConfig } from '../engine/config';
import type { LastBatch, Trainer, TrainerState } from '../engine/trainer';
import type { LiveHyper } from '../engine/types';
import type { ProbeKind } from '../engine/probeKind';
import { ProbeRunner, type FloorCache } from './evaluate';
import { HealthRunner } from './health';
import type { CheckpointStore } from './checkpointStore';
import { PageGate } from './pageGate';
import { normsMatrix, type EmbeddingRequest, type EmbeddingSample, type LatentsRequest, type LatentsSample, type MemoryInfo, type ProbeReport, type ReconstructionRequest, type ReconstructionSample, type RunId, type RunInfo, type SharingRequest, type SharingSample, type WorkerEvent } from './protocol';
import { latentsSample } from './latentsSample';
import { embeddingSample } from './embeddingSample';
import { reconstructionSample } from './reconstruction';
import type { RunHistory } from './runHistory';
import { RunKeeper, type KeeperOptions } from './runKeeper';
import { sharingSample } from './sharingSample';

export type Queue = <T>(fn: () => Promise<T> | T) => Promise<T>;

/** What a run needs from the worker around it (tests pass fakes: a port that records, a fake IndexedDB). */
export interface RunEnv {
  emit(e: WorkerEvent, transfer?: Transferable[]): void;
  /** The worker's one queue for tensor work. */
  exclusive: Queue;
  store: CheckpointStore;
  /** Probe floors, shared by the worker's runs. */
  floors: FloorCache;
  /** The storage budget each checkpoint save keeps. */
  budget?: KeeperOptions['budget'];
  memory(): MemoryInfo;
  /** A failed step may be a lost GPU device: then the worker recovers the run, and the loop ends quietly. */
  deviceLost?(): Promise<boolean>;
  /** Let queued commands land between two steps (a macrotask). */
  yieldToEvents?(): Promise<void>;
  probeOptions?: ConstructorParameters<typeof ProbeRunner>[1];
}

/** A command the run cannot carry out now; the message says why (the page shows it). */
export class RunRefused extends Error {
  override name = 'RunRefused';
}

/** Why Start and Step are refused on an imported run (one open to look at). */
export const IMPORTED_RUN_REFUSAL =
  'this run trained outside the page (PyTorch or the command line) and is open here to look at: Evaluate and the views work on its weights. ' +
  'To train on from them, use Files → Import weights (a new run from step 0).';

export interface RunOptions {
  /** An imported run open to look at: Start and Step are refused, and no checkpoint of it is ever written. */
  inspectOnly?: boolean;
}

export interface RestoreFrom {
  state: TrainerState;
  history: RunHistory;
  savedAt: number;
  lastBatch?: LastBatch | null;
}

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

export class Run {
  private keeper: RunKeeper;
  private probes: ProbeRunner;
  /** A probe interval set live (the config's until then); kept across a rebuilt trainer. */
  private probeEvery: number | null = null;
  private health: HealthRunner;
  /** A health interval set live (the config's until then); kept across a rebuilt trainer. */
  private healthEvery: number | null = null;
  private loop: Promise<void> | null = null;
  /** Bumped by each start and by giving up on a hung loop: a loop of an older generation does nothing more. */
  private generation = 0;
  private stopRequested = false;
  private disposed = false;
  readonly gate = new PageGate();

  /** An imported run open to look at (RunOptions.inspectOnly). */
  readonly inspectOnly: boolean;

  private constructor(
    readonly id: RunId,
    keeper: RunKeeper,
    readonly dataset: { id: string; name: string },
    private readonly env: RunEnv,
    opts: RunOptions = {},
  ) {
    this.keeper = keeper;
    this.inspectOnly = opts.inspectOnly ?? false;
    if (this.inspectOnly) keeper.forget();
    this.probes = new ProbeRunner((e) => env.emit(e), env.probeOptions, env.floors);
    this.health = this.healthRunner();
    this.gate.reset(keeper.trainer.stepCount);
  }

  /** Health measurements are sent and kept in the run's history (so a resumed run's chart comes back). */
  private healthRunner(): HealthRunner {
    return new HealthRunner((e) => this.env.emit(e), (p) => this.keeper.recordHealth(p));
  }

  /** A fresh run around `trainer` (at step 0, or standing where an imported run stopped). */
  static create(id: RunId, trainer: Trainer, dataset: { id: string; name: string }, env: RunEnv, opts: RunOptions = {}): Run {
    return new Run(id, new RunKeeper(trainer, Run.keeperOptions(id, dataset, env)), dataset, env, opts);
  }

  /** A saved run continued: `trainer` (same config) takes the checkpoint's state, the metrics so far come back. */
  static async restore(id: RunId, trainer: Trainer, from: RestoreFrom, dataset: { id: string; name: string }, env: RunEnv): Promise<Run> {
    const opts = { ...Run.keeperOptions(id, dataset, env), history: from.history, restoredSavedAt: from.savedAt, restoredBatch: from.lastBatch ?? null };
    return new Run(id, await RunKeeper.restore(trainer, from.state, opts), dataset, env);
  }

  private static keeperOptions(runId: RunId, dataset: { id: string; name: string }, env: RunEnv): KeeperOptions {
    return { runId, dataset, store: env.store, emit: (e) => env.emit(e), budget: env.budget };
  }

  get trainer(): Trainer {
    return this.keeper.trainer;
  }

  get config(): LabConfig {
    return this.trainer.config;
  }

  get step(): number {
    return this.trainer.stepCount;
  }

  get running(): boolean {
    return this.loop !== null;
  }

  get done(): boolean {
    return this.step >= this.config.steps;
  }

  /** The newest checkpoint in memory (device-loss recovery rebuilds from it). */
  get lastCheckpoint(): TrainerState | null {
    return this.keeper.lastCheckpoint;
  }

  get history(): RunHistory {
    return this.keeper.history;
  }

  /** The newest checkpoint in storage, and why checkpoints are off (null: on). */
  get storage(): { lastGood: { step: number; savedAt: number } | null; off: string | null } {
    return { lastGood: this.keeper.lastGood, off: this.keeper.off };
  }

  info(): RunInfo {
    const t = this.trainer;
    const paramCount = t.model.paramSets().reduce((n, s) => n + s.params.reduce((m, p) => m + p.variable.size, 0), 0);
    return { runId: this.id, config: t.config, dims: t.dims, paramCount, trainSize: t.data.train.size, testSize: t.data.test.size };
  }

  /** Train until paused or done; resolves once the loop has started. Refused when there is nothing left to train. */
  async start(): Promise<void> {
    if (this.inspectOnly) throw new RunRefused(IMPORTED_RUN_REFUSAL);
    if (this.loop && this.stopRequested) await this.loop; // a loop winding down (a Pause) ends first, then this Start begins a new one
    if (this.disposed) throw new RunRefused(`run ${this.id} was closed`);
    if (this.loop) return;
    if (this.done) throw new RunRefused(`already at ${this.config.steps} steps: raise Steps or Reset`);
    this.stopRequested = false;
    const gen = ++this.generation;
    this.loop = this.runLoop(gen).finally(() => {
      if (this.generation === gen) this.loop = null;
    });
  }

  /**
   * Stop after the step in flight (no checkpoint). Resolves true when the loop is idle; false when
   * it did not stop within `ms` (a step hung on a lost device): the loop is then given up on.
   */
  async stop(ms = Infinity): Promise<boolean> {
    this.stopRequested = true;
    const loop = this.loop;
    if (!loop) return true;
    const settled = Number.isFinite(ms)
      ? await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), ms);
          void loop.then(() => (clearTimeout(timer), resolve(true)));
        })
      : await loop.then(() => true);
    if (!settled) {
      this.generation++;
      this.loop = null;
    }
    return settled;
  }

  /** Stop, save where it stands when it trained a step (a run at step 0 is not worth keeping), and free its tensors. */
  async close(): Promise<void> {
    await this.stop();
    if (!this.disposed && this.step > 0) await this.env.exclusive(() => this.keeper.checkpointNow()).catch(() => undefined);
    this.dispose();
  }

  /** Stop and save where it stands, so a reload continues from exactly here. */
  async pause(): Promise<void> {
    await this.stop();
    if (this.disposed) return;
    await this.env.exclusive(() => this.keeper.checkpointNow()).catch((e) =>
      this.env.emit({ type: 'checkpoint', runId: this.id, step: this.step, error: `could not checkpoint on Pause: ${errText(e)}` }),
    );
  }

  /** One step while not training. */
  async stepOnce(): Promise<void> {
    if (this.inspectOnly) throw new RunRefused(IMPORTED_RUN_REFUSAL);
    if (this.loop) throw new RunRefused('the run is training: Pause it to take single steps');
    if (this.done) throw new RunRefused(`already at ${this.config.steps} steps: raise Steps or Reset`);
    try {
      await this.health.maybe(this.trainer, this.id, this.env.exclusive); // step 0: the starting point
      await this.env.exclusive(() => this.oneStep());
      await this.health.maybe(this.trainer, this.id, this.env.exclusive);
      this.emitState(this.done ? 'done' : 'paused');
    } catch (e) {
      this.emitState('error', errText(e));
      throw e;
    }
  }

  /** λ, β, lr from the next step on (queued behind the step in flight); returns that step. */
  setHyper(h: Partial<LiveHyper>): Promise<number> {
    return this.env.exclusive(() => {
      const t = this.trainer;
      t.setHyper(h);
      const atStep = t.stepCount + 1;
      this.keeper.hyperChanged(atStep, t.hyper());
      this.env.emit({ type: 'hyper', runId: this.id, atStep, hyper: t.hyper() });
      return atStep;
    });
  }

  setProbeEvery(n: number): void {
    this.probes.setEvery(this.trainer, n);
    this.probeEvery = n;
  }

  /** The probe (linear, or attentive) between two steps (the run's state is only read). */
  evaluate(kind: ProbeKind = 'linear'): Promise<ProbeReport> {
    return this.env.exclusive(() => this.probes.evaluate(this.trainer, this.id, kind));
  }

  setHealthEvery(n: number): void {
    this.health.setEvery(this.trainer, n);
    this.healthEvery = n;
  }

  sharingSample(request: SharingRequest): Promise<SharingSample> {
    return this.env.exclusive(() => sharingSample(this.trainer, this.id, request, this.keeper.lastBatch));
  }

  /** MAE's reconstruction of one train image, between steps (null for other modes). */
  reconstruction(request: ReconstructionRequest): Promise<ReconstructionSample | null> {
    return this.env.exclusive(() => reconstructionSample(this.trainer, this.id, request));
  }

  /** Each latent's top test patches, between steps (the Latents view). */
  latentsSample(request: LatentsRequest): Promise<LatentsSample> {
    return this.env.exclusive(() => latentsSample(this.trainer, this.id, request));
  }

  /** The projector's embedding of the test split, between steps. */
  embeddingSample(request: EmbeddingRequest): Promise<EmbeddingSample> {
    return this.env.exclusive(() => embeddingSample(this.trainer, this.id, request));
  }

  /** The page drew up to `step` (PageEvent 'drawn'). */
  drawn(step: number): void {
    this.gate.drawn(step);
  }

  /** Checkpoints were off (storage refused one): turn them on and save now. */
  retryCheckpoints(): Promise<void> {
    return this.env.exclusive(() => this.keeper.retry());
  }

  /** The run was deleted from the Runs table: it saves no more checkpoints. */
  forget(): void {
    this.keeper.forget();
  }

  /**
   * The trainer's device went away (the worker disposed it): go on with `fresh` (same config, on
   * the backend now in use) from the newest checkpoint in memory, with the metrics up to it.
   */
  async rebuild(fresh: Trainer): Promise<void> {
    const old = this.keeper;
    const state = old.lastCheckpoint;
    const opts = { ...Run.keeperOptions(this.id, this.dataset, this.env), history: old.history };
    this.keeper = state ? await RunKeeper.restore(fresh, state, opts) : new RunKeeper(fresh, opts);
    this.keeper.carryOver(old);
    this.probes = new ProbeRunner((e) => this.env.emit(e), this.env.probeOptions, this.env.floors);
    if (this.probeEvery !== null) this.probes.setEvery(fresh, this.probeEvery);
    this.health = this.healthRunner();
    if (this.healthEvery !== null) this.health.setEvery(fresh, this.healthEvery);
    this.gate.reset(fresh.stepCount);
  }

  dispose(): void {
    this.disposed = true;
    this.stopRequested = true;
    this.trainer.dispose();
  }

  emitState(state: 'ready' | 'running' | 'paused' | 'done' | 'error', message?: string): void {
    this.env.emit({ type: 'state', runId: this.id, state, step: this.step, ...(message ? { message } : {}) });
  }

  /**
   * One step, its metrics recorded and sent, its checkpoint (when due) written in the background.
   * 'ahead': the loop's step, with the next one queued before this one's check (TrainingSession.step);
   * 'finish': the step left in flight when the loop stops, if any.
   */
  private async oneStep(how: 'one' | 'ahead' | 'finish' = 'one'): Promise<'step' | 'diverged'> {
    const k = this.keeper;
    const out = how === 'finish' ? await k.finish() : await k.step(how === 'ahead');
    if (!out) return 'step';
    if (out.kind === 'diverged') {
      // Not applied; the trainer is back at its last checkpoint (λ, β, lr as they were then).
      const h = this.trainer.hyper();
      const message = `${out.message} λ, β and the learning rate are the checkpoint's again (λ ${h.lambda}, β ${h.beta}, lr ${h.lr}).`;
      this.gate.reset(out.restoredStep);
      this.env.emit({ type: 'rollback', runId: this.id, step: out.restoredStep, reason: 'diverged', message, hyper: h });
      return 'diverged';
    }
    const { groupNorms, ...scalars } = out.metrics;
    const memory = this.env.memory();
    const norms = normsMatrix(scalars.step, groupNorms);
    if (norms) {
      k.record(scalars, norms);
      this.env.emit({ type: 'metrics', runId: this.id, metrics: scalars, norms, memory }, [norms.data.buffer]);
    } else {
      k.record(scalars);
      this.env.emit({ type: 'metrics', runId: this.id, metrics: scalars, memory });
    }
    void k.saveLatest(); // in the background: the next step does not wait for IndexedDB
    return 'step';
  }

  private async runLoop(gen: number): Promise<void> {
    this.emitState('running');
    const t = this.trainer;
    const current = () => gen === this.generation && !this.disposed;
    try {
      await this.health.maybe(this.trainer, this.id, this.env.exclusive); // step 0: the starting point
      while (current() && !this.stopRequested && !this.done) {
        const t0 = performance.now();
        // Not ahead of a step the probe reads: it must see that step's weights, not the next one's.
        const how = this.probes.dueAt(this.trainer, this.keeper.reportedStep + 1) ? 'one' : 'ahead';
        if ((await this.env.exclusive(() => (current() ? this.oneStep(how) : 'diverged'))) === 'diverged') break;
        await this.probes.afterStep(this.trainer, this.id, this.env.exclusive);
        await this.health.maybe(this.trainer, this.id, this.env.exclusive);
        await this.env.yieldToEvents?.();
        // The page draws the steps reported, not the one in flight.
        await this.gate.wait(this.keeper.reportedStep, performance.now() - t0);
      }
      // The step queued ahead when the loop stopped (Pause, the last step): reported before anything else.
      await this.env.exclusive(() => (current() ? this.oneStep('finish') : 'step'));
    } catch (e) {
      // A failed step on WebGPU may be the device going away: the worker's recovery takes over.
      if (!current() || (await this.env.deviceLost?.())) return;
      this.emitState('error', errText(e));
      return;
    }
    if (!current() || this.trainer !== t) return;
    this.emitState(this.done ? 'done' : 'paused');
    // A finished run is saved as it ended, not as of its last scheduled checkpoint.
    if (this.done) void this.env.exclusive(() => (this.disposed ? undefined : this.keeper.checkpointNow())).catch(() => undefined);
  }
}
