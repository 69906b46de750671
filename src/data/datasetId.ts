// The dataset id: the one string that names a dataset in config.dataset, the address, a saved
// run and the worker's summaries. Its grammar, in one place:
//   synthetic | synthetic:<classes>      the built-in shapes (synthetic.ts)
//   counting  | counting:<N objects>     the counting set (counting.ts)
//   cifar-100                            the CIFAR-100 archive the page serves (public/data/)
//   file:<name>                          a file or folder picked in the page, by its name
// The command line also takes a path where an id goes (node.ts): that is no id, and readDatasetId
// says so (undefined). The numbers are only read here; their range is the generators' to check
// (their DatasetErrors name it).
import { DatasetError } from './types';

export type DatasetId =
  | { kind: 'synthetic'; classes?: number }
  | { kind: 'counting'; objects?: number }
  | { kind: 'cifar-100' }
  | { kind: 'file'; name: string };

/** The ids the generators make from the id alone (no file, no download). */
export type BuiltInId = Extract<DatasetId, { kind: 'synthetic' | 'counting' }>;

/** The CIFAR-100 archive the page serves from public/data/ (npm run data:cifar100): its name is the id's. */
export const SERVED_ARCHIVE = 'cifar-100-binary.tar.gz';

export const DATASET_ID_GRAMMAR = 'synthetic[:classes], counting[:objects], cifar-100 or file:<name>';

const BUILT_IN = /^(synthetic|counting)(?::(\d+))?$/;
const FILE = 'file:';

/**
 * The dataset `id` names, or undefined for a string outside the grammar (a path, a typo).
 * Whitespace around an id is no part of it; a file's name is kept as it is.
 */
export function readDatasetId(id: string): DatasetId | undefined {
  if (id.startsWith(FILE)) return { kind: 'file', name: id.slice(FILE.length) };
  const t = id.trim();
  if (t.startsWith(FILE)) return { kind: 'file', name: t.slice(FILE.length) };
  if (t === 'cifar-100') return { kind: 'cifar-100' };
  const m = BUILT_IN.exec(t);
  if (!m) return undefined;
  const n = m[2] === undefined ? undefined : Number(m[2]);
  if (m[1] === 'synthetic') return n === undefined ? { kind: 'synthetic' } : { kind: 'synthetic', classes: n };
  return n === undefined ? { kind: 'counting' } : { kind: 'counting', objects: n };
}

/** The dataset `id` names; a DatasetError naming it and the grammar when it names none. */
export function parseDatasetId(id: string): DatasetId {
  const d = readDatasetId(id);
  if (!d) throw new DatasetError(`unknown dataset id "${id}": expected ${DATASET_ID_GRAMMAR}`);
  return d;
}

/** The id of `d`, as config.dataset holds it (parseDatasetId's inverse). */
export function formatDatasetId(d: DatasetId): string {
  switch (d.kind) {
    case 'synthetic':
      return d.classes === undefined ? 'synthetic' : `synthetic:${d.classes}`;
    case 'counting':
      return d.objects === undefined ? 'counting' : `counting:${d.objects}`;
    case 'cifar-100':
      return 'cifar-100';
    case 'file':
      return `${FILE}${d.name}`;
  }
}

const asId = (id: string | DatasetId): DatasetId => (typeof id === 'string' ? parseDatasetId(id) : id);

/** True for an id the generators make (whether or not its number is in range). */
export function isBuiltIn(d: DatasetId | undefined): d is BuiltInId {
  return d?.kind === 'synthetic' || d?.kind === 'counting';
}

/** True for a string naming a built-in dataset ("synthetic", "counting:3", …). */
export function isBuiltInDataset(id: string): boolean {
  return isBuiltIn(readDatasetId(id));
}

/** True for a picked file's id (`file:<name>`). */
export function isFileDataset(id: string): boolean {
  return readDatasetId(id)?.kind === 'file';
}

/** The picked file's name in a `file:<name>` id; undefined for any other. */
export function fileDatasetName(id: string): string | undefined {
  const d = readDatasetId(id);
  return d?.kind === 'file' ? d.name : undefined;
}

/** What the page calls a dataset (DatasetSummary.name): "built-in shapes", "counting set", the served archive's or the file's name. */
export function datasetName(id: string | DatasetId): string {
  const d = asId(id);
  switch (d.kind) {
    case 'synthetic':
      return 'built-in shapes';
    case 'counting':
      return 'counting set';
    case 'cifar-100':
      return SERVED_ARCHIVE;
    case 'file':
      return d.name;
  }
}

/** The name in a sentence ("Loading the counting set…"): the counting set takes "the". */
export function datasetNameInProse(id: string | DatasetId): string {
  const d = asId(id);
  return d.kind === 'counting' ? `the ${datasetName(d)}` : datasetName(d);
}
