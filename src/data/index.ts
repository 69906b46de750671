// The browser-safe data layer (no Node modules): import './node' separately for file loading
// (it brings the Node image decoders, ./nodeDecoder).
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
  COUNTING_DEFAULT_OBJECTS,
  COUNTING_MAX_OBJECTS,
  countingDataset,
  countingScene,
  type CountingObject,
  type CountingOptions,
  type CountingScene,
} from './counting';
export { builtInDataset, isBuiltInDataset, makeBuiltIn } from './builtin';
export {
  DATASET_ID_GRAMMAR,
  SERVED_ARCHIVE,
  datasetName,
  datasetNameInProse,
  fileDatasetName,
  formatDatasetId,
  isBuiltIn,
  isFileDataset,
  parseDatasetId,
  readDatasetId,
  type BuiltInId,
  type DatasetId,
} from './datasetId';
export { loadDatasetArchive, loadDatasetEntries, looksLikeCifar, type DatasetLoadOptions, type LoadedDataset } from './archive';
export {
  DEFAULT_TEST_FRACTION,
  IMAGE_FOLDER_LIMITS,
  decodeImageFolder,
  loadImageFolder,
  naturalCompare,
  planImageFolder,
  type DecodeOptions,
  type FileListing,
  type ImageFileEntry,
  type ImageFolderDataset,
  type ImageFolderLayout,
  type ImageFolderLimits,
  type ImageFolderPlan,
  type LoadProgress,
  type PlanOptions,
  type SkippedFile,
} from './imageFolder';
export { IMAGE_EXTENSIONS, hasImageExtension, readImageHeader, type ImageFormat, type ImageHeader } from './imageHeader';
export { browserImageDecoder, type DecodedImage, type ImageDecoder } from './imageDecoder';
export { areaWeights, centreCropResize } from './resize';
export { isZip, readZipDirectory, readZipEntry, type ZipDirectory, type ZipEntry } from './zip';
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
