// The lab's weights file: every parameter under its PyTorch name and layout in a .safetensors
// file, with the run's config, the architecture it implies and its step in __metadata__. Bytes
// and checks only: the Trainer reads its variables out and assigns them back (engine/modelTensors.ts).
import type { LabConfig, ModelDims } from '../engine/config';
import type { NamedTensor } from './namedTensor';
import { readSafetensors, writeSafetensors } from './safetensors';

export const WEIGHTS_FORMAT = 'sparsejepa-lab/1';

/** Weights that do not fit this model (missing names, wrong shapes, another architecture). */
export class WeightsError extends Error {
  override name = 'WeightsError';
}

/** A tensor a model holds: its export name and shape. */
export interface ExpectedTensor {
  name: string;
  shape: readonly number[];
}

/** Metadata written with the weights: the run's config and the architecture it implies. */
export function weightsMetadata(config: LabConfig, dims: ModelDims, step: number): Record<string, string> {
  return {
    format: WEIGHTS_FORMAT,
    config: JSON.stringify(config),
    dims: JSON.stringify(dims),
    step: String(step),
  };
}

export function encodeWeights(tensors: readonly NamedTensor[], metadata: Record<string, string>): Uint8Array {
  return writeSafetensors(tensors.map((t) => ({ ...t, dtype: 'F32' as const })), metadata);
}

/**
 * The values of every `expected` tensor in a weights file (the lab's, or PyTorch's with the same
 * names and shapes), in `expected`'s order; other tensors in the file are ignored. Throws a
 * WeightsError at the first one missing or of another shape, before anything is returned.
 * @param model the model's config, named in the message when a tensor is missing.
 */
export function decodeWeights(bytes: Uint8Array, expected: readonly ExpectedTensor[], model: Pick<LabConfig, 'mode' | 'preset'>): Float32Array[] {
  const file = readSafetensors(bytes);
  return expected.map(({ name, shape }) => {
    const t = file.tensors.get(name);
    if (!t) throw new WeightsError(`weights file has no tensor ${name} (is it from a ${model.mode} ${model.preset} model?)`);
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      throw new WeightsError(`${name} has shape [${t.shape.join(',')}], this model expects [${shape.join(',')}]`);
    }
    return t.data instanceof Float32Array ? t.data : Float32Array.from(t.data);
  });
}
