// The worker's side of importing a run trained outside the page (interop/pytorch/train.py or
// `npm run train`): check that its weights file is the lab's weights of the model its config
// describes — the same names and shapes, nothing missing, nothing extra — and open it to look at,
// the trainer standing at the run's step with its weights.
import { modelDims, parseSavedConfig, type LabConfig } from '../engine/config';
import { JepaModel } from '../engine/model';
import { Rng } from '../shared/rng';
import type { Trainer } from '../engine/trainer';
import { CHECKPOINT_FORMAT } from '../io/checkpoint';
import { readSafetensors, type SafetensorsFile } from '../io/safetensors';
import { WEIGHTS_FORMAT, WeightsError } from '../io/trainerWeights';
import { normsMatrix, type ImportedRunView, type NormsMatrix, type RunWeightsInfo } from './protocol';
import { RunRefused } from './run';
import { errText } from '../shared/errors';

const shape = (s: readonly number[]) => `[${s.join(',')}]`;
const MODE = { sparse: 'SparseJEPA', jepa: 'JEPA', mae: 'MAE' } as const;

/** "a SparseJEPA micro model (K=32, blocks2x2, 4×4 patches)" */
export function describeModel(c: LabConfig): string {
  return `a ${MODE[c.mode]} ${c.preset} model (K=${c.latentDim}, ${c.grouping}, ${c.patchSize}×${c.patchSize} patches${c.targetEncoder === 'ema' ? '' : `, target ${c.targetEncoder}`})`;
}

/**
 * The first way `file` is not the weights of the model `config` builds, or null when it is.
 * The model is built (and freed) to list its tensors: the same names and export shapes
 * Trainer.importSafetensors loads, so a file that passes here loads there.
 */
export function architectureProblem(file: SafetensorsFile, config: LabConfig): string | null {
  const model = new JepaModel(config, modelDims(config), new Rng(config.seed));
  try {
    const expected = new Map<string, number[]>();
    for (const set of model.paramSets()) for (const p of set.params) expected.set(set.prefix + p.name, p.exportShape);
    for (const [name, want] of expected) {
      const t = file.tensors.get(name);
      if (!t) return `it has no tensor ${name}`;
      if (t.shape.length !== want.length || t.shape.some((d, i) => d !== want[i])) return `${name} has shape ${shape(t.shape)}, this model's is ${shape(want)}`;
    }
    for (const name of file.tensors.keys()) if (!expected.has(name)) return `it has a tensor ${name} that this model does not have`;
    return null;
  } finally {
    model.dispose();
  }
}

/**
 * Read a run's weights file for import: the lab's weights format, a valid config and step in its
 * metadata, and the tensors of `expected`'s model (default: the file's own config's). Throws
 * WeightsError naming `fileName`.
 */
export function readRunWeights(bytes: Uint8Array, fileName: string, expected?: LabConfig): RunWeightsInfo {
  let file: SafetensorsFile;
  try {
    file = readSafetensors(bytes);
  } catch (e) {
    throw new WeightsError(`${fileName} is not a readable .safetensors file: ${errText(e)}`);
  }
  const m = file.metadata;
  if (m.format === CHECKPOINT_FORMAT) throw new WeightsError(`${fileName} is a checkpoint (format ${CHECKPOINT_FORMAT}), not a run's weights: pick weights.safetensors`);
  if (m.format !== WEIGHTS_FORMAT) throw new WeightsError(`${fileName} has format ${JSON.stringify(m.format ?? null)} in its metadata, not the lab's weights (${WEIGHTS_FORMAT})`);
  if (m.config === undefined) throw new WeightsError(`${fileName} has no config in its metadata`);
  let config: LabConfig;
  try {
    config = parseSavedConfig(JSON.parse(m.config));
  } catch (e) {
    throw new WeightsError(`${fileName}: the config in its metadata is not valid: ${errText(e)}`);
  }
  if (!/^\d+$/.test(m.step ?? '')) throw new WeightsError(`${fileName} has no step in its metadata (got ${JSON.stringify(m.step ?? null)})`);
  const want = expected ?? config;
  const problem = architectureProblem(file, want);
  if (problem) throw new WeightsError(`${fileName} does not hold the weights of ${describeModel(want)}${expected ? ' that config.json describes' : ', the model its own metadata describes'}: ${problem}`);
  return { config, dims: modelDims(config), step: Number(m.step), ...(m.run !== undefined ? { run: m.run } : {}), tensorCount: file.tensors.size };
}

/**
 * Put a trainer that holds an imported run's weights at the run's step (fresh optimiser moments,
 * the seed's RNG streams, no last batch), after checking that it trains on as many images as the
 * run did: probes and sharing samples then report the run's step.
 */
export async function standAt(t: Trainer, view: ImportedRunView): Promise<void> {
  if (!Number.isInteger(view.step) || view.step < 0) throw new RangeError(`an imported run's step must be a whole number ≥ 0, got ${view.step}`);
  if (view.trainSize !== undefined && t.data.train.size !== view.trainSize) {
    throw new RunRefused(`the loaded data give this run ${t.data.train.size} training images, its metrics say it trained on ${view.trainSize}: not the data it trained on`);
  }
  const s = await t.snapshot();
  await t.restore({ ...s, step: view.step, imagesSeen: view.step * t.config.batchSize });
}

/** The trainer's G×K column norms as the page's norms matrix (null without a sparse head). */
export async function trainerNorms(t: Trainer): Promise<NormsMatrix | null> {
  return normsMatrix(t.stepCount, (await t.groupNorms())?.groupNorms);
}
