// The model's variables (and AdamW's moments) as named host tensors, and back: PyTorch's names
// and layouts (params.ts) for weights files, the engine's own layout for checkpoints.
import type { NamedTensor } from '../io/namedTensor';
import { WeightsError, type ExpectedTensor } from '../io/trainerWeights';
import type { AdamW } from './adamw';
import type { JepaModel } from './model';
import { fromExportLayout, toExportLayout, type Param } from './params';
import * as tf from './tf';

/** Every parameter with its export name (`context_encoder.blocks.0.…`), in export order. */
function namedParams(model: JepaModel): { name: string; p: Param }[] {
  return model.paramSets().flatMap((set) => set.params.map((p) => ({ name: set.prefix + p.name, p })));
}

/** Every parameter under its PyTorch name and layout. */
export async function exportedTensors(model: JepaModel): Promise<NamedTensor[]> {
  const out: NamedTensor[] = [];
  for (const { name, p } of namedParams(model)) {
    const data = (await p.variable.data()) as Float32Array;
    out.push({ name, shape: p.exportShape, data: toExportLayout(p, data) });
  }
  return out;
}

/** What a weights file must hold for this model: every parameter's export name and shape. */
export function expectedTensors(model: JepaModel): ExpectedTensor[] {
  return namedParams(model).map(({ name, p }) => ({ name, shape: p.exportShape }));
}

/** Assign weights in the export layout, given in expectedTensors' order (decodeWeights), then the fixed tables. */
export async function assignExported(model: JepaModel, values: readonly Float32Array[]): Promise<void> {
  const params = namedParams(model);
  if (values.length !== params.length) throw new WeightsError(`expected ${params.length} tensors, got ${values.length}`);
  const updates = params.map(({ p }, i) => [p.variable, fromExportLayout(p, values[i])] as const);
  for (const [v, data] of updates) {
    const t = tf.tensor(data, v.shape);
    v.assign(t);
    t.dispose();
  }
  await model.syncFixedTables();
}

/** A trained variable's export name. */
function exportName(model: JepaModel, v: tf.Variable): string {
  const found = namedParams(model).find(({ p }) => p.variable === v);
  if (!found) throw new Error(`unknown variable ${v.name}`);
  return found.name;
}

/** A checkpoint's tensors: parameters (`<prefix><name>`) and AdamW moments (`adam.m.…`, `adam.v.…`), in the engine's own layout. */
export async function stateTensors(model: JepaModel, optimizer: AdamW): Promise<{ tensors: NamedTensor[]; adamStep: number }> {
  const tensors: NamedTensor[] = [];
  for (const { name, p } of namedParams(model)) {
    tensors.push({ name, shape: p.variable.shape.slice(), data: Float32Array.from((await p.variable.data()) as Float32Array) });
  }
  const adam = await optimizer.state();
  const names = optimizer.params.map((p) => exportName(model, p.variable));
  names.forEach((name, i) => {
    tensors.push({ name: `adam.m.${name}`, shape: optimizer.params[i].variable.shape.slice(), data: adam.m[i] });
    tensors.push({ name: `adam.v.${name}`, shape: optimizer.params[i].variable.shape.slice(), data: adam.v[i] });
  });
  return { tensors, adamStep: adam.t };
}

/** A checkpoint's tensors matched to this model and optimiser, every one checked. */
export interface CheckedState {
  params: (readonly [tf.Variable, Float32Array])[];
  m: Float32Array[];
  v: Float32Array[];
}

/** Match a checkpoint's tensors to the variables (stateTensors' names), changing nothing: a WeightsError names the first missing or of another size. */
export function checkStateTensors(model: JepaModel, optimizer: AdamW, tensors: readonly NamedTensor[]): CheckedState {
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const take = (name: string, v: tf.Variable): Float32Array => {
    const t = byName.get(name);
    if (!t) throw new WeightsError(`the checkpoint has no tensor ${name}`);
    if (t.data.length !== v.size) throw new WeightsError(`checkpoint tensor ${name} has ${t.data.length} values, expected ${v.size}`);
    return t.data;
  };
  const params = namedParams(model).map(({ name, p }) => [p.variable, take(name, p.variable)] as const);
  const names = optimizer.params.map((p) => exportName(model, p.variable));
  const m = names.map((n, i) => take(`adam.m.${n}`, optimizer.params[i].variable));
  const v = names.map((n, i) => take(`adam.v.${n}`, optimizer.params[i].variable));
  return { params, m, v };
}

/** Put a checked checkpoint into the variables, the fixed tables and AdamW (its step count `adamStep`). */
export async function assignState(model: JepaModel, optimizer: AdamW, s: CheckedState, adamStep: number): Promise<void> {
  tf.tidy(() => s.params.forEach(([variable, data]) => variable.assign(tf.tensor(data, variable.shape))));
  await model.syncFixedTables();
  optimizer.restore(adamStep, s.m, s.v);
}
