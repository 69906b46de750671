// The built-in datasets, made from their id alone (datasetId.ts has the grammar): "synthetic" /
// "synthetic:<classes>" and "counting" / "counting:<N objects>", wherever a dataset id is accepted
// (config.dataset, the command line, the worker).
import { countingDataset } from './counting';
import { isBuiltIn, readDatasetId, type BuiltInId } from './datasetId';
import { syntheticDataset } from './synthetic';
import type { DatasetSplits } from './types';

export { isBuiltInDataset } from './datasetId';

/** The splits of built-in id `d`; an out-of-range number is the generator's DatasetError. */
export function makeBuiltIn(d: BuiltInId, seed = 0): DatasetSplits {
  return d.kind === 'synthetic' ? syntheticDataset({ seed, numClasses: d.classes }) : countingDataset({ seed, maxObjects: d.objects });
}

/** The built-in dataset an id names, or undefined when it names none; an out-of-range number is a DatasetError. */
export function builtInDataset(id: string, seed = 0): DatasetSplits | undefined {
  const d = readDatasetId(id);
  return isBuiltIn(d) ? makeBuiltIn(d, seed) : undefined;
}
