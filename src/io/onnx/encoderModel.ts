// The encoder as one .onnx file: the graph (vitGraph.ts) on `pixels` [batch, 3, H, W], outputs
// `tokens` [batch, N, D] and `pooled` [batch, D], opset 17, the run's metadata, sealed with its digest.
import { parseConfig, modelDims, type LabConfig, type ModelDims } from '../../engine/config';
import type { Trainer } from '../../engine/trainer';
import { decodeWeights, WeightsError } from '../trainerWeights';
import { readSafetensors } from '../safetensors';
import { EncoderWeights, encoderTensors, exportedEncoderPrefix } from './encoderWeights';
import { GraphBuilder } from './graphBuilder';
import { sealedBytes } from './integrity';
import { IO_NAMES, metadataProps } from './metadata';
import { IR_VERSION, OPSET, onnx } from './proto';
import { floatValueInfo } from './tensors';
import { encoderGraph } from './vitGraph';

/** The ModelProto's bytes for an encoder's weights. */
export async function encoderOnnx(weights: EncoderWeights, config: LabConfig, dims: ModelDims, step: number): Promise<Uint8Array> {
  const g = new GraphBuilder();
  encoderGraph(g, weights, dims, IO_NAMES);
  const { imageSize: S, numPatches: N, embedDim: D } = dims;
  const graph = onnx.GraphProto.create({
    name: `${config.mode}-${config.preset}-encoder`,
    node: g.nodes,
    initializer: g.initializers,
    input: [floatValueInfo(IO_NAMES.pixels, ['batch', 3, S, S])],
    output: [floatValueInfo(IO_NAMES.tokens, ['batch', N, D]), floatValueInfo(IO_NAMES.pooled, ['batch', D])],
  });
  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: 'sparsejepa-lab',
    modelVersion: step,
    docString: 'The target encoder (an MAE run: its context encoder) of a SparseJEPA Lab run; metadata_props say the input normalisation.',
    graph,
    metadataProps: metadataProps({ config, dims, step, encoder: weights.prefix }),
  });
  return sealedBytes(model);
}

/** A trainer's probed encoder (f_θ̄, or f_θ without an EMA target) as .onnx bytes: what the page's worker would send. */
export async function trainerEncoderOnnx(t: Trainer): Promise<Uint8Array> {
  const prefix = exportedEncoderPrefix(t.config);
  return encoderOnnx(EncoderWeights.fromNamed(prefix, t.dims, await t.namedTensors()), t.config, t.dims, t.stepCount);
}

/** A lab weights file (.safetensors with its config in __metadata__) as .onnx bytes; a WeightsError or SafetensorsError says what is wrong. */
export async function safetensorsEncoderOnnx(bytes: Uint8Array): Promise<Uint8Array> {
  const meta = readSafetensors(bytes).metadata;
  if (meta.config === undefined) throw new WeightsError('no __metadata__.config (not written by this lab?)');
  let raw: unknown;
  try {
    raw = JSON.parse(meta.config);
  } catch {
    throw new WeightsError('__metadata__.config is not JSON');
  }
  let config: LabConfig;
  try {
    config = parseConfig(raw);
  } catch (e) {
    throw new WeightsError(`__metadata__.config: ${(e as Error).message}`);
  }
  const dims = modelDims(config);
  const prefix = exportedEncoderPrefix(config);
  const step = Number(meta.step ?? 0);
  const values = decodeWeights(bytes, encoderTensors(prefix, dims), config);
  return encoderOnnx(EncoderWeights.fromValues(prefix, dims, values), config, dims, Number.isInteger(step) && step >= 0 ? step : 0);
}
