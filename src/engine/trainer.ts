// The training step, in the stages of I-JEPA's train_step (src/train.py: the collator's masks,
// "Step 1. Forward" — forward_target, forward_context, loss_fn —, "Step 2. Backward & step",
// "Step 3. momentum update of target encoder"), each marked below:
//   1. masks → 2. targets → 3. predict → 4. loss → 5. AdamW and W's step → 6. EMA → 7. read-outs.
// queueStep() queues one step on the backend and hands back a promise of its metrics, read back
// in one go without blocking the host; step() is the same, awaited. TrainingSession (session.ts)
// runs the loop one step ahead. What is looked at between steps lives beside it: evaluation.ts,
// viewSamples.ts, trainerHealth.ts; weights and checkpoints: modelTensors.ts and src/io.
import * as tf from './tf';
import { makePatchBatch } from '../data/batch';
import { BatchSampler, type SamplerState } from '../data/sampler';
import type { DatasetSplits } from '../data/types';
import type { NamedTensor } from '../io/namedTensor';
import { decodeWeights, encodeWeights, weightsMetadata, WeightsError } from '../io/trainerWeights';
import { AdamW } from './adamw';
import { batchTensors, disposeBatch } from './batch';
import { groupOfPatch, modelDims, parseConfig, sameRun, type LabConfig, type LabConfigInput, type ModelDims } from './config';
import { encode, evaluateFixedBatch, type FixedBatchLoss } from './evaluation';
import { groupInformation, type GroupInformation } from './groupInformation';
import { groupColumnNorms, groupHeadStep, proximalGroupShrink } from './losses';
import { maskSettingsOf, sampleBatchMasks, type BatchMasks, type MaskSettings } from './masks';
import { JepaModel, type BatchTensors, type LossTerms } from './model';
import { assignExported, assignState, checkStateTensors, expectedTensors, exportedTensors, stateTensors } from './modelTensors';
import type { RepresentationHealth } from './representationHealth';
import { Rng } from '../shared/rng';
import { emaMomentum, learningRate, weightDecay } from './schedules';
import { ThroughputWindow } from './throughput';
import { groupNormsFrom, HEALTH_IMAGES, HealthReadout, readGroupNorms, type GroupNorms, type HealthPool } from './trainerHealth';
import type { LiveHyper, StepMetrics } from './types';
import { patchLatents, reconstruct, type Reconstruction } from './viewSamples';
import { isEveryStep } from './everySteps';

/** A non-finite loss: the message says what to try. */
export class DivergenceError extends Error {
  override name = 'DivergenceError';
}

/** The batch the last step trained on: which train images, and the masks each one got. */
export interface LastBatch {
  step: number;
  /** Train-split indices, in batch order. */
  indices: number[];
  masks: BatchMasks;
}

/** A step queued on the backend (Trainer.queueStep): its number, and its metrics once its read-back is in. */
export interface PendingStep {
  step: number;
  /** Rejects with a DivergenceError when the step's loss or gradient is not finite. */
  metrics: Promise<StepMetrics>;
}

/** Everything a run needs to continue exactly where it stood (a checkpoint). */
export interface TrainerState {
  config: LabConfig;
  step: number;
  imagesSeen: number;
  hyper: LiveHyper;
  rng: { data: number; mask: number; noise: number };
  sampler: SamplerState;
  adamStep: number;
  /** Parameters (`<prefix><name>`) and AdamW moments (`adam.m.…`, `adam.v.…`), in the engine's own layout. */
  tensors: NamedTensor[];
}

export class Trainer {
  readonly config: LabConfig;
  readonly dims: ModelDims;
  readonly model: JepaModel;
  readonly optimizer: AdamW;
  /** g(p) for every patch p (config.grouping). */
  readonly groups: Int32Array;
  /** The mask collator's settings (I-JEPA's MaskCollator, or MAE's random masks). */
  readonly maskSettings: MaskSettings;
  // Separate streams, so JEPA and SparseJEPA runs from one seed see the same data and masks.
  private readonly dataRng: Rng;
  private readonly maskRng: Rng;
  private readonly noiseRng: Rng;
  private sampler: BatchSampler;
  private live: LiveHyper;
  private steps = 0;
  private imagesSeen = 0;
  private last: LastBatch | null = null;
  /** Sees each step's batch before the loss (the PyTorch equivalence test writes it out); null in runs. */
  onBatch: ((batch: BatchTensors) => void) | null = null;
  private readonly health: HealthReadout;
  /** The group head's W when it takes plain gradient steps (groupOptimizer 'sgd'), else null. */
  private readonly sgdW: tf.Variable | null;
  /** Images per second over the last steps, as the loop sees them (throughput.ts). */
  private readonly throughput = new ThroughputWindow();

  static create(config: LabConfigInput | LabConfig, data: DatasetSplits): Trainer {
    return new Trainer(parseConfig(config), data);
  }

  private constructor(config: LabConfig, readonly data: DatasetSplits) {
    if (data.train.size < 1) throw new Error('the training split is empty');
    this.config = config;
    this.dims = modelDims(config);
    this.model = new JepaModel(config, this.dims, new Rng(config.seed));
    // W^(g) is its own parameter group (oi-VAE): plain gradient steps when groupOptimizer is 'sgd'.
    const sgdW = this.model.sparseHead && config.groupOptimizer === 'sgd' ? this.model.sparseHead.W : null;
    this.optimizer = new AdamW(this.model.trainableParams().filter((p) => p.variable !== sgdW));
    this.sgdW = sgdW;
    this.groups = groupOfPatch(config.grouping, this.dims.grid);
    this.maskSettings = maskSettingsOf(config, this.dims.grid);
    this.dataRng = new Rng(config.seed + 1);
    this.maskRng = new Rng(config.seed + 2);
    this.noiseRng = new Rng(config.seed + 3);
    this.sampler = new BatchSampler(data.train.size, config.seed + 4);
    this.live = { lambda: config.lambda, beta: config.beta, lr: config.lr };
    this.health = new HealthReadout(this.model, this.dims, data.train, config.patchSize);
  }

  get stepCount(): number {
    return this.steps;
  }

  hyper(): LiveHyper {
    return { ...this.live };
  }

  /** λ, β and the peak learning rate take effect on the next step; nothing is rebuilt. */
  setHyper(h: Partial<LiveHyper>): void {
    for (const [k, v] of Object.entries(h) as [keyof LiveHyper, number | undefined][]) {
      if (v === undefined) continue;
      if (!Number.isFinite(v) || v < 0) throw new RangeError(`${k} must be a finite number ≥ 0, got ${v}`);
      this.live[k] = v;
    }
  }

  /**
   * The schedules' values for the step after `step` steps (0-based); groupLr is η_W,t, W's step
   * size (the lr schedule's shape). As in I-JEPA's src/train.py, which steps WarmupCosineSchedule
   * and CosineWDSchedule before each iteration's forward pass, step t trains at lr and wd of t + 1
   * (the first step is already one warm-up step up from startLr, the last at finalLr); the
   * momentum generator's t-th value is m at t. Measured by interop/pytorch/ijepa_parity.py.
   */
  schedulesAt(step: number): { lr: number; wd: number; ema: number; groupLr: number } {
    const c = this.config;
    const lr = learningRate(step + 1, c.steps, {
      peak: this.live.lr,
      start: Math.min(c.startLr, this.live.lr),
      final: Math.min(c.finalLr, this.live.lr),
      warmupSteps: Math.round(c.warmupFraction * c.steps),
    });
    const groupLr = c.groupOptimizer === 'sgd' ? (this.live.lr > 0 ? (c.groupLr * lr) / this.live.lr : 0) : lr;
    return { lr, wd: weightDecay(step + 1, c.steps, c.weightDecay), ema: emaMomentum(step, c.steps, c.emaMomentum), groupLr };
  }

  /** The batch and masks of the last step taken (null before the first step and after restore). */
  get lastBatch(): LastBatch | null {
    return this.last;
  }

  /** One optimisation step, waited for: its metrics once its read-back has come back (see queueStep). */
  step(): Promise<StepMetrics> {
    return this.queueStep().metrics;
  }

  /**
   * Queue one optimisation step on the backend and return without waiting for it. Everything is
   * applied at once — AdamW on the AdamW group, W's own step and shrink, the EMA target — and the
   * step's loss terms, ‖∇‖² and (every normsEvery steps) the G×K norms come back later in one
   * read-back, which `metrics` awaits: the loop can queue step t+1 while step t runs. A non-finite
   * loss or gradient makes `metrics` reject with a DivergenceError; by then this step has been
   * applied, and so has any step queued after it, so the caller goes back to a checkpoint
   * (TrainingSession does).
   */
  queueStep(): PendingStep {
    const t0 = performance.now();
    const c = this.config;
    const { lambda, beta } = this.live;
    const { lr, wd, ema, groupLr } = this.schedulesAt(this.steps);
    // 1. Masks: the next images of the epoch's order, the collator's context and target blocks for
    //    each, and the batch (augmented patches; ε for the sparse head's reparameterisation).
    const { indices } = this.sampler.next(c.batchSize);
    const masks = sampleBatchMasks(this.maskRng, indices.length, this.maskSettings);
    const batch = this.makeBatch(indices, masks);
    const sparse = this.model.sparseHead;
    const step = this.steps + 1;
    const withNorms = sparse !== null && isEveryStep(step, c.normsEvery, [1]);
    let readout: tf.Tensor1D;
    try {
      this.onBatch?.(batch);
      readout = tf.tidy(() => {
        // 2. Targets s_y (forward_target): computed outside the gradient — the stop-gradient —
        //    unless the run turns it off, then inside it.
        const targets = this.model.targetsNeedGradient ? null : this.model.targets(batch);
        let terms: LossTerms | undefined;
        const { value, grads } = tf.variableGrads(() => {
          // 3. Predict (forward_context): ŝ at the target positions from the context alone, and
          // 4. the loss L = pred + β·KL + λ·Σ‖W^(g)_{·,k}‖₂ (MAE: the reconstruction loss), one
          //    custom gradient on the fast path (model.lossTerms, objective.ts).
          const t = this.model.lossTerms(batch, targets ?? this.model.targets(batch), lambda, beta, c.proximal);
          terms = { total: t.total, pred: tf.keep(t.pred), kl: tf.keep(t.kl), penalty: tf.keep(t.penalty) };
          return t.total;
        }, this.trainedVariables());
        if (!terms) throw new Error('loss was not computed');
        const kept = [terms.pred, terms.kl, terms.penalty];
        try {
          // ‖∇‖² over the AdamW group as one vector, and over W (read out in 7).
          const gAdam = this.optimizer.view.gatherGrads(grads);
          const gW = this.sgdW ? grads[this.sgdW.name] : null;
          const gradSq = gW ? tf.add(tf.sum(tf.square(gAdam)), tf.sum(tf.square(gW))) : tf.sum(tf.square(gAdam));
          const scalars = tf.stack([value, terms.pred, terms.kl, terms.penalty, gradSq]) as tf.Tensor1D;
          // 5. AdamW on the AdamW group, and W's own step: a plain (proximal) gradient step, or
          //    Adam's and then the proximal shrink.
          this.optimizer.applyFlat(gAdam, lr, wd);
          if (this.sgdW && gW) {
            this.sgdW.assign(groupHeadStep(this.sgdW as tf.Tensor3D, gW as tf.Tensor3D, groupLr, c.proximal ? lambda : 0));
          } else if (sparse && c.proximal && lambda > 0) {
            // Under Adam the shrink lr·λ is not tied to the step W actually took (docs/design.md §1.5): kept as an option.
            sparse.W.assign(proximalGroupShrink(sparse.W as tf.Tensor3D, groupLr * lambda));
          }
          // 6. EMA: θ̄ ← m·θ̄ + (1−m)·θ. MAE and 'online-no-stopgrad' have no EMA target.
          if (this.model.hasTarget) this.model.updateTarget(ema);
          // 7. Read-outs: the loss terms, ‖∇‖² and (every normsEvery steps) the norms after this
          //    step's update, as one vector: one read-back, no read-back of their own.
          return withNorms ? (tf.concat([scalars, tf.reshape(groupColumnNorms(sparse!.W as tf.Tensor3D), [-1])]) as tf.Tensor1D) : scalars;
        } finally {
          tf.dispose(kept);
        }
      });
    } finally {
      disposeBatch(batch);
    }

    this.steps = step;
    this.imagesSeen += c.batchSize;
    this.last = { step, indices: Array.from(indices), masks };
    const epoch = this.imagesSeen / this.data.train.size;
    const hyper = { lambda, beta, lr: this.live.lr };
    const hasTarget = this.model.hasTarget;
    const read = readout.data().finally(() => readout.dispose()) as Promise<Float32Array>;
    const metrics = read.then((values): StepMetrics => {
      const [loss, predLoss, klValue, groupPenalty, gradNormSq] = values;
      if (!Number.isFinite(loss) || !Number.isFinite(gradNormSq)) {
        const what = Number.isFinite(loss) ? 'the gradient' : 'the loss';
        throw new DivergenceError(
          `${what} became non-finite at step ${step} (loss ${loss}). ` +
            `Try a lower learning rate (now ${hyper.lr}) or smaller λ/β (now ${lambda}/${beta}).`,
        );
      }
      // Throughput over the last steps, each timed from when it became the loop's oldest work (throughput.ts).
      const imgPerSec = this.throughput.record(t0, performance.now(), c.batchSize);
      const m: StepMetrics = {
        step,
        epoch,
        loss,
        predLoss,
        klLoss: klValue,
        groupPenalty,
        gradNorm: Math.sqrt(gradNormSq),
        lr,
        wd,
        ema: hasTarget ? ema : NaN,
        ...(sparse ? { groupLr } : {}),
        contextKept: masks.numContext,
        targetKept: masks.numTarget,
        imgPerSec,
        lambda,
        beta,
      };
      if (withNorms) Object.assign(m, groupNormsFrom(values.subarray(5), this.dims, c.zeroThreshold));
      return m;
    });
    return { step, metrics };
  }

  /** A training batch: the train images at `indices`, flipped and cropped from the data stream, with ε in sparse mode. */
  private makeBatch(indices: ArrayLike<number>, masks: BatchMasks): BatchTensors {
    const c = this.config;
    const patches = makePatchBatch(this.data.train, Array.from(indices), { patchSize: c.patchSize, flip: c.flip, cropPad: c.cropPad }, this.dataRng);
    return batchTensors(this.dims, patches, indices.length, masks, this.groups, c.mode === 'sparse' ? this.noiseRng : null);
  }

  /** Everything gradients are taken for: the AdamW group and, when it takes plain steps, W. */
  private trainedVariables(): tf.Variable[] {
    const vs = this.optimizer.params.map((p) => p.variable);
    return this.sgdW ? [...vs, this.sgdW] : vs;
  }

  // Between steps: read-outs and views (trainerHealth.ts, evaluation.ts, viewSamples.ts).

  /** The G×K matrix of ‖W^(g)_{·,k}‖₂ and the share of columns under the zero threshold (null without a sparse head). */
  groupNorms(): Promise<GroupNorms | null> {
    return readGroupNorms(this.model, this.dims, this.config.zeroThreshold);
  }

  /** Is the representation collapsing? Std and RankMe of an encoder on fixed train images (HealthReadout.measure). */
  representationHealth(opts: { images?: number; pool?: HealthPool; encoder?: 'target' | 'context' } = {}): Promise<RepresentationHealth> {
    return this.health.measure(opts);
  }

  /** The multi-information of the groups' outputs (and SparseJEPA's latents) on the health read-out's fixed images (groupInformation.ts); null for MAE. */
  totalCorrelation(images = HEALTH_IMAGES.mean): Promise<GroupInformation | null> {
    return groupInformation(this.model, this.dims, this.groups, this.health.fixedBatch(images));
  }

  /** Loss terms on one fixed batch, the same on every backend for the same weights. */
  evaluateFixedBatch(seed = 0): Promise<FixedBatchLoss> {
    return evaluateFixedBatch(this, seed);
  }

  /** Encoder outputs for B whole images (image-major patches): [B, N, D]; 'target' is the probed encoder. */
  encode(patches: Float32Array, B: number, which: 'target' | 'context' = 'target'): Promise<Float32Array> {
    return encode(this, patches, B, which);
  }

  /** μ_p for every patch of one image, [N, K] (sparse mode; null otherwise). */
  patchLatents(patches: Float32Array): Promise<Float32Array | null> {
    return patchLatents(this, patches);
  }

  /** MAE: the decoder's reconstruction of one image's target blocks (null for other modes). */
  reconstruct(patches: Float32Array, masks?: BatchMasks, seed = 0): Promise<Reconstruction | null> {
    return reconstruct(this, patches, masks, seed);
  }

  // Weights and checkpoints (modelTensors.ts; the bytes: src/io/trainerWeights.ts, src/io/checkpoint.ts).

  /** Every parameter under its PyTorch name and layout. */
  namedTensors(): Promise<NamedTensor[]> {
    return exportedTensors(this.model);
  }

  /** Metadata written with the weights: the run's config and the architecture it implies. */
  metadata(): Record<string, string> {
    return weightsMetadata(this.config, this.dims, this.steps);
  }

  async exportSafetensors(): Promise<Uint8Array> {
    return encodeWeights(await this.namedTensors(), this.metadata());
  }

  /** Load weights written by exportSafetensors (or PyTorch with the same names and shapes); a bad file changes nothing. */
  async importSafetensors(bytes: Uint8Array): Promise<void> {
    await assignExported(this.model, decodeWeights(bytes, expectedTensors(this.model), this.config));
  }

  /** The full training state, for a checkpoint. */
  async snapshot(): Promise<TrainerState> {
    const { tensors, adamStep } = await stateTensors(this.model, this.optimizer);
    return {
      config: this.config,
      step: this.steps,
      imagesSeen: this.imagesSeen,
      hyper: this.hyper(),
      rng: { data: this.dataRng.state, mask: this.maskRng.state, noise: this.noiseRng.state },
      sampler: this.sampler.state,
      adamStep,
      tensors,
    };
  }

  /** Continue from a snapshot of a run with the same config (λ, β and lr may differ). */
  async restore(state: TrainerState): Promise<void> {
    // Parsed again: a checkpoint saved before a config field existed holds that field at its default.
    if (!sameRun(parseConfig(state.config), this.config)) throw new WeightsError('the checkpoint is of a run with another config');
    // Check everything before changing anything.
    const checked = checkStateTensors(this.model, this.optimizer, state.tensors);
    const sampler = BatchSampler.fromState(state.sampler);
    await assignState(this.model, this.optimizer, checked, state.adamStep);
    this.sampler = sampler;
    this.last = null;
    this.throughput.reset();
    this.steps = state.step;
    this.imagesSeen = state.imagesSeen;
    this.live = { ...state.hyper };
    this.dataRng.state = state.rng.data;
    this.maskRng.state = state.rng.mask;
    this.noiseRng.state = state.rng.noise;
  }

  dispose(): void {
    this.model.dispose();
    this.optimizer.dispose();
  }
}
