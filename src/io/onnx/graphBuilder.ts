// A GraphProto built node by node: every node's output gets a fresh name, initializers sit beside
// the nodes, and small constants (shapes, scalars) are shared by value.
import { onnx } from './proto';
import { floatTensor, int64Tensor } from './tensors';

/** An attribute: an integer → INT, `{ f }` → FLOAT, an array → INTS, a string → STRING. */
export type Attr = number | number[] | string | { f: number };
type Node = InstanceType<typeof onnx.NodeProto>;
type Tensor = InstanceType<typeof onnx.TensorProto>;

const A = onnx.AttributeProto.AttributeType;

function attribute(name: string, v: Attr): InstanceType<typeof onnx.AttributeProto> {
  if (typeof v === 'string') return onnx.AttributeProto.create({ name, type: A.STRING, s: new TextEncoder().encode(v) });
  if (Array.isArray(v)) return onnx.AttributeProto.create({ name, type: A.INTS, ints: v });
  if (typeof v === 'object') return onnx.AttributeProto.create({ name, type: A.FLOAT, f: v.f });
  if (!Number.isInteger(v)) throw new Error(`attribute ${name}: ${v} is not an integer (a float attribute is { f })`);
  return onnx.AttributeProto.create({ name, type: A.INT, i: v });
}

export class GraphBuilder {
  readonly nodes: Node[] = [];
  readonly initializers: Tensor[] = [];
  private count = 0;
  private readonly constants = new Map<string, string>();

  /** A weight under its own (export) name. */
  weight(name: string, dims: readonly number[], values: Float32Array): string {
    this.initializers.push(floatTensor(name, dims, values));
    return name;
  }

  /** An int64 vector constant (a Reshape's shape, a Split's sizes), one initializer per distinct value. */
  ints(values: readonly number[]): string {
    return this.shared(`i64:${values.join(',')}`, (name) => int64Tensor(name, values));
  }

  /** A float32 scalar constant. */
  scalar(v: number): string {
    return this.shared(`f32:${Math.fround(v)}`, (name) => floatTensor(name, [], Float32Array.of(v)));
  }

  private shared(key: string, make: (name: string) => Tensor): string {
    const found = this.constants.get(key);
    if (found) return found;
    const name = `const_${this.constants.size}`;
    this.initializers.push(make(name));
    this.constants.set(key, name);
    return name;
  }

  /** Add one node; returns its outputs' names (`outputs` of them, or the names given). */
  op(opType: string, inputs: string[], attrs: Record<string, Attr> = {}, outputs: number | string[] = 1): string[] {
    const id = this.count++;
    const names = typeof outputs === 'number' ? Array.from({ length: outputs }, (_, i) => `${opType}_${id}${outputs > 1 ? `_${i}` : ''}`) : outputs;
    this.nodes.push(
      onnx.NodeProto.create({ name: `${opType}_${id}`, opType, input: inputs, output: names, attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)) }),
    );
    return names;
  }

  /** One-output node. */
  op1(opType: string, inputs: string[], attrs: Record<string, Attr> = {}): string {
    return this.op(opType, inputs, attrs)[0];
  }
}
