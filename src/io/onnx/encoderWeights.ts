// The exported encoder's weights, by PyTorch name and layout (engine/params.ts): which encoder
// (f_θ̄, or f_θ where the run has no EMA target), the tensors it needs and their shapes.
import type { LabConfig, ModelDims } from '../../engine/config';
import { hasEmaTarget } from '../../engine/model';
import { WeightsError, type ExpectedTensor } from '../trainerWeights';

/** The probed encoder's prefix, as JepaModel.evaluated picks it: the EMA target, else the context encoder (MAE). */
export const exportedEncoderPrefix = (c: LabConfig): string => (hasEmaTarget(c) ? 'target_encoder.' : 'context_encoder.');

/** Every tensor the encoder graph reads, under its export name and shape (pos_embed included: it is in the file). */
export function encoderTensors(prefix: string, d: ModelDims): ExpectedTensor[] {
  const { embedDim: D, patchSize: p, numPatches: N, mlpRatio } = d;
  const t = (name: string, shape: number[]): ExpectedTensor => ({ name: prefix + name, shape });
  const out = [t('patch_embed.proj.weight', [D, 3, p, p]), t('patch_embed.proj.bias', [D]), t('pos_embed', [1, N, D])];
  for (let i = 0; i < d.depth; i++) {
    const b = `blocks.${i}.`;
    out.push(
      t(`${b}norm1.weight`, [D]), t(`${b}norm1.bias`, [D]),
      t(`${b}attn.qkv.weight`, [3 * D, D]), t(`${b}attn.qkv.bias`, [3 * D]),
      t(`${b}attn.proj.weight`, [D, D]), t(`${b}attn.proj.bias`, [D]),
      t(`${b}norm2.weight`, [D]), t(`${b}norm2.bias`, [D]),
      t(`${b}mlp.fc1.weight`, [mlpRatio * D, D]), t(`${b}mlp.fc1.bias`, [mlpRatio * D]),
      t(`${b}mlp.fc2.weight`, [D, mlpRatio * D]), t(`${b}mlp.fc2.bias`, [D]),
    );
  }
  out.push(t('norm.weight', [D]), t('norm.bias', [D]));
  return out;
}

/** An encoder's tensors by export name (the prefix stripped), every one present and of its shape. */
export class EncoderWeights {
  private constructor(
    readonly prefix: string,
    private readonly byName: Map<string, Float32Array>,
  ) {}

  /** From tensors in encoderTensors' order (decodeWeights' answer). */
  static fromValues(prefix: string, d: ModelDims, values: readonly Float32Array[]): EncoderWeights {
    const spec = encoderTensors(prefix, d);
    if (values.length !== spec.length) throw new WeightsError(`expected ${spec.length} encoder tensors, got ${values.length}`);
    spec.forEach((s, i) => {
      const n = s.shape.reduce((a, b) => a * b, 1);
      if (values[i].length !== n) throw new WeightsError(`${s.name} has ${values[i].length} values, expected ${n}`);
    });
    return new EncoderWeights(prefix, new Map(spec.map((s, i) => [s.name.slice(prefix.length), values[i]])));
  }

  /** From named tensors (Trainer.namedTensors()), checked against encoderTensors. */
  static fromNamed(prefix: string, d: ModelDims, tensors: readonly { name: string; shape: readonly number[]; data: Float32Array }[]): EncoderWeights {
    const byName = new Map(tensors.map((t) => [t.name, t]));
    const values = encoderTensors(prefix, d).map(({ name, shape }) => {
      const t = byName.get(name);
      if (!t) throw new WeightsError(`no tensor ${name}`);
      if (t.shape.length !== shape.length || t.shape.some((x, i) => x !== shape[i])) throw new WeightsError(`${name} has shape [${t.shape.join(',')}], expected [${shape.join(',')}]`);
      return t.data;
    });
    return EncoderWeights.fromValues(prefix, d, values);
  }

  /** A tensor by its name under the prefix ("blocks.0.attn.qkv.weight"). */
  get(name: string): Float32Array {
    const v = this.byName.get(name);
    if (!v) throw new WeightsError(`no tensor ${this.prefix}${name}`);
    return v;
  }
}
