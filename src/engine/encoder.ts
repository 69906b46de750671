// The ViT encoder f_θ (and its EMA copy f_θ̄): patch embedding, fixed 2-D sin-cos positions,
// pre-norm blocks, final LayerNorm. It encodes any subset of an image's patches.
import * as tf from './tf';
import type { ModelDims } from './config';
import { ParamSet } from './params';
import { sinCos2d } from './posEmbed';
import type { Rng } from '../shared/rng';
import { FixedTable, inputLinear, layerNorm, makeBlocks, runBlocks, type BlockParams, type LayerNormParams, type LinearParams } from './vit';

export class Encoder {
  readonly params: ParamSet;
  readonly patchEmbed: LinearParams;
  readonly posEmbed: tf.Variable; // [N, D], fixed
  readonly positions: FixedTable;
  readonly blocks: BlockParams[];
  readonly norm: LayerNormParams;

  constructor(prefix: string, readonly dims: ModelDims, rng: Rng, trainable: boolean) {
    const { patchDim, embedDim: D, numPatches: N, grid, depth, mlpRatio } = dims;
    this.params = new ParamSet(prefix, rng, trainable);
    // A Conv2d with kernel = stride = p is a Linear on (c, y, x)-flattened patches.
    this.patchEmbed = {
      w: this.params.add('patch_embed.proj.weight', [patchDim, D], { kind: 'truncNormal', std: dims.patchEmbedStd ?? 0.02 }, { layout: 'patch' }),
      b: this.params.add('patch_embed.proj.bias', [D], { kind: 'zeros' }, { decay: false }),
    };
    const pos = sinCos2d(D, grid);
    this.posEmbed = this.params.fixed('pos_embed', pos, [N, D], [1, N, D]);
    this.positions = new FixedTable(this.posEmbed, pos);
    this.blocks = makeBlocks(this.params, 'blocks', depth, D, mlpRatio);
    this.norm = this.params.layerNorm('norm', D);
  }

  /**
   * Encode T patches of each of B images.
   * @param patches [T·B, 3·p·p] the chosen patches, time-major (row t·B + b: patch t of image b; vit.ts).
   * @param positions [T·B] grid position (0…N−1) of each patch (host values or an int32 tensor).
   * @returns [T·B, D], time-major
   */
  forward(patches: tf.Tensor2D, positions: tf.Tensor1D | Int32Array, B: number, T: number): tf.Tensor2D {
    const x = tf.add(inputLinear(patches, this.patchEmbed), this.positions.rows(positions)) as tf.Tensor2D;
    return layerNorm(runBlocks(x, this.blocks, B, T, this.dims.heads), this.norm);
  }
}
