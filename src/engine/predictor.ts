// The predictor g_φ: a narrower ViT over the context tokens plus one mask token per target
// position (mask token + that position's embedding). As in I-JEPA, each of the target blocks
// is predicted in its own pass, so the batch is repeated once per target block. MAE's decoder is
// the same architecture under its own names (`decoder.decoder_embed`, …; see decoder.ts).
import * as tf from './tf';
import type { ModelDims } from './config';
import { ParamSet } from './params';
import { sinCos2d } from './posEmbed';
import type { Rng } from './rng';
import { layerNorm, linear, lookupRows, makeBlocks, repeatLeading, runBlocks, type BlockParams, type LayerNormParams, type LinearParams } from './vit';

export class Predictor {
  readonly params: ParamSet;
  readonly embed: LinearParams; // D → D_p
  readonly maskToken: tf.Variable; // [D_p]
  readonly posEmbed: tf.Variable; // [N, D_p], fixed
  readonly blocks: BlockParams[];
  readonly norm: LayerNormParams;

  /** @param stem names the layers `${stem}_embed`, `${stem}_blocks`, … under `${stem}.` (I-JEPA's and MAE's convention). */
  constructor(readonly dims: ModelDims, rng: Rng, stem: 'predictor' | 'decoder' = 'predictor') {
    const { embedDim: D, predictorDim: Dp, numPatches: N, grid, predictorDepth, mlpRatio } = dims;
    this.params = new ParamSet(`${stem}.`, rng, true);
    this.embed = this.params.linear(`${stem}_embed`, D, Dp);
    this.maskToken = this.params.add('mask_token', [Dp], { kind: 'truncNormal', std: 0.02 }, { decay: false, exportShape: [1, 1, Dp] });
    this.posEmbed = this.params.fixed(`${stem}_pos_embed`, sinCos2d(Dp, grid), [N, Dp], [1, N, Dp]);
    this.blocks = makeBlocks(this.params, `${stem}_blocks`, predictorDepth, Dp, mlpRatio);
    this.norm = this.params.layerNorm(`${stem}_norm`, Dp);
  }

  /**
   * @param context [B·Nc, D] context-encoder outputs.
   * @param contextPos int32 [B·Nc] their grid positions.
   * @param targetPos int32 [nT·B·Nt] target positions, target-block-major then image.
   * @returns h, [nT·B·Nt, D_p]: the predictor's output at every target position.
   */
  forward(context: tf.Tensor2D, contextPos: tf.Tensor1D, targetPos: tf.Tensor1D, B: number, Nc: number, numTargets: number, Nt: number): tf.Tensor2D {
    const Dp = this.dims.predictorDim;
    const pos = this.posEmbed as tf.Tensor2D;
    const ctx = tf.add(linear(context, this.embed), lookupRows(pos, contextPos)); // [B·Nc, Dp]
    const ctxRep = repeatLeading(tf.reshape(ctx, [B, Nc, Dp]), numTargets); // [nT, B, Nc, Dp]
    const queries = tf.add(this.maskToken, lookupRows(pos, targetPos)); // [nT·B·Nt, Dp]
    const tokens = tf.concat([ctxRep, tf.reshape(queries, [numTargets, B, Nt, Dp])], 2); // [nT, B, Nc+Nt, Dp]
    const T = Nc + Nt;
    const x = runBlocks(tf.reshape(tokens, [numTargets * B * T, Dp]), this.blocks, numTargets * B, T, this.dims.predictorHeads);
    const out = tf.slice(tf.reshape(x, [numTargets * B, T, Dp]), [0, Nc, 0], [-1, Nt, -1]);
    return layerNorm(tf.reshape(out, [numTargets * B * Nt, Dp]), this.norm);
  }
}
