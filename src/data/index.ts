// The browser-safe data layer (no Node modules): import './node' separately for file loading.
export * from './types';
export { readTar } from './tar';
export { gunzip, gunzipAsync, gunzipFflate, gunzipStream, isGzip } from './gzip';
export { crc32 } from './crc32';
export {
  CIFAR10_RECORD_BYTES,
  CIFAR100_RECORD_BYTES,
  loadCifarArchive,
  loadCifarArchiveAsync,
  parseCifar10Records,
  parseCifar100Records,
  parseLabelNames,
} from './cifar';
export { keptClasses, resolveNames, selectSubset, selectSubsetSplits } from './subset';
export { SYNTHETIC_MAX_CLASSES, syntheticClass, syntheticDataset, type SyntheticOptions } from './synthetic';
export {
  CIFAR100_MEAN,
  CIFAR100_STD,
  batchLabels,
  drawAugmentation,
  makeImageBatch,
  makePatchBatch,
  normalisePixel,
  numPatches,
  type Augmentation,
  type PatchOptions,
} from './batch';
export { BatchSampler, type SampledBatch, type SamplerState } from './sampler';
