// MAE's decoder (He et al. 2022, "Masked autoencoders are scalable vision learners"): from the
// context encoder's outputs, a narrow ViT over the visible tokens plus one mask token per target
// position — the predictor's architecture (predictor.ts), with its own weights under `decoder.`
// (`decoder.decoder_embed`, `decoder.decoder_blocks.0…`, MAE's names) — then a pixel head that
// maps each target token to its patch's 3·p·p pixels (MAE's `decoder_pred`).
// The decoder predicts each target block in its own pass. With MAE's own mask (maskStrategy
// 'random', masks.ts) the masked patches are one block, so it decodes them all in one pass as MAE's
// reference does; with I-JEPA's block masks ('blocks') it decodes each block as the predictor does.
import * as tf from './tf';
import type { ModelDims } from './config';
import { ProjectionHead } from './heads';
import { NORM_PIX_EPS } from './losses';
import { Predictor } from './predictor';
import type { Rng } from '../shared/rng';

/** MAE's pixel head: x̂_p = h_p A + a ∈ R^{3·p·p}, the predicted pixels of target patch p (h [M, D_p] at the target positions → [M, 3·p·p]). */
export class PixelHead extends ProjectionHead {
  constructor(dims: ModelDims, rng: Rng) {
    super('decoder.', 'decoder_pred', dims.predictorDim, dims.patchDim, rng);
  }
}

/** The decoder: its transformer (the predictor's architecture, its own weights) and its pixel head. */
export function maeDecoder(dims: ModelDims, rng: Rng): { body: Predictor; head: PixelHead } {
  const body = new Predictor(dims, rng, 'decoder');
  return { body, head: new PixelHead(dims, rng) };
}

/**
 * Back from per-patch normalised pixels to the input's pixel space: x̂ = ẑ·√(var + ε) + mean, with
 * each patch's mean and (unbiased) variance taken from the true patch — the decoder is only
 * asked for the normalised content, so its brightness and contrast come from the input (as in
 * MAE's visualisation).
 * @param pred [M, P] normalised predictions; @param truth [M, P] the true patches.
 */
export function unnormalisePixels(pred: tf.Tensor2D, truth: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const P = truth.shape[1];
    const mean = tf.mean(truth, 1, true);
    const variance = tf.div(tf.sum(tf.square(tf.sub(truth, mean)), 1, true), P - 1);
    return tf.add(tf.mul(pred, tf.sqrt(tf.add(variance, NORM_PIX_EPS))), mean) as tf.Tensor2D;
  });
}
