// A drop on the Data panel: one folder → an image folder (walked, then read); files → as before
// (a .zip/.tar(.gz) archive, or CIFAR's .bin files). The entries are taken inside the event.
import { folderRefused, loadDroppedFolder } from '../../store/dataset/commands';
import { loadDatasetFiles } from '../../store/keeping/commands';
import { droppedFolder, takeDropped, walkFolder } from './folderDrop';
import { errText } from '../../shared/errors';

export function dropOnData(dt: DataTransfer): void {
  const dropped = takeDropped(dt);
  let dir: FileSystemDirectoryEntry | null;
  try {
    dir = droppedFolder(dropped);
  } catch (e) {
    return folderRefused(errText(e));
  }
  if (!dir) return void loadDatasetFiles(dropped.files);
  const folder = dir;
  void loadDroppedFolder(folder.name, () => walkFolder(folder));
}
