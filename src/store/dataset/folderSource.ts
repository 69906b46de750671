// A folder of images picked (<input webkitdirectory>) or dropped on the page, turned into the
// worker's 'files' source. The folder is planned from its listing first (planImageFolder: layout,
// classes, limits), so a folder with no classes, an empty class folder or one over a limit is
// refused before a byte is read; then only the files the plan uses are read. The others travel
// without their bytes: the worker plans the same listing and skips them by name alone, with the
// same reasons (not an image, outside the class folders, …), so its skipped list is the whole one.
import { looksLikeCifar } from '../../data/archive';
import { IMAGE_FOLDER_LIMITS, planImageFolder } from '../../data/imageFolder';
import { DatasetError } from '../../data/types';
import type { DatasetSource } from '../../worker/protocol';

/** One file of a folder: its path relative to the folder ("train/cat/1.png") and its contents. */
export interface FolderFile {
  path: string;
  file: Blob;
}

/** A folder as the page got it: its name, its files, and its subfolders (a dropped folder lists empty ones too). */
export interface PickedFolder {
  name: string;
  files: FolderFile[];
  directories: string[];
}

/**
 * The files of an <input webkitdirectory>: each one's webkitRelativePath is "<folder>/<path>".
 * Null when the files carry no relative path (a browser that picked plain files).
 */
export function folderOfInput(files: readonly File[]): PickedFolder | null {
  if (files.length === 0) return null;
  const first = files[0].webkitRelativePath;
  if (!first || !first.includes('/')) return null;
  const name = first.slice(0, first.indexOf('/'));
  return {
    name,
    files: files.map((f) => ({ path: f.webkitRelativePath.slice(f.webkitRelativePath.indexOf('/') + 1), file: f })),
    directories: [],
  };
}

/** Files read at once (File.arrayBuffer is asynchronous; a few in flight keep the disk busy). */
const READ_AHEAD = 8;
const PROGRESS_EVERY_MS = 250;

/**
 * Plan the folder, then read what the plan uses. Throws DatasetError naming the folder or file
 * (the same messages as the command line). `onProgress(done, total)` follows the reading.
 */
export async function readFolder(folder: PickedFolder, onProgress?: (done: number, total: number) => void): Promise<Extract<DatasetSource, { kind: 'files' }>> {
  const limits = IMAGE_FOLDER_LIMITS;
  const paths = folder.files.map((f) => f.path);
  let wanted: Set<string>;
  if (looksLikeCifar(paths)) {
    // CIFAR's binary files in a folder: read as CIFAR, every file.
    const bytes = folder.files.reduce((n, f) => n + f.file.size, 0);
    if (bytes > limits.maxTotalBytes) throw new DatasetError(`${folder.name}: ${bytes} bytes, more than the limit of ${limits.maxTotalBytes}`);
    wanted = new Set(paths);
  } else {
    const plan = planImageFolder(
      folder.files.map((f) => ({ path: f.path, size: f.file.size })),
      folder.name,
      { directories: folder.directories },
    );
    wanted = new Set([...plan.train, ...plan.test].map((p) => p.path));
  }
  const out: { name: string; bytes: ArrayBuffer }[] = folder.files.map((f) => ({ name: f.path, bytes: new ArrayBuffer(0) }));
  const todo = folder.files.map((f, i) => ({ f, i })).filter(({ f }) => wanted.has(f.path));
  let done = 0;
  let last = 0;
  onProgress?.(0, todo.length);
  let next = 0;
  const reader = async () => {
    while (next < todo.length) {
      const { f, i } = todo[next++];
      try {
        out[i].bytes = await f.file.arrayBuffer();
      } catch (e) {
        // A file that went away or cannot be read: the listing promised it, so the folder is not what was picked.
        throw new DatasetError(`${folder.name}/${f.path}: could not be read (${e instanceof Error ? e.message : String(e)})`);
      }
      done++;
      const now = performance.now();
      if (now - last >= PROGRESS_EVERY_MS || done === todo.length) {
        last = now;
        onProgress?.(done, todo.length);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_AHEAD, todo.length) }, reader));
  return { kind: 'files', name: folder.name, files: out };
}

/** readFolder, its progress as the line the page shows ("Reading files: N of M…"). */
export function readFolderReporting(folder: PickedFolder, report: (text: string) => void): Promise<Extract<DatasetSource, { kind: 'files' }>> {
  report(`Reading ${folder.name}: ${folder.files.length.toLocaleString()} files…`);
  return readFolder(folder, (done, total) => report(`Reading files: ${done.toLocaleString()} of ${total.toLocaleString()}…`));
}
