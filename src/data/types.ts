// What every dataset source (CIFAR-100, CIFAR-10, built-in) hands to the engine.

/** One split of 32×32 RGB images stored as CIFAR stores them: per image 1024 R, 1024 G, 1024 B bytes, row-major. */
export interface ImageDataset {
  /** e.g. "cifar-100/train", "synthetic/test". */
  name: string;
  /** size × 3 × 32 × 32 bytes (CHW planar per image). */
  images: Uint8Array;
  /** Fine label per image, in [0, classNames.length). */
  labels: Int32Array;
  /** CIFAR-100 superclass per image, when the source has them. */
  coarseLabels?: Int32Array;
  classNames: string[];
  coarseNames?: string[];
  size: number;
}

export interface DatasetSplits {
  train: ImageDataset;
  test: ImageDataset;
}

export const IMAGE_SIZE = 32;
export const IMAGE_BYTES = 3 * IMAGE_SIZE * IMAGE_SIZE;

/** Thrown by every reader for malformed input; the message names what is wrong. */
export class DatasetError extends Error {
  override name = 'DatasetError';
}
