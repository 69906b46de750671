// The training step: queueStep() samples a batch and masks, computes the SparseJEPA loss (MAE: the
// reconstruction loss) and its gradients, applies AdamW and W's own step (and the proximal
// shrink), updates the EMA target (where there is one), and hands back a promise of the step's
// metrics, read back in one go without blocking the host; step() is the same, awaited.
// TrainingSession (session.ts) runs the loop one step ahead.
import * as tf from './tf';
import { makeImageBatch, makePatchBatch } from '../data/batch';
import { BatchSampler, type SamplerState } from '../data/sampler';
import type { DatasetSplits, ImageDataset } from '../data/types';
import { readSafetensors, writeSafetensors } from '../io/safetensors';
import { AdamW } from './adamw';
import { batchTensors, disposeBatch, fromTimeMajor, toTimeMajor } from './batch';
import { unnormalisePixels } from './decoder';
import { groupOfPatch, modelDims, parseConfig, type LabConfig, type LabConfigInput, type ModelDims } from './config';
import { sameRun } from './config';
import { groupColumnNorms, groupHeadStep, proximalGroupShrink } from './losses';
import { maskSettingsOf, sampleBatchMasks, type BatchMasks, type MaskSettings } from './masks';
import { JepaModel, type BatchTensors, type LossTerms } from './model';
import { fromExportLayout, toExportLayout } from './params';
import { representationHealth, type RepresentationHealth } from './representationHealth';
import { Rng } from './rng';
import { emaMomentum, learningRate, weightDecay } from './schedules';
import type { LiveHyper, StepMetrics } from './types';
import { linear } from './vit';

/** Read a tensor back and dispose it, also when the read fails (a lost GPU device rejects it). */
async function readAndDispose(t: tf.Tensor): Promise<Float32Array> {
  try {
    return (await t.data()) as Float32Array;
  } finally {
    t.dispose();
  }
}

/** A non-finite loss: the message says what to try. */
export class DivergenceError extends Error {
  override name = 'DivergenceError';
}

/** Weights that do not fit this model (missing names, wrong shapes, another architecture). */
export class WeightsError extends Error {
  override name = 'WeightsError';
}

export interface NamedTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

export const WEIGHTS_FORMAT = 'sparsejepa-lab/1';

/** representationHealth's rows: every patch token, or one mean-pooled row per image. */
export type HealthPool = 'tokens' | 'mean';
/** Images in representationHealth's fixed batch (B·N = 2048 token rows at 8×8 patches; ≥ D pooled rows), and the seed of the shuffle that picks them. */
export const HEALTH_IMAGES: Record<HealthPool, number> = { tokens: 32, mean: 128 };
const HEALTH_SEED = 0x4ea1;

/** MAE's reconstruction of one image (Trainer.reconstruct). */
export interface Reconstruction {
  /** The masks it was decoded under (B = 1). */
  masks: BatchMasks;
  /** Decoded pixels per target block, [numTarget, 3·p·p] each, patches in the mask's order. */
  blocks: Float32Array[];
  /** The whole image [N, 3·p·p]: the input with every target patch replaced by its reconstruction. */
  image: Float32Array;
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
  private readonly groups: Int32Array;
  private readonly maskSettings: MaskSettings;
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
  /** representationHealth's fixed images, as patches (made on first use). */
  private healthBatch: { B: number; patches: Float32Array } | null = null;
  /** The group head's W when it takes plain gradient steps (groupOptimizer 'sgd'), else null. */
  private readonly sgdW: tf.Variable | null;
  /** When the last step's read-back came back (performance.now()), for images/s. */
  private lastArrival = 0;

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

  /** @param augRng draws flips and crops; null = no augmentation. */
  private makeBatch(ds: ImageDataset, indices: ArrayLike<number>, augRng: Rng | null, masks: BatchMasks, noiseRng: Rng | null): BatchTensors {
    const c = this.config;
    const augment = augRng !== null;
    const opts = { patchSize: c.patchSize, flip: augment && c.flip, cropPad: augment ? c.cropPad : 0 };
    const patches = makePatchBatch(ds, Array.from(indices), opts, augRng ?? new Rng(0));
    return batchTensors(this.dims, patches, indices.length, masks, this.groups, noiseRng);
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
    const { indices } = this.sampler.next(c.batchSize);
    const masks = sampleBatchMasks(this.maskRng, indices.length, this.maskSettings);
    const batch = this.makeBatch(this.data.train, indices, this.dataRng, masks, c.mode === 'sparse' ? this.noiseRng : null);
    const sparse = this.model.sparseHead;
    const step = this.steps + 1;
    const withNorms = sparse !== null && (step % c.normsEvery === 0 || step === 1);
    let readout: tf.Tensor1D;
    try {
      this.onBatch?.(batch);
      readout = tf.tidy(() => {
        // The stop-gradient: targets are computed outside the gradient, unless the run turns it off.
        const targets = this.model.targetsNeedGradient ? null : this.model.targets(batch);
        let terms: LossTerms | undefined;
        const { value, grads } = tf.variableGrads(() => {
          const t = this.model.lossTerms(batch, targets ?? this.model.targets(batch), lambda, beta, c.proximal);
          terms = { total: t.total, pred: tf.keep(t.pred), kl: tf.keep(t.kl), penalty: tf.keep(t.penalty) };
          return t.total;
        }, this.trainedVariables());
        if (!terms) throw new Error('loss was not computed');
        const kept = [terms.pred, terms.kl, terms.penalty];
        try {
          // ‖∇‖² over the AdamW group as one vector, and over W.
          const gAdam = this.optimizer.view.gatherGrads(grads);
          const gW = this.sgdW ? grads[this.sgdW.name] : null;
          const gradSq = gW ? tf.add(tf.sum(tf.square(gAdam)), tf.sum(tf.square(gW))) : tf.sum(tf.square(gAdam));
          const scalars = tf.stack([value, terms.pred, terms.kl, terms.penalty, gradSq]) as tf.Tensor1D;
          this.optimizer.applyFlat(gAdam, lr, wd);
          if (this.sgdW && gW) {
            this.sgdW.assign(groupHeadStep(this.sgdW as tf.Tensor3D, gW as tf.Tensor3D, groupLr, c.proximal ? lambda : 0));
          } else if (sparse && c.proximal && lambda > 0) {
            // Under Adam the shrink lr·λ is not tied to the step W actually took (docs/design.md §1.5): kept as an option.
            sparse.W.assign(proximalGroupShrink(sparse.W as tf.Tensor3D, groupLr * lambda));
          }
          if (this.model.hasTarget) this.model.updateTarget(ema); // MAE and 'online-no-stopgrad' have no EMA target
          // The norms after this step's update, read back with its loss: no read-back of their own.
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
      // Throughput: from when this step was queued, or from when the previous one came back if later.
      const arrived = performance.now();
      const ms = arrived - Math.max(t0, this.lastArrival);
      this.lastArrival = arrived;
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
        imgPerSec: c.batchSize / (ms / 1000),
        lambda,
        beta,
      };
      if (withNorms) Object.assign(m, this.normsFrom(values.subarray(5)));
      return m;
    });
    return { step, metrics };
  }

  /** The G×K rows of ‖W^(g)_{·,k}‖₂ and the share of columns under the zero threshold, from G·K values. */
  private normsFrom(flat: Float32Array): { groupNorms: number[][]; zeroShare: number } {
    const { numGroups: G, latentDim: K } = this.dims;
    const groupNorms = Array.from({ length: G }, (_, g) => Array.from(flat.subarray(g * K, (g + 1) * K)));
    let zeros = 0;
    for (const x of flat) if (x < this.config.zeroThreshold) zeros++;
    return { groupNorms, zeroShare: zeros / flat.length };
  }

  /** The G×K matrix of ‖W^(g)_{·,k}‖₂ and the share of columns under the zero threshold. */
  async groupNorms(): Promise<{ groupNorms: number[][]; zeroShare: number } | null> {
    const sparse = this.model.sparseHead;
    if (!sparse) return null;
    return this.normsFrom(await readAndDispose(tf.tidy(() => groupColumnNorms(sparse.W as tf.Tensor3D))));
  }

  /**
   * Loss terms on one fixed batch, without noise and without augmentation: the same numbers on
   * every backend for the same weights (used to check WebGPU/WASM against the CPU backend).
   */
  async evaluateFixedBatch(seed = 0): Promise<{ loss: number; predLoss: number; klLoss: number; groupPenalty: number }> {
    const rng = new Rng(seed);
    const order = rng.shuffle(Array.from({ length: this.data.train.size }, (_, i) => i));
    const indices = order.slice(0, Math.min(this.config.batchSize, order.length));
    const batch = this.makeBatch(this.data.train, indices, null, sampleBatchMasks(new Rng(seed + 1), indices.length, this.maskSettings), null);
    const stacked = tf.tidy(() => {
      const targets = this.model.targets(batch);
      const t = this.model.lossTerms(batch, targets, this.live.lambda, this.live.beta, false);
      return tf.stack([t.total, t.pred, t.kl, t.penalty]);
    });
    disposeBatch(batch);
    const [loss, predLoss, klLoss, groupPenalty] = await readAndDispose(stacked);
    return { loss, predLoss, klLoss, groupPenalty };
  }

  /**
   * Target-encoder outputs f_θ̄(x) for B whole images given as patches (image-major): [B, N, D].
   * 'target' is the encoder that is probed: f_θ̄, or the context encoder f_θ when the run has no
   * EMA target (MAE).
   */
  async encode(patches: Float32Array, B: number, which: 'target' | 'context' = 'target'): Promise<Float32Array> {
    const { numPatches: N, patchDim: P, embedDim: D } = this.dims;
    const enc = which === 'target' ? this.model.evaluated : this.model.context;
    const pos = Int32Array.from({ length: N * B }, (_, i) => Math.floor(i / B));
    // The encoder's rows are time-major (vit.ts): reorder on the way in and out, on the host.
    const out = tf.tidy(() => enc.forward(tf.tensor2d(toTimeMajor(patches, B, N, P), [N * B, P]), pos, B, N));
    return fromTimeMajor(await readAndDispose(out), B, N, D);
  }

  /**
   * μ_p for every patch of one image, [N, K] (sparse mode): the context encoder sees the whole
   * image and the predictor is asked for every position at once. For the latent-sharing views.
   */
  async patchLatents(patches: Float32Array): Promise<Float32Array | null> {
    const sparse = this.model.sparseHead;
    if (!sparse) return null;
    const { numPatches: N, patchDim: P } = this.dims;
    const pos = Int32Array.from({ length: N }, (_, i) => i);
    const out = tf.tidy(() => {
      const ctx = this.model.context.forward(tf.tensor2d(patches, [N, P]), pos, 1, N);
      const h = this.model.predictor.forward(ctx, pos, pos, 1, N, 1, N);
      return linear(h, sparse.mu);
    });
    return readAndDispose(out);
  }

  /**
   * Is the representation collapsing? The evaluated encoder (f_θ̄, or f_θ without an EMA target)
   * on a fixed batch — the same train images every call (a fixed shuffle, not the run's seed, so
   * runs on one dataset are compared on the same images), no augmentation — then per-dimension
   * std and RankMe (representationHealth.ts). One read-back; call it between steps.
   * pool 'tokens' (default): every patch token is a row, B·N rows — the JEPA loss's targets are
   * per token, and at this lab's init the mean-pooled features are already of RankMe ≈ 2 (the
   * position embedding they all share dominates them), leaving that measure little room to fall.
   * pool 'mean': one mean-pooled row per image, as the linear probe sees it; it also catches a
   * collapse onto the position alone (outputs that differ by position but not by image).
   * encoder 'context': the context encoder f_θ instead (the same encoder when there is no EMA target).
   */
  async representationHealth(opts: { images?: number; pool?: HealthPool; encoder?: 'target' | 'context' } = {}): Promise<RepresentationHealth> {
    const pool = opts.pool ?? 'tokens';
    const encoder = opts.encoder === 'context' ? this.model.context : this.model.evaluated;
    const images = opts.images ?? HEALTH_IMAGES[pool];
    if (!Number.isInteger(images) || images < 1) throw new RangeError(`representationHealth: images must be a whole number ≥ 1, got ${images}`);
    const { numPatches: N, patchDim: P, embedDim: D } = this.dims;
    const B = Math.min(images, this.data.train.size);
    if (this.healthBatch?.B !== B) {
      const order = new Rng(HEALTH_SEED).shuffle(Array.from({ length: this.data.train.size }, (_, i) => i));
      // Kept time-major, as the encoder takes its rows (vit.ts: patch t of image b at row t·B + b).
      this.healthBatch = { B, patches: toTimeMajor(makeImageBatch(this.data.train, order.slice(0, B), this.config.patchSize), B, N, P) };
    }
    const patches = this.healthBatch.patches;
    const pos = Int32Array.from({ length: N * B }, (_, i) => Math.floor(i / B));
    const z = tf.tidy(() => {
      const tokens = encoder.forward(tf.tensor2d(patches, [N * B, P]), pos, B, N);
      // 'tokens': the rows in the encoder's order (the std and RankMe do not depend on the rows' order).
      return pool === 'mean' ? tf.mean(tf.reshape(tokens, [N, B, D]), 0) : tokens;
    });
    return representationHealth(await readAndDispose(z), pool === 'mean' ? B : B * N, D);
  }

  /**
   * MAE: what the decoder makes of one image's target blocks from its context — pixels in the
   * model's input space (per-channel normalised, as makePatchBatch writes them), taken back from
   * per-patch normalised pixels with the true patches' mean and variance when maeNormPix is on.
   * `masks` (for B = 1) default to a draw from `seed`. null for JEPA and SparseJEPA. One read-back.
   * @param patches one whole image, [N, 3·p·p] (makeImageBatch).
   */
  async reconstruct(patches: Float32Array, masks?: BatchMasks, seed = 0): Promise<Reconstruction | null> {
    if (this.config.mode !== 'mae') return null;
    const { numPatches: N, patchDim: P } = this.dims;
    if (patches.length !== N * P) throw new RangeError(`reconstruct: expected one image of ${N}×${P} patch values, got ${patches.length}`);
    const m = masks ?? sampleBatchMasks(new Rng(seed), 1, this.maskSettings);
    if (m.context.length !== 1) throw new RangeError(`reconstruct: masks are for ${m.context.length} images, expected 1`);
    const batch = batchTensors(this.dims, patches, 1, m, this.groups, null);
    const decoded = tf.tidy(() => {
      const pred = this.model.predict(batch).pred;
      return this.config.maeNormPix ? unnormalisePixels(pred, tf.gather(batch.patches, batch.targetRows)) : pred;
    });
    disposeBatch(batch);
    const flat = await readAndDispose(decoded);
    const Nt = m.numTarget;
    const nT = m.targets.length;
    // The decoder's rows are time-major (batch.ts): patch j of block k is row j·nT + k (B = 1).
    const blocks = m.targets.map((_, k) => {
      const blk = new Float32Array(Nt * P);
      for (let j = 0; j < Nt; j++) blk.set(flat.subarray((j * nT + k) * P, (j * nT + k + 1) * P), j * P);
      return blk;
    });
    // The whole image: the input, each target patch replaced by its decoded pixels (mean over the blocks that hold it).
    const image = Float32Array.from(patches);
    const sum = new Float32Array(N * P);
    const count = new Int32Array(N);
    m.targets.forEach((rows, k) =>
      rows[0].forEach((p, j) => {
        count[p]++;
        for (let i = 0; i < P; i++) sum[p * P + i] += blocks[k][j * P + i];
      }),
    );
    for (let p = 0; p < N; p++) if (count[p]) for (let i = 0; i < P; i++) image[p * P + i] = sum[p * P + i] / count[p];
    return { masks: m, blocks, image };
  }

  /** Every parameter under its PyTorch name and layout. */
  async namedTensors(): Promise<NamedTensor[]> {
    const out: NamedTensor[] = [];
    for (const set of this.model.paramSets()) {
      for (const p of set.params) {
        const data = (await p.variable.data()) as Float32Array;
        out.push({ name: set.prefix + p.name, shape: p.exportShape, data: toExportLayout(p, data) });
      }
    }
    return out;
  }

  /** Metadata written with the weights: the run's config and the architecture it implies. */
  metadata(): Record<string, string> {
    return {
      format: WEIGHTS_FORMAT,
      config: JSON.stringify(this.config),
      dims: JSON.stringify(this.dims),
      step: String(this.steps),
    };
  }

  async exportSafetensors(): Promise<Uint8Array> {
    const tensors = await this.namedTensors();
    return writeSafetensors(tensors.map((t) => ({ ...t, dtype: 'F32' as const })), this.metadata());
  }

  /** Load weights written by exportSafetensors (or PyTorch with the same names and shapes). */
  async importSafetensors(bytes: Uint8Array): Promise<void> {
    const file = readSafetensors(bytes);
    const updates: [tf.Variable, Float32Array][] = [];
    for (const set of this.model.paramSets()) {
      for (const p of set.params) {
        const name = set.prefix + p.name;
        const t = file.tensors.get(name);
        if (!t) throw new WeightsError(`weights file has no tensor ${name} (is it from a ${this.config.mode} ${this.config.preset} model?)`);
        if (t.shape.length !== p.exportShape.length || t.shape.some((d, i) => d !== p.exportShape[i])) {
          throw new WeightsError(`${name} has shape [${t.shape.join(',')}], this model expects [${p.exportShape.join(',')}]`);
        }
        const values = t.data instanceof Float32Array ? t.data : Float32Array.from(t.data);
        updates.push([p.variable, fromExportLayout(p, values)]);
      }
    }
    // Only assign once everything has been checked, so a bad file changes nothing.
    for (const [v, values] of updates) {
      const t = tf.tensor(values, v.shape);
      v.assign(t);
      t.dispose();
    }
    await this.model.syncFixedTables();
  }

  /** The full training state, for a checkpoint. */
  async snapshot(): Promise<TrainerState> {
    const tensors: NamedTensor[] = [];
    const read = async (name: string, v: tf.Variable) =>
      tensors.push({ name, shape: v.shape.slice(), data: Float32Array.from((await v.data()) as Float32Array) });
    for (const set of this.model.paramSets()) for (const p of set.params) await read(set.prefix + p.name, p.variable);
    const adam = await this.optimizer.state();
    const names = this.optimizer.params.map((p) => this.paramName(p.variable));
    names.forEach((name, i) => {
      tensors.push({ name: `adam.m.${name}`, shape: this.optimizer.params[i].variable.shape.slice(), data: adam.m[i] });
      tensors.push({ name: `adam.v.${name}`, shape: this.optimizer.params[i].variable.shape.slice(), data: adam.v[i] });
    });
    return {
      config: this.config,
      step: this.steps,
      imagesSeen: this.imagesSeen,
      hyper: this.hyper(),
      rng: { data: this.dataRng.state, mask: this.maskRng.state, noise: this.noiseRng.state },
      sampler: this.sampler.state,
      adamStep: adam.t,
      tensors,
    };
  }

  /** Continue from a snapshot of a run with the same config (λ, β and lr may differ). */
  async restore(state: TrainerState): Promise<void> {
    // Parsed again: a checkpoint saved before a config field existed holds that field at its default.
    if (!sameRun(parseConfig(state.config), this.config)) throw new WeightsError('the checkpoint is of a run with another config');
    const byName = new Map(state.tensors.map((t) => [t.name, t]));
    const take = (name: string, v: tf.Variable): Float32Array => {
      const t = byName.get(name);
      if (!t) throw new WeightsError(`the checkpoint has no tensor ${name}`);
      if (t.data.length !== v.size) throw new WeightsError(`checkpoint tensor ${name} has ${t.data.length} values, expected ${v.size}`);
      return t.data;
    };
    // Check everything before changing anything.
    const params = this.model.paramSets().flatMap((set) => set.params.map((p) => [p.variable, take(set.prefix + p.name, p.variable)] as const));
    const names = this.optimizer.params.map((p) => this.paramName(p.variable));
    const m = names.map((n, i) => take(`adam.m.${n}`, this.optimizer.params[i].variable));
    const v = names.map((n, i) => take(`adam.v.${n}`, this.optimizer.params[i].variable));
    const sampler = BatchSampler.fromState(state.sampler);
    tf.tidy(() => params.forEach(([variable, data]) => variable.assign(tf.tensor(data, variable.shape))));
    await this.model.syncFixedTables();
    this.optimizer.restore(state.adamStep, m, v);
    this.sampler = sampler;
    this.last = null;
    this.steps = state.step;
    this.imagesSeen = state.imagesSeen;
    this.live = { ...state.hyper };
    this.dataRng.state = state.rng.data;
    this.maskRng.state = state.rng.mask;
    this.noiseRng.state = state.rng.noise;
  }

  /** Everything gradients are taken for: the AdamW group and, when it takes plain steps, W. */
  private trainedVariables(): tf.Variable[] {
    const vs = this.optimizer.params.map((p) => p.variable);
    return this.sgdW ? [...vs, this.sgdW] : vs;
  }

  /** A trained variable's export name (`context_encoder.blocks.0.…`). */
  private paramName(v: tf.Variable): string {
    for (const set of this.model.paramSets()) {
      const p = set.params.find((q) => q.variable === v);
      if (p) return set.prefix + p.name;
    }
    throw new Error(`unknown variable ${v.name}`);
  }

  dispose(): void {
    this.model.dispose();
    this.optimizer.dispose();
  }
}
