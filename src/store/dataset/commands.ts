// A folder of images as the training data: planned and read in the page (folderSource.ts), then
// handed to the worker like a picked archive (runActions.loadDatasetSource: a saved run trained on
// it resumes, else a fresh model is built). The Data panel shows "Reading files: N of M" while the
// page reads, then the worker's "Decoding images: N of M".
import type { DatasetSource } from '../../worker/protocol';
import { readFolderReporting, type PickedFolder } from './folderSource';
import { loadDatasetSource } from '../keeping/commands';
import { useLab } from '../run/state';
import { errText } from '../../shared/errors';

export async function loadDatasetFolder(folder: PickedFolder): Promise<void> {
  useLab.setState({ datasetError: null });
  let source: DatasetSource;
  try {
    source = await readFolderReporting(folder, (text) => useLab.setState({ datasetLoading: text }));
  } catch (e) {
    useLab.setState({ datasetLoading: null, datasetError: `Could not load ${folder.name}: ${errText(e)}` });
    return;
  }
  await loadDatasetSource(source);
}

/** A dropped folder: listed (walked) first, which takes a while for thousands of files, then read. */
export async function loadDroppedFolder(name: string, list: () => Promise<PickedFolder>): Promise<void> {
  useLab.setState({ datasetLoading: `Listing ${name}…`, datasetError: null });
  let folder: PickedFolder;
  try {
    folder = await list();
  } catch (e) {
    useLab.setState({ datasetLoading: null, datasetError: `Could not load ${name}: ${errText(e)}` });
    return;
  }
  await loadDatasetFolder(folder);
}

/** A drop or pick that is not one folder (several items at once, a browser without folder paths). */
export function folderRefused(message: string): void {
  useLab.setState({ datasetError: `Could not load the folder: ${message}` });
}
