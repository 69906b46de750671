// A folder dropped on the page: DataTransferItem.webkitGetAsEntry gives its FileSystemEntry,
// whose directories are walked (readEntries answers in batches until it answers none) into the
// same PickedFolder an <input webkitdirectory> gives, with every subfolder listed too (so an empty
// class folder is named). The entries must be taken inside the drop event: they die with it.
import { IMAGE_FOLDER_LIMITS } from '../../data/imageFolder';
import type { FolderFile, PickedFolder } from '../../store/dataset/folderSource';
import { errText } from '../../shared/errors';

/** What was dropped: the entries (taken now, synchronously), and the plain files. */
export interface Dropped {
  entries: FileSystemEntry[];
  files: File[];
}

export function takeDropped(dt: DataTransfer): Dropped {
  const entries: FileSystemEntry[] = [];
  for (const item of Array.from(dt.items ?? [])) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry?.();
    if (entry) entries.push(entry);
  }
  return { entries, files: Array.from(dt.files ?? []) };
}

const isDirectory = (e: FileSystemEntry): e is FileSystemDirectoryEntry => e.isDirectory;
const isFile = (e: FileSystemEntry): e is FileSystemFileEntry => e.isFile;

/** The one folder dropped, or null when only files were; more than one folder (or a folder with files) is refused by name. */
export function droppedFolder(d: Dropped): FileSystemDirectoryEntry | null {
  const dirs = d.entries.filter(isDirectory);
  if (dirs.length === 0) return null;
  if (d.entries.length > 1) {
    throw new Error(`drop one folder at a time (dropped ${d.entries.length} items: ${d.entries.slice(0, 3).map((e) => e.name + (e.isDirectory ? '/' : '')).join(', ')}${d.entries.length > 3 ? ', …' : ''})`);
  }
  return dirs[0];
}

function readBatch(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => reader.readEntries(resolve, reject));
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

/** Why a read failed: errText, but a DOMException that is not an Error (in some engines) by its name (NotFoundError, …). */
const readErrText = (e: unknown) => (!(e instanceof Error) && e instanceof DOMException ? e.name : errText(e));

/**
 * Every file under `root` (paths relative to it) and every folder. Stops with an error past the
 * image-folder reader's limit on files and folders, before reading further.
 */
export async function walkFolder(root: FileSystemDirectoryEntry, maxEntries = IMAGE_FOLDER_LIMITS.maxFiles): Promise<PickedFolder> {
  const files: FolderFile[] = [];
  const directories: string[] = [];
  const pending: { dir: FileSystemDirectoryEntry; path: string }[] = [{ dir: root, path: '' }];
  while (pending.length) {
    const { dir, path } = pending.shift()!;
    const reader = dir.createReader();
    for (;;) {
      let batch: FileSystemEntry[];
      try {
        batch = await readBatch(reader);
      } catch (e) {
        throw new Error(`${root.name}/${path}: the folder could not be read (${readErrText(e)})`);
      }
      if (batch.length === 0) break;
      for (const entry of batch) {
        const rel = path + entry.name;
        if (isDirectory(entry)) {
          directories.push(rel);
          pending.push({ dir: entry, path: `${rel}/` });
        } else if (isFile(entry)) {
          let file: File;
          try {
            file = await fileOf(entry);
          } catch (e) {
            throw new Error(`${root.name}/${rel}: could not be read (${readErrText(e)})`);
          }
          files.push({ path: rel, file });
        }
        if (files.length + directories.length > maxEntries) {
          throw new Error(`${root.name}: more than ${maxEntries} files and folders, the limit of the image-folder reader`);
        }
      }
    }
  }
  return { name: root.name, files, directories };
}
