// A SHA-256 of the whole model in its own metadata (key `sha256`): ONNX Runtime loads a file whose
// weights were altered byte by byte without complaint, so the check recomputes the digest of the
// model re-encoded without that entry (protobufjs writes a decoded message back byte for byte).
import { onnx } from './proto';

type Model = InstanceType<typeof onnx.ModelProto>;

export const DIGEST_KEY = 'sha256';

/** An .onnx file that is not one this lab wrote intact (unreadable, truncated, altered). */
export class OnnxFileError extends Error {
  override name = 'OnnxFileError';
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The model's bytes with its digest as the last metadata entry. */
export async function sealedBytes(model: Model): Promise<Uint8Array> {
  const unsealed = onnx.ModelProto.encode(model).finish();
  model.metadataProps.push(onnx.StringStringEntryProto.create({ key: DIGEST_KEY, value: await sha256Hex(unsealed) }));
  return onnx.ModelProto.encode(model).finish();
}

/** Decode a file and check its digest; the model, or an OnnxFileError saying in one line what is wrong. */
export async function verifiedModel(bytes: Uint8Array): Promise<Model> {
  let model: Model;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new OnnxFileError(`not a readable ONNX model (${(e as Error).message}; truncated?)`);
  }
  if (!model.graph) throw new OnnxFileError('not an ONNX model: it has no graph (truncated?)');
  const props = model.metadataProps;
  const at = props.findIndex((p) => p.key === DIGEST_KEY);
  if (at < 0) throw new OnnxFileError(`no ${DIGEST_KEY} in its metadata (not written by this lab?)`);
  const claimed = props[at].value;
  const rest = onnx.ModelProto.create({ ...model, metadataProps: props.filter((_, i) => i !== at) });
  if ((await sha256Hex(onnx.ModelProto.encode(rest).finish())) !== claimed) throw new OnnxFileError('its contents do not match its sha256: the file was altered after export');
  return model;
}
