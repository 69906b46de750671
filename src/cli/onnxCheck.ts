// The command line's check of an exported encoder: its digest (a file altered after export is
// refused; io/onnx/integrity.ts), then ONNX Runtime (onnxruntime-node, a dev dependency: loaded
// only here) loads it and runs a batch of 2, whose outputs must have the shapes the metadata says.
import type { ModelDims } from '../engine/config';
import { OnnxFileError, verifiedModel } from '../io/onnx/integrity';
import { IO_NAMES } from '../io/onnx/metadata';

export interface OnnxCheck {
  step: number;
  encoder: string;
  tokens: number[];
  pooled: number[];
}

/** Check .onnx bytes; an OnnxFileError says in one line why they are refused. */
export async function checkOnnx(bytes: Uint8Array): Promise<OnnxCheck> {
  const model = await verifiedModel(bytes);
  const meta = new Map(model.metadataProps.map((p) => [p.key, p.value]));
  const dims = JSON.parse(meta.get('dims') ?? 'null') as ModelDims | null;
  if (!dims) throw new OnnxFileError('no dims in its metadata (not written by this lab?)');
  const ort = await import('onnxruntime-node');
  let session: Awaited<ReturnType<typeof ort.InferenceSession.create>>;
  try {
    session = await ort.InferenceSession.create(bytes);
  } catch (e) {
    throw new OnnxFileError(`ONNX Runtime refuses it: ${(e as Error).message.split('\n')[0]}`);
  }
  try {
    const S = dims.imageSize;
    const pixels = new ort.Tensor('float32', new Float32Array(2 * 3 * S * S), [2, 3, S, S]);
    const out = await session.run({ [IO_NAMES.pixels]: pixels });
    const shape = (name: string) => Array.from(out[name]?.dims ?? [], Number);
    const tokens = shape(IO_NAMES.tokens);
    const pooled = shape(IO_NAMES.pooled);
    const want = [2, dims.numPatches, dims.embedDim];
    if (tokens.join() !== want.join() || pooled.join() !== [2, dims.embedDim].join()) {
      throw new OnnxFileError(`on a batch of 2 it gives tokens [${tokens}] and pooled [${pooled}], expected [${want}] and [2,${dims.embedDim}]`);
    }
    return { step: Number(meta.get('step')), encoder: meta.get('encoder') ?? '', tokens, pooled };
  } finally {
    await session.release();
  }
}
