import { describe, expect, it } from 'vitest';
import { droppedFolder, takeDropped, walkFolder } from './folderDrop';

// Fakes of the browser's FileSystemEntry API, as Chrome answers: readEntries in batches of at most 2 here (100 there), then [].
type Tree = { [name: string]: Tree | string };

function entryOf(name: string, node: Tree | string, fail?: string): FileSystemEntry {
  if (typeof node === 'string') {
    return {
      name,
      isFile: true,
      isDirectory: false,
      file: (ok: (f: File) => void, bad: (e: Error) => void) => (name === fail ? bad(new Error('NotFoundError')) : ok(new File([node], name))),
    } as unknown as FileSystemEntry;
  }
  return {
    name,
    isFile: false,
    isDirectory: true,
    createReader() {
      const children = Object.entries(node).map(([n, c]) => entryOf(n, c, fail));
      let at = 0;
      return {
        readEntries(ok: (b: FileSystemEntry[]) => void) {
          const batch = children.slice(at, at + 2);
          at += batch.length;
          setTimeout(() => ok(batch), 0);
        },
      };
    },
  } as unknown as FileSystemEntry;
}

const photos: Tree = {
  train: { cat: { '1.png': 'a', '2.png': 'bb', '3.png': 'ccc' }, dog: { '1.png': 'd' } },
  test: { cat: { '1.png': 'e' }, dog: {} },
  'notes.txt': 'n',
};

describe('a folder dropped on the page', () => {
  it('walks every subfolder, in batches, into paths relative to the folder, listing empty folders too', async () => {
    const root = entryOf('photos', photos) as FileSystemDirectoryEntry;
    const f = await walkFolder(root);
    expect(f.name).toBe('photos');
    expect(f.files.map((x) => x.path).sort()).toEqual(['notes.txt', 'test/cat/1.png', 'train/cat/1.png', 'train/cat/2.png', 'train/cat/3.png', 'train/dog/1.png']);
    expect(f.directories.sort()).toEqual(['test', 'test/cat', 'test/dog', 'train', 'train/cat', 'train/dog']);
    expect(await f.files.find((x) => x.path === 'train/cat/2.png')!.file.text()).toBe('bb');
  });

  it('stops past the limit on files and folders, and names a file that cannot be read', async () => {
    await expect(walkFolder(entryOf('photos', photos) as FileSystemDirectoryEntry, 5)).rejects.toThrow(/^photos: more than 5 files and folders/);
    await expect(walkFolder(entryOf('photos', photos, '3.png') as FileSystemDirectoryEntry)).rejects.toThrow(/^photos\/train\/cat\/3\.png: could not be read \(NotFoundError\)$/);
  });

  it('takes one folder; files alone go the old way; a folder with other items is refused by name', () => {
    const dt = (entries: FileSystemEntry[]) =>
      ({ items: entries.map((e) => ({ kind: 'file', webkitGetAsEntry: () => e })), files: [] }) as unknown as DataTransfer;
    const dir = entryOf('photos', photos);
    const file = entryOf('a.zip', 'z');
    expect(droppedFolder(takeDropped(dt([dir])))?.name).toBe('photos');
    expect(droppedFolder(takeDropped(dt([file])))).toBeNull();
    expect(() => droppedFolder(takeDropped(dt([dir, file])))).toThrow('drop one folder at a time (dropped 2 items: photos/, a.zip)');
  });
});
