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

/** Image i's class as a person reads it: its name, or "class N" where the source names none. */
export function classNameOf(ds: Pick<ImageDataset, 'classNames' | 'labels'>, i: number): string {
  return ds.classNames[ds.labels[i]] ?? `class ${ds.labels[i]}`;
}

export const IMAGE_SIZE = 32;
export const IMAGE_BYTES = 3 * IMAGE_SIZE * IMAGE_SIZE;

/** Thrown by every reader for malformed input; the message names what is wrong. */
export class DatasetError extends Error {
  override name = 'DatasetError';
}

/** Longest name or value quoted whole in a message; longer ones keep their start and end. */
const MAX_SHOWN_CHARS = 120;

/** A string from a file, JSON-quoted for a message (escapes control characters) and cut short when long. */
export function quoted(s: string): string {
  if (s.length <= MAX_SHOWN_CHARS) return JSON.stringify(s);
  return `${JSON.stringify(`${s.slice(0, 80)}…${s.slice(-30)}`)} (${s.length} characters)`;
}

/**
 * An archive path or file name for a message: as it is when it is plain, else quoted (empty,
 * control characters, U+FFFD from bytes that were not UTF-8, quotes, edge spaces, or too long),
 * so a hostile archive cannot put newlines or megabytes into a message.
 */
export function showName(name: string): string {
  const plain = name.length > 0 && name.length <= MAX_SHOWN_CHARS && !/[\u0000-\u001f\u007f-\u009f\ufffd"\\]|^\s|\s$/.test(name);
  return plain ? name : quoted(name);
}
