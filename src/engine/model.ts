// The whole JEPA / SparseJEPA / MAE model, read top to bottom: context encoder f_θ, EMA target
// encoder f_θ̄, predictor g_φ, and the head (plain linear for JEPA, sparse group head for
// SparseJEPA). MAE: f_θ, then the decoder (the predictor's architecture under `decoder.`, and a
// pixel head); its targets are the target patches' pixels, so it has no target encoder. Nor has a
// JEPA run with targetEncoder 'online-no-stopgrad': its targets come from f_θ itself.
import * as tf from './tf';
import type { LabConfig, ModelDims } from './config';
import { maeDecoder, PixelHead } from './decoder';
import { Encoder } from './encoder';
import { FlatView } from './flat';
import { fastPaths } from './matmul';
import { sparseObjective } from './objective';
import { LinearHead, SparseGroupHead, type HeadOutput } from './heads';
import { groupLasso, klLoss, normalisedPixels, predictionLoss, reconstructionLoss } from './losses';
import type { Param, ParamSet } from './params';
import { Predictor } from './predictor';
import type { Rng } from '../shared/rng';
import { layerNorm, lookupRows, recording } from './vit';

/**
 * One batch, as tensors. Positions are grid indices 0…N−1. Token rows are time-major (vit.ts):
 * a patch matrix row t·B + b is patch t of image b; target tokens are in (patch j, target block
 * m, image b) order, row (j·nT + m)·B + b (batch.ts).
 */
export interface BatchTensors {
  B: number;
  numContext: number; // Nc
  numTarget: number; // Nt, per target block
  numTargets: number; // nT
  patches: tf.Tensor2D; // [N·B, 3·p·p]
  contextPatches: tf.Tensor2D; // [Nc·B, 3·p·p]: patches at contextRows, gathered on the host
  /** allPos, contextPos and targetPos as host values (rows of fixed tables are taken on the host). */
  hostPos: { all: Int32Array; context: Int32Array; target: Int32Array };
  allPos: tf.Tensor1D; // int32 [N·B]
  contextRows: tf.Tensor1D; // int32 [Nc·B], rows of `patches`
  contextPos: tf.Tensor1D; // int32 [Nc·B]
  targetRows: tf.Tensor1D; // int32 [Nt·nT·B], rows of `patches` (and of the target encoder's output)
  targetPos: tf.Tensor1D; // int32 [Nt·nT·B]
  groupOneHot: tf.Tensor2D; // [Nt·nT·B, G]
  noise: tf.Tensor2D | null; // ε, [Nt·nT·B, K]; null = evaluation (u = μ)
}

/** The targets' extra layer norm (no affine) uses F.layer_norm's default eps, as I-JEPA's src/train.py does; the blocks' norms use 1e-6. */
export const TARGET_LN_EPS = 1e-5;

export interface LossTerms {
  total: tf.Scalar;
  pred: tf.Scalar;
  kl: tf.Scalar;
  /** Σ_g Σ_k ‖W^(g)_{·,k}‖₂ (before λ); 0 for JEPA. */
  penalty: tf.Scalar;
}

/** Whether a config's targets come from an EMA target encoder f_θ̄ (JEPA and SparseJEPA with targetEncoder 'ema'). */
export const hasEmaTarget = (c: LabConfig): boolean => c.mode !== 'mae' && c.targetEncoder === 'ema';

export class JepaModel {
  readonly context: Encoder;
  /** g_φ, or MAE's decoder transformer (the same architecture, under `decoder.`). */
  readonly predictor: Predictor;
  readonly head: LinearHead | SparseGroupHead | PixelHead;
  private readonly emaTarget: Encoder | null;
  /** θ̄ and θ (the encoders' non-fixed parameters, in the same order) as vectors, for the EMA; null without an EMA target. */
  private readonly emaViews: { target: FlatView; context: FlatView } | null;

  constructor(readonly config: LabConfig, readonly dims: ModelDims, rng: Rng) {
    this.context = new Encoder('context_encoder.', dims, rng, true);
    if (config.mode === 'mae') {
      const decoder = maeDecoder(dims, rng);
      this.predictor = decoder.body;
      this.head = decoder.head;
    } else {
      this.predictor = new Predictor(dims, rng);
      this.head = config.mode === 'sparse' ? new SparseGroupHead(dims, rng, config.groupInit) : new LinearHead(dims, rng);
    }
    // θ̄ starts as a copy of θ and is never trained by gradients (drawn last: the other parts
    // start from the same weights whether or not there is one).
    this.emaTarget = hasEmaTarget(config) ? new Encoder('target_encoder.', dims, rng, false) : null;
    this.emaTarget?.params.copyFrom(this.context.params);
    this.emaViews = this.emaTarget
      ? {
          target: new FlatView(this.emaTarget.params.trainableParams().map((p) => p.variable)),
          context: new FlatView(this.context.params.trainableParams().map((p) => p.variable)),
        }
      : null;
  }

  /** f_θ̄. A run without an EMA target (MAE, targetEncoder 'online-no-stopgrad') has none: check hasTarget. */
  get target(): Encoder {
    if (!this.emaTarget) throw new Error(`this ${this.config.mode} run has no target encoder (${this.config.mode === 'mae' ? 'MAE reconstructs pixels' : "targetEncoder is 'online-no-stopgrad'"})`);
    return this.emaTarget;
  }

  get hasTarget(): boolean {
    return this.emaTarget !== null;
  }

  /** The encoder that is probed and watched for collapse: f_θ̄ when there is an EMA target, else f_θ. */
  get evaluated(): Encoder {
    return this.emaTarget ?? this.context;
  }

  /** Targets are taken inside the gradient (no stop-gradient): targetEncoder 'online-no-stopgrad'. */
  get targetsNeedGradient(): boolean {
    return this.config.mode !== 'mae' && this.config.targetEncoder === 'online-no-stopgrad';
  }

  /** The encoders' and predictor's (or decoder's) fixed tables take their values again (after imported weights or a restored checkpoint). */
  async syncFixedTables(): Promise<void> {
    const encoders = this.emaTarget ? [this.context, this.emaTarget] : [this.context];
    await Promise.all([...encoders.map((e) => e.positions.sync()), this.predictor.positions.sync()]);
  }

  /** Every parameter set, in export order. */
  paramSets(): ParamSet[] {
    const sets = [this.context.params, this.predictor.params, this.head.params];
    return this.emaTarget ? [this.emaTarget.params, ...sets] : sets;
  }

  /** What gradients update: θ, φ and the head. */
  trainableParams(): Param[] {
    return [this.context.params, this.predictor.params, this.head.params].flatMap((s) => s.trainableParams());
  }

  get sparseHead(): SparseGroupHead | null {
    return this.head instanceof SparseGroupHead ? this.head : null;
  }

  /**
   * Targets s_y: f_θ̄ on the whole image, layer-normalised over features, at the target positions
   * (f_θ with targetEncoder 'online-no-stopgrad': taken inside the gradient, nothing stops it).
   * MAE: the target patches' pixels, per-patch normalised with maeNormPix.
   */
  targets(b: BatchTensors): tf.Tensor2D {
    return tf.tidy(() => {
      if (this.config.mode === 'mae') {
        const pixels = tf.gather(b.patches, b.targetRows);
        return this.config.maeNormPix ? normalisedPixels(pixels) : pixels;
      }
      const N = this.dims.numPatches;
      const full = layerNorm(this.evaluated.forward(b.patches, b.hostPos.all, b.B, N), undefined, TARGET_LN_EPS);
      // Through the gradient, a one-hot product (lookupRows): tfjs-wasm has no gradient kernel for gather.
      return this.targetsNeedGradient ? lookupRows(full, b.targetRows) : tf.gather(full, b.targetRows);
    });
  }

  /** The predictor's output h at every target position, from the context patches only. */
  private hidden(b: BatchTensors): tf.Tensor2D {
    if (!fastPaths('lookup')) {
      const ctx = this.context.forward(tf.gather(b.patches, b.contextRows), b.contextPos, b.B, b.numContext);
      return this.predictor.forward(ctx, b.contextPos, b.targetPos, b.B, b.numContext, b.numTargets, b.numTarget);
    }
    const ctx = this.context.forward(b.contextPatches, b.hostPos.context, b.B, b.numContext);
    return this.predictor.forward(ctx, b.hostPos.context, b.hostPos.target, b.B, b.numContext, b.numTargets, b.numTarget);
  }

  /** ŝ at every target position, from the context patches only. */
  predict(b: BatchTensors): HeadOutput {
    const h = this.hidden(b);
    const sparse = this.sparseHead;
    return sparse ? sparse.forward(h, b.groupOneHot, b.noise) : (this.head as LinearHead | PixelHead).forward(h);
  }

  /**
   * L = predictionLoss + β·klLoss + λ·groupLasso (MAE: L = reconstructionLoss). With the proximal option the λ term is left
   * out of the gradient (it is applied by proximalGroupShrink after the step) but still reported.
   * Under a gradient tape the sparse head and the loss are one custom gradient (objective.ts).
   */
  lossTerms(b: BatchTensors, targets: tf.Tensor2D, lambda: number, beta: number, proximal: boolean): LossTerms {
    const sparse = this.sparseHead;
    if (sparse && fastPaths() && recording()) {
      const { total, pred, kl, penalty } = sparseObjective(sparse, this.hidden(b), {
        targets, targetsTrained: this.targetsNeedGradient, groupOneHot: b.groupOneHot, noise: b.noise, lambda: proximal ? 0 : lambda, beta, reduction: this.config.predictionReduction, blocks: b.numTargets * b.B,
      });
      return { total, pred, kl, penalty };
    }
    const out = this.predict(b);
    const blocks = b.numTargets * b.B;
    const reduction = this.config.predictionReduction;
    const pred = this.config.mode === 'mae' ? reconstructionLoss(out.pred, targets, reduction, blocks) : predictionLoss(out.pred, targets, reduction, blocks);
    if (!sparse || !out.mu || !out.logVar) {
      const zero = tf.scalar(0);
      return { total: pred, pred, kl: zero, penalty: zero };
    }
    const kl = klLoss(out.mu, out.logVar);
    const penalty = groupLasso(sparse.W as tf.Tensor3D);
    let total = tf.add(pred, tf.mul(beta, kl)) as tf.Scalar;
    if (!proximal) total = tf.add(total, tf.mul(lambda, penalty));
    return { total, pred, kl, penalty };
  }

  /** EMA update θ̄ ← m·θ̄ + (1−m)·θ, over both encoders' parameters as one vector each. */
  updateTarget(m: number): void {
    const views = this.emaViews;
    if (!views) throw new Error(`this ${this.config.mode} run has no EMA target to update`);
    tf.tidy(() => {
      views.target.scatter(tf.add(tf.mul(views.target.gather(), m), tf.mul(views.context.gather(), 1 - m)) as tf.Tensor1D);
    });
  }

  dispose(): void {
    for (const s of this.paramSets()) s.dispose();
  }
}
