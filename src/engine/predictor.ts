// The predictor g_φ: a narrower ViT over the context tokens plus one mask token per target
// position (mask token + that position's embedding). As in I-JEPA, each of the target blocks
// is predicted in its own pass, so the batch is repeated once per target block. MAE's decoder is
// the same architecture under its own names (`decoder.decoder_embed`, …; see decoder.ts).
import * as tf from './tf';
import type { ModelDims } from './config';
import { ParamSet } from './params';
import { sinCos2d } from './posEmbed';
import type { Rng } from '../shared/rng';
import { FixedTable, layerNorm, linear, makeBlocks, repeatBatch, runBlocks, type BlockParams, type LayerNormParams, type LinearParams } from './vit';

export class Predictor {
  readonly params: ParamSet;
  readonly embed: LinearParams; // D → D_p
  readonly maskToken: tf.Variable; // [D_p]
  readonly posEmbed: tf.Variable; // [N, D_p], fixed
  readonly positions: FixedTable;
  readonly blocks: BlockParams[];
  readonly norm: LayerNormParams;

  /** @param stem names the layers `${stem}_embed`, `${stem}_blocks`, … under `${stem}.` (I-JEPA's and MAE's convention). */
  constructor(readonly dims: ModelDims, rng: Rng, stem: 'predictor' | 'decoder' = 'predictor') {
    const { embedDim: D, predictorDim: Dp, numPatches: N, grid, predictorDepth, mlpRatio } = dims;
    this.params = new ParamSet(`${stem}.`, rng, true);
    this.embed = this.params.linear(`${stem}_embed`, D, Dp);
    // Weight-decayed, as I-JEPA's init_opt groups it (not a bias, not 1-D: its [1, 1, Dp] parameter is decayed).
    this.maskToken = this.params.add('mask_token', [Dp], { kind: 'truncNormal', std: 0.02 }, { decay: true, exportShape: [1, 1, Dp] });
    const pos = sinCos2d(Dp, grid);
    this.posEmbed = this.params.fixed(`${stem}_pos_embed`, pos, [N, Dp], [1, N, Dp]);
    this.positions = new FixedTable(this.posEmbed, pos);
    this.blocks = makeBlocks(this.params, `${stem}_blocks`, predictorDepth, Dp, mlpRatio);
    this.norm = this.params.layerNorm(`${stem}_norm`, Dp);
  }

  /**
   * Token rows are time-major (vit.ts); the batch is the B images repeated once per target block.
   * @param context [Nc·B, D] context-encoder outputs.
   * @param contextPos [Nc·B] their grid positions (host values or an int32 tensor).
   * @param targetPos [Nt·nT·B] target positions, row (j·nT + m)·B + b for patch j of block m of image b.
   * @returns h, [Nt·nT·B, D_p]: the predictor's output at every target position, in targetPos's order.
   */
  forward(context: tf.Tensor2D, contextPos: tf.Tensor1D | Int32Array, targetPos: tf.Tensor1D | Int32Array, B: number, Nc: number, numTargets: number, Nt: number): tf.Tensor2D {
    const Dp = this.dims.predictorDim;
    const nB = numTargets * B;
    const ctx = tf.add(linear(context, this.embed), this.positions.rows(contextPos)); // [Nc·B, Dp]
    const ctxRep = repeatBatch(tf.reshape(ctx, [Nc, B, Dp]) as tf.Tensor3D, numTargets); // [Nc, nT·B, Dp]
    const queries = tf.add(this.maskToken, this.positions.rows(targetPos)); // [Nt·nT·B, Dp]
    const tokens = tf.concat([ctxRep, tf.reshape(queries, [Nt, nB, Dp])], 0); // [Nc+Nt, nT·B, Dp]
    const T = Nc + Nt;
    const x = runBlocks(tf.reshape(tokens, [T * nB, Dp]), this.blocks, nB, T, this.dims.predictorHeads);
    return layerNorm(tf.slice(x, [Nc * nB, 0], [Nt * nB, Dp]), this.norm);
  }
}
