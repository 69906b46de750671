// The whole JEPA / SparseJEPA model, read top to bottom: context encoder f_θ, EMA target encoder
// f_θ̄, predictor g_φ, and the head (plain linear for JEPA, sparse group head for SparseJEPA).
import * as tf from './tf';
import type { LabConfig, ModelDims } from './config';
import { Encoder } from './encoder';
import { FlatView } from './flat';
import { fastPaths } from './matmul';
import { sparseObjective } from './objective';
import { LinearHead, SparseGroupHead, type HeadOutput } from './heads';
import { groupLasso, klLoss, predictionLoss } from './losses';
import type { Param, ParamSet } from './params';
import { Predictor } from './predictor';
import type { Rng } from './rng';
import { layerNorm, recording } from './vit';

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

export interface LossTerms {
  total: tf.Scalar;
  pred: tf.Scalar;
  kl: tf.Scalar;
  /** Σ_g Σ_k ‖W^(g)_{·,k}‖₂ (before λ); 0 for JEPA. */
  penalty: tf.Scalar;
}

export class JepaModel {
  readonly context: Encoder;
  readonly target: Encoder;
  readonly predictor: Predictor;
  readonly head: LinearHead | SparseGroupHead;
  /** θ̄ and θ (the encoders' non-fixed parameters, in the same order) as vectors, for the EMA. */
  private readonly targetView: FlatView;
  private readonly contextView: FlatView;

  constructor(readonly config: LabConfig, readonly dims: ModelDims, rng: Rng) {
    this.context = new Encoder('context_encoder.', dims, rng, true);
    this.predictor = new Predictor(dims, rng);
    this.head = config.mode === 'sparse' ? new SparseGroupHead(dims, rng, config.groupInit) : new LinearHead(dims, rng);
    // θ̄ starts as a copy of θ and is never trained by gradients.
    this.target = new Encoder('target_encoder.', dims, rng, false);
    this.target.params.copyFrom(this.context.params);
    this.targetView = new FlatView(this.target.params.trainableParams().map((p) => p.variable));
    this.contextView = new FlatView(this.context.params.trainableParams().map((p) => p.variable));
  }

  /** The encoders' and predictor's fixed tables take their values again (after imported weights or a restored checkpoint). */
  async syncFixedTables(): Promise<void> {
    await Promise.all([this.context.positions.sync(), this.target.positions.sync(), this.predictor.positions.sync()]);
  }

  /** Every parameter set, in export order. */
  paramSets(): ParamSet[] {
    return [this.target.params, this.context.params, this.predictor.params, this.head.params];
  }

  /** What gradients update: θ, φ and the head. */
  trainableParams(): Param[] {
    return [this.context.params, this.predictor.params, this.head.params].flatMap((s) => s.trainableParams());
  }

  get sparseHead(): SparseGroupHead | null {
    return this.head instanceof SparseGroupHead ? this.head : null;
  }

  /** Targets s_y: f_θ̄ on the whole image, layer-normalised over features, at the target positions. */
  targets(b: BatchTensors): tf.Tensor2D {
    return tf.tidy(() => {
      const N = this.dims.numPatches;
      const full = layerNorm(this.target.forward(b.patches, b.hostPos.all, b.B, N));
      return tf.gather(full, b.targetRows);
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
    return sparse ? sparse.forward(h, b.groupOneHot, b.noise) : (this.head as LinearHead).forward(h);
  }

  /**
   * L = predictionLoss + β·klLoss + λ·groupLasso. With the proximal option the λ term is left
   * out of the gradient (it is applied by proximalGroupShrink after the step) but still reported.
   * Under a gradient tape the sparse head and the loss are one custom gradient (objective.ts).
   */
  lossTerms(b: BatchTensors, targets: tf.Tensor2D, lambda: number, beta: number, proximal: boolean): LossTerms {
    const sparse = this.sparseHead;
    if (sparse && fastPaths() && recording()) {
      const { total, pred, kl, penalty } = sparseObjective(sparse, this.hidden(b), {
        targets, groupOneHot: b.groupOneHot, noise: b.noise, lambda: proximal ? 0 : lambda, beta, reduction: this.config.predictionReduction, blocks: b.numTargets * b.B,
      });
      return { total, pred, kl, penalty };
    }
    const out = this.predict(b);
    const pred = predictionLoss(out.pred, targets, this.config.predictionReduction, b.numTargets * b.B);
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
    tf.tidy(() => {
      const target = this.targetView.gather();
      this.targetView.scatter(tf.add(tf.mul(target, m), tf.mul(this.contextView.gather(), 1 - m)) as tf.Tensor1D);
    });
  }

  dispose(): void {
    for (const s of this.paramSets()) s.dispose();
  }
}
