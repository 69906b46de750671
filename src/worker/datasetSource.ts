// Where the worker's images come from: a DatasetSource (protocol.ts) read into splits, with the
// id config.dataset takes for it, and the summary the page shows.
import {
  browserImageDecoder,
  datasetName,
  formatDatasetId,
  isBuiltIn,
  loadCifarArchive,
  loadDatasetArchive,
  loadDatasetEntries,
  makeBuiltIn,
  readDatasetId,
  type DatasetLoadOptions,
  type DatasetSplits,
  type LoadProgress,
  type SkippedFile,
} from '../data';
import type { DatasetSource, DatasetSummary } from './protocol';

export interface WorkerDataset {
  id: string;
  name: string;
  splits: DatasetSplits;
  /** Files of an image folder that were left out, with the reason. */
  skipped?: SkippedFile[];
}

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Read `source`; image folders decode with the browser's decoders, reporting progress. */
export async function loadSource(source: DatasetSource, onProgress: (p: LoadProgress) => void): Promise<WorkerDataset> {
  const imageLoadOptions: DatasetLoadOptions = { decoder: browserImageDecoder, progressEveryMs: 250, onProgress };
  switch (source.kind) {
    case 'synthetic': {
      const id = source.id ?? 'synthetic';
      const d = readDatasetId(id);
      if (!isBuiltIn(d)) throw new Error(`no built-in dataset "${id}" (synthetic[:classes], counting[:objects])`);
      return { id: id.trim(), name: datasetName(d), splits: makeBuiltIn(d, 0) };
    }
    case 'served': {
      let res: Response;
      try {
        res = await fetch(source.url);
      } catch (e) {
        throw new Error(`could not fetch ${source.url}: ${errText(e)}`);
      }
      if (!res.ok) throw new Error(`could not fetch ${source.url}: HTTP ${res.status} (run "npm run data:cifar100" first)`);
      const bytes = new Uint8Array(await res.arrayBuffer());
      return { id: formatDatasetId({ kind: 'cifar-100' }), name: source.name, splits: loadCifarArchive(bytes, source.name) };
    }
    case 'archive': {
      // CIFAR binaries (.tar.gz, .tar) or an image folder (.zip, .tar, .tar.gz).
      const d = await loadDatasetArchive(new Uint8Array(source.bytes), source.name, imageLoadOptions);
      return { id: formatDatasetId({ kind: 'file', name: source.name }), name: source.name, splits: d.splits, skipped: d.skipped };
    }
    case 'files': {
      // Loose CIFAR files, or the files of a picked or dropped image folder (paths relative to it).
      const name = source.name ?? source.files.map((f) => f.name).join(' + ');
      const d = await loadDatasetEntries(source.files.map((f) => ({ path: f.name, bytes: new Uint8Array(f.bytes) })), name, imageLoadOptions);
      return { id: formatDatasetId({ kind: 'file', name }), name, splits: d.splits, skipped: d.skipped };
    }
  }
}

export function datasetSummary(d: WorkerDataset): DatasetSummary {
  const { train, test } = d.splits;
  return {
    skipped: d.skipped ?? [],
    id: d.id,
    name: d.name,
    trainSize: train.size,
    testSize: test.size,
    numClasses: train.classNames.length,
    numSuperclasses: train.coarseNames?.length ?? 0,
    classNames: train.classNames,
  };
}
