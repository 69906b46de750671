// The built-in datasets by id, wherever a dataset id is accepted (config.dataset, the command
// line, the worker): "synthetic" / "synthetic:<classes>" and "counting" / "counting:<N objects>".
import { countingDataset } from './counting';
import { syntheticDataset } from './synthetic';
import type { DatasetSplits } from './types';

const BUILT_IN = /^(synthetic|counting)(?::(\d+))?$/;

/** True for an id builtInDataset makes (whether or not its number is in range). */
export function isBuiltInDataset(id: string): boolean {
  return BUILT_IN.test(id.trim());
}

/** The built-in dataset an id names, or undefined when it names none; an out-of-range number is a DatasetError. */
export function builtInDataset(id: string, seed = 0): DatasetSplits | undefined {
  const m = BUILT_IN.exec(id.trim());
  if (!m) return undefined;
  const n = m[2] === undefined ? undefined : Number(m[2]);
  return m[1] === 'synthetic' ? syntheticDataset({ seed, numClasses: n }) : countingDataset({ seed, maxObjects: n });
}
