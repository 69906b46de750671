import { describe, expect, it } from 'vitest';
import { loadDatasetEntries } from '../../data/archive';
import { classFolder, solidPng } from '../../data/image-test-helpers';
import { nodeImageDecoder } from '../../data/nodeDecoder';
import { cifarFiles } from '../../data/cifarWrite';
import { syntheticDataset } from '../../data/synthetic';
import { folderOfInput, readFolder, type PickedFolder } from './folderSource';

const decoder = nodeImageDecoder({ maxPixelsPerImage: 25e6 });

/** A Blob that counts how often it is read. */
class CountedBlob extends Blob {
  static reads = 0;
  override arrayBuffer(): Promise<ArrayBuffer> {
    CountedBlob.reads++;
    return super.arrayBuffer();
  }
}

function folderOf(name: string, entries: { path: string; bytes: Uint8Array }[], directories: string[] = []): PickedFolder {
  return { name, files: entries.map((e) => ({ path: e.path, file: new CountedBlob([e.bytes as Uint8Array<ArrayBuffer>]) })), directories };
}

describe('a folder picked or dropped in the page', () => {
  it('reads only the files the plan uses; the worker skips the rest by name, with the same reasons as the whole folder', async () => {
    const entries = [
      ...classFolder('train/', ['cat', 'dog'], [3, 2]),
      ...classFolder('test/', ['cat', 'dog'], [1, 1]),
      { path: 'train/cat/notes.txt', bytes: new TextEncoder().encode('a large note'.repeat(1000)) },
      { path: 'README.md', bytes: new TextEncoder().encode('hello') },
      { path: '.DS_Store', bytes: new Uint8Array(10) },
    ];
    CountedBlob.reads = 0;
    const seen: [number, number][] = [];
    const source = await readFolder(folderOf('pets', entries), (d, t) => seen.push([d, t]));
    expect(CountedBlob.reads).toBe(7); // the seven PNGs, not the text files
    expect(source.name).toBe('pets');
    expect(source.files.map((f) => f.name)).toEqual(entries.map((e) => e.path));
    expect(source.files.find((f) => f.name === 'train/cat/notes.txt')!.bytes.byteLength).toBe(0);
    expect(seen[0]).toEqual([0, 7]);
    expect(seen.at(-1)).toEqual([7, 7]);
    // What the worker does with it is what it does with the whole folder.
    const sent = await loadDatasetEntries(source.files.map((f) => ({ path: f.name, bytes: new Uint8Array(f.bytes) })), 'pets', { decoder });
    const whole = await loadDatasetEntries(entries, 'pets', { decoder });
    expect(sent.skipped).toEqual(whole.skipped);
    expect(sent.skipped.map((s) => s.path)).toEqual(['train/cat/notes.txt', 'README.md']);
    expect(sent.splits.train.classNames).toEqual(['cat', 'dog']);
    expect(sent.splits.train.size).toBe(5);
    expect(sent.splits.test.size).toBe(2);
    expect(sent.splits.train.images).toEqual(whole.splits.train.images);
  });

  it('refuses a folder with no classes, or an empty class folder, before reading a byte', async () => {
    CountedBlob.reads = 0;
    await expect(readFolder(folderOf('flat', [{ path: 'a.png', bytes: solidPng(0) }, { path: 'b.png', bytes: solidPng(1) }]))).rejects.toThrow(
      /^flat: no class folders \(expected <class>\/image\.png under the top folder\)$/,
    );
    // A dropped folder lists its empty subfolders.
    const entries = classFolder('', ['cat', 'dog'], [3, 3]);
    await expect(readFolder(folderOf('pets', entries, ['cat', 'dog', 'bird']))).rejects.toThrow(/^pets: empty class folder bird\/$/);
    await expect(readFolder(folderOf('notes', [{ path: 'x/readme.txt', bytes: new Uint8Array(3) }]))).rejects.toThrow(/^notes: no images/);
    expect(CountedBlob.reads).toBe(0);
  });

  it('reads CIFAR binaries in a folder whole', async () => {
    const files = cifarFiles(syntheticDataset({ seed: 0, trainPerClass: 2, testPerClass: 1 }));
    const source = await readFolder(folderOf('cifar', files.map((f) => ({ path: f.name, bytes: f.data }))));
    expect(source.files.every((f) => f.bytes.byteLength > 0)).toBe(true);
    const d = await loadDatasetEntries(source.files.map((f) => ({ path: f.name, bytes: new Uint8Array(f.bytes) })), 'cifar', { decoder });
    expect(d.kind).toBe('cifar');
    expect(d.splits.train.size).toBe(20);
  });

  it('takes the folder name and relative paths from <input webkitdirectory>', () => {
    const file = (rel: string) => Object.assign(new Blob([new Uint8Array(1)]), { name: rel.split('/').pop()!, webkitRelativePath: rel }) as unknown as File;
    const f = folderOfInput([file('photos/train/cat/1.png'), file('photos/test/cat/2.png')]);
    expect(f?.name).toBe('photos');
    expect(f?.files.map((x) => x.path)).toEqual(['train/cat/1.png', 'test/cat/2.png']);
    expect(folderOfInput([file('')])).toBeNull(); // plain files, no folder
    expect(folderOfInput([])).toBeNull();
  });
});
