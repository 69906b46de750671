// Weights in the TensorFlow.js format: model.json (a weights manifest, as tf.io.loadWeights and
// tf.io.decodeWeights read it) and one weights.bin holding the tensors back to back, float32 LE.
import type { NamedTensor } from './namedTensor';

export interface TfjsWeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32';
}

export interface TfjsModelJson {
  format: 'sparsejepa-weights';
  generatedBy: string;
  convertedBy: null;
  /** No layers topology: these are named weights; load them with tf.io.loadWeights. */
  modelTopology: null;
  weightsManifest: { paths: string[]; weights: TfjsWeightSpec[] }[];
  userDefinedMetadata?: Record<string, string>;
}

export class TfjsFormatError extends Error {
  override name = 'TfjsFormatError';
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

export function writeTfjsWeights(
  tensors: readonly NamedTensor[],
  opts: { metadata?: Record<string, string>; weightsPath?: string; generatedBy?: string } = {},
): { modelJson: TfjsModelJson; weightsBin: Uint8Array } {
  const seen = new Set<string>();
  let total = 0;
  for (const t of tensors) {
    if (seen.has(t.name)) throw new TfjsFormatError(`duplicate tensor name "${t.name}"`);
    seen.add(t.name);
    if (t.shape.some((d) => !Number.isInteger(d) || d < 0)) throw new TfjsFormatError(`tensor "${t.name}": bad shape [${t.shape}]`);
    if (size(t.shape) !== t.data.length) {
      throw new TfjsFormatError(`tensor "${t.name}": shape [${t.shape}] needs ${size(t.shape)} values, got ${t.data.length}`);
    }
    total += t.data.length * 4;
  }
  const weightsBin = new Uint8Array(total);
  const view = new DataView(weightsBin.buffer);
  let off = 0;
  for (const t of tensors) {
    for (let i = 0; i < t.data.length; i++, off += 4) view.setFloat32(off, t.data[i], true);
  }
  const modelJson: TfjsModelJson = {
    format: 'sparsejepa-weights',
    generatedBy: opts.generatedBy ?? 'SparseJEPA Lab',
    convertedBy: null,
    modelTopology: null,
    weightsManifest: [
      {
        paths: [opts.weightsPath ?? 'weights.bin'],
        weights: tensors.map((t) => ({ name: t.name, shape: [...t.shape], dtype: 'float32' as const })),
      },
    ],
  };
  if (opts.metadata) modelJson.userDefinedMetadata = { ...opts.metadata };
  return { modelJson, weightsBin };
}

/** Read back what writeTfjsWeights wrote (float32 manifests with one weights file). */
export function readTfjsWeights(modelJson: unknown, weightsBin: Uint8Array): NamedTensor[] {
  const mj = modelJson as Partial<TfjsModelJson>;
  if (!mj || !Array.isArray(mj.weightsManifest)) throw new TfjsFormatError('model.json has no weightsManifest');
  const specs = mj.weightsManifest.flatMap((g) => g.weights ?? []);
  const view = new DataView(weightsBin.buffer, weightsBin.byteOffset, weightsBin.byteLength);
  const out: NamedTensor[] = [];
  let off = 0;
  for (const s of specs) {
    if (s.dtype !== 'float32') throw new TfjsFormatError(`tensor "${s.name}": dtype ${s.dtype} is not supported`);
    const n = size(s.shape);
    if (off + n * 4 > weightsBin.byteLength) {
      throw new TfjsFormatError(`weights.bin is too short: "${s.name}" needs bytes ${off}..${off + n * 4}, file has ${weightsBin.byteLength}`);
    }
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = view.getFloat32(off + 4 * i, true);
    off += 4 * n;
    out.push({ name: s.name, shape: [...s.shape], data });
  }
  if (off !== weightsBin.byteLength) throw new TfjsFormatError(`weights.bin has ${weightsBin.byteLength - off} unexpected trailing bytes`);
  return out;
}
