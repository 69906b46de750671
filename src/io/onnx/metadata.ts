// What the exported file says about itself in metadata_props: the run, the step, the encoder,
// and the input normalisation a user must apply (data/batch.ts: (x/255 − mean_c)/std_c).
import type { LabConfig, ModelDims } from '../../engine/config';
import { CIFAR100_MEAN, CIFAR100_STD } from '../../data/batch';

export const ONNX_FORMAT = 'sparsejepa-lab/onnx-encoder/1';

/** The input the encoder was trained on: RGB bytes x, planar NCHW, (x/255 − mean_c)/std_c with CIFAR-100's statistics. */
export const NORMALISATION = {
  layout: 'NCHW float32, RGB',
  formula: '(x / 255 - mean[c]) / std[c], x the 0..255 byte of channel c',
  mean: [...CIFAR100_MEAN],
  std: [...CIFAR100_STD],
} as const;

/** The graph's input and output names. */
export const IO_NAMES = { pixels: 'pixels', tokens: 'tokens', pooled: 'pooled' } as const;

export interface EncoderMetadata {
  config: LabConfig;
  dims: ModelDims;
  step: number;
  /** The encoder's export prefix ("target_encoder." or, MAE / no EMA target, "context_encoder."). */
  encoder: string;
}

/** metadata_props entries, in a fixed order. */
export function metadataProps(m: EncoderMetadata): { key: string; value: string }[] {
  const N = m.dims.numPatches;
  const D = m.dims.embedDim;
  return [
    { key: 'format', value: ONNX_FORMAT },
    { key: 'config', value: JSON.stringify(m.config) },
    { key: 'dims', value: JSON.stringify(m.dims) },
    { key: 'step', value: String(m.step) },
    { key: 'encoder', value: m.encoder.replace(/\.$/, '') },
    { key: 'normalisation', value: JSON.stringify(NORMALISATION) },
    { key: 'outputs', value: `tokens [batch, ${N}, ${D}]: final-norm patch tokens in row-major grid order; pooled [batch, ${D}]: their mean over the ${N} patches (the linear probe's features)` },
  ];
}
