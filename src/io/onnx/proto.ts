// The ONNX protobuf messages (onnx-proto: onnx.proto compiled to protobufjs static code). The
// package is CommonJS with one `module.exports`: its default import is the namespace, in Node and
// in the bundler alike.
import onnxProto from 'onnx-proto';

export const { onnx } = onnxProto;
export type { onnx as OnnxTypes } from 'onnx-proto';

/** ONNX's opset for the default domain: 17 has LayerNormalization (and ReduceMean's axes still an attribute). */
export const OPSET = 17;
/** IR version 8 is the one that goes with opset 17 (onnx 1.12). */
export const IR_VERSION = 8;
