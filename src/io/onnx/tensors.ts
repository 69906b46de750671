// Initializers as ONNX TensorProtos: float32 and int64 values as little-endian raw_data (the
// layout TensorProto.raw_data is defined in, whatever the host's byte order).
import { onnx } from './proto';

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;

export function floatTensor(name: string, dims: readonly number[], values: Float32Array): InstanceType<typeof onnx.TensorProto> {
  const n = dims.reduce((a, b) => a * b, 1);
  if (n !== values.length) throw new Error(`initializer ${name}: [${dims.join(',')}] needs ${n} values, got ${values.length}`);
  const raw = new Uint8Array(4 * n);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < n; i++) view.setFloat32(4 * i, values[i], true);
  return onnx.TensorProto.create({ name, dims: [...dims], dataType: FLOAT, rawData: raw });
}

export function int64Tensor(name: string, values: readonly number[]): InstanceType<typeof onnx.TensorProto> {
  const raw = new Uint8Array(8 * values.length);
  const view = new DataView(raw.buffer);
  values.forEach((v, i) => view.setBigInt64(8 * i, BigInt(v), true));
  return onnx.TensorProto.create({ name, dims: [values.length], dataType: INT64, rawData: raw });
}

/** A float32 graph input or output; a string dimension is symbolic (the dynamic batch axis). */
export function floatValueInfo(name: string, dims: readonly (number | string)[]): InstanceType<typeof onnx.ValueInfoProto> {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  });
}
