import { describe, expect, it } from 'vitest';
import { classColour, classFolder, jpegOf, pngOf, solidJpeg, solidPng } from './image-test-helpers';
import type { ImageDecoder } from './imageDecoder';
import { loadImageFolder, naturalCompare, planImageFolder, type FileListing, type ImageFileEntry } from './imageFolder';
import { nodeImageDecoder } from './nodeDecoder';
import { DatasetError, IMAGE_BYTES } from './types';

const decoder = nodeImageDecoder({ maxPixelsPerImage: 25e6 });
const listing = (paths: string[], size = 100): FileListing[] => paths.map((path) => ({ path, size }));
const plan = (paths: string[], opts = {}) => planImageFolder(listing(paths), 'pets.zip', opts);
const planError = (paths: string[], opts = {}): string => {
  try {
    plan(paths, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(DatasetError);
    return (e as Error).message;
  }
  throw new Error('planned without an error');
};
const counts = (labels: { label: number }[], n: number) => Array.from({ length: n }, (_, c) => labels.filter((p) => p.label === c).length);
/** Mean of channel `ch` of image i. */
const meanChannel = (images: Uint8Array, i: number, ch: number) => {
  let s = 0;
  for (let p = 0; p < 1024; p++) s += images[i * IMAGE_BYTES + ch * 1024 + p];
  return s / 1024;
};

describe('planImageFolder: layouts', () => {
  it('train/ and test/ with a class folder per class, under a wrapper folder', () => {
    const p = plan([
      'pets/train/dog/1.png', 'pets/train/dog/2.jpg', 'pets/train/cat/a.jpeg', 'pets/train/cat/b.webp', 'pets/train/cat/c.PNG',
      'pets/test/dog/3.png', 'pets/test/cat/d.png', 'pets/test/cat/e.png',
    ]);
    expect(p.layout).toBe('train-test');
    expect(p.root).toBe('pets');
    expect(p.classNames).toEqual(['cat', 'dog']);
    expect(counts(p.train, 2)).toEqual([3, 2]);
    expect(counts(p.test, 2)).toEqual([2, 1]);
    expect(p.train.map((x) => x.path)).toEqual(['pets/train/cat/a.jpeg', 'pets/train/cat/b.webp', 'pets/train/cat/c.PNG', 'pets/train/dog/1.png', 'pets/train/dog/2.jpg']);
    expect(p.skipped).toEqual([]);
  });

  it('val/ stands in for test/; files nested inside a class folder belong to it', () => {
    const p = plan(['train/a/x/1.png', 'train/a/2.png', 'train/b/3.png', 'val/a/4.png', 'val/b/5.png', 'val/b/deep/er/6.png']);
    expect(p.root).toBe('');
    expect(p.classNames).toEqual(['a', 'b']);
    expect(counts(p.train, 2)).toEqual([2, 1]);
    expect(counts(p.test, 2)).toEqual([1, 2]);
  });

  it('one level of class folders splits each class by a seeded fraction, the same whatever the listing order', () => {
    const paths = ['2', '10', '1'].flatMap((c) => Array.from({ length: 10 }, (_, i) => `digits/${c}/${i}.png`));
    const p = plan(paths);
    expect(p.layout).toBe('split');
    expect(p.classNames).toEqual(['1', '2', '10']); // natural order
    expect(counts(p.train, 3)).toEqual([8, 8, 8]);
    expect(counts(p.test, 3)).toEqual([2, 2, 2]);
    const reversed = plan([...paths].reverse());
    expect(reversed.test).toEqual(p.test);
    expect(reversed.train).toEqual(p.train);
    // Train and test are disjoint and cover every file.
    const all = new Set([...p.train, ...p.test].map((x) => x.path));
    expect(all.size).toBe(30);
    const other = plan(paths, { splitSeed: 1 });
    expect(other.test.map((x) => x.path)).not.toEqual(p.test.map((x) => x.path));
    expect(counts(plan(paths, { testFraction: 0.5 }).test, 3)).toEqual([5, 5, 5]);
  });

  it('a new class leaves the other classes’ splits as they were', () => {
    const base = ['a', 'b'].flatMap((c) => Array.from({ length: 10 }, (_, i) => `${c}/${i}.png`));
    const more = [...base, ...Array.from({ length: 10 }, (_, i) => `0/${i}.png`)];
    const testOf = (paths: string[]) => plan(paths).test.map((x) => x.path).filter((x) => !x.startsWith('0/'));
    expect(testOf(more)).toEqual(testOf(base));
  });

  it('ignores OS clutter, skips non-images and files outside class folders with a reason', () => {
    const p = plan([
      '__MACOSX/pets/train/cat/._1.png', 'pets/.DS_Store', 'pets/train/cat/Thumbs.db', 'pets/train/cat/.hidden.png', 'LICENSE',
      'pets/train/cat/1.png', 'pets/test/cat/2.png', 'pets/README.md', 'pets/train/notes.txt', 'pets/train/cat/labels.csv', 'pets/extra/dog/3.png',
    ]);
    expect(p.classNames).toEqual(['cat']);
    expect(p.skipped.sort((a, b) => naturalCompare(a.path, b.path))).toEqual([
      { path: 'LICENSE', reason: 'outside the dataset folder pets/' },
      { path: 'pets/README.md', reason: 'not in train/ or test/' },
      { path: 'pets/extra/dog/3.png', reason: 'not in train/ or test/' },
      { path: 'pets/train/cat/labels.csv', reason: 'not an image file (.png, .jpg, .jpeg, .webp)' },
      { path: 'pets/train/notes.txt', reason: 'not inside a class folder' },
    ]);
  });

  it('skips paths that climb out and second copies of a path', () => {
    const p = plan(['a/1.png', 'a/2.png', 'b/3.png', 'b/4.png', '../evil/5.png', 'a\\1.png']);
    expect(p.skipped.map((s) => s.path)).toEqual(['../evil/5.png', 'a\\1.png']);
    expect(p.skipped[0].reason).toMatch(/climbs out/);
    expect(p.skipped[1].reason).toMatch(/listed twice/);
  });
});

describe('planImageFolder: errors name the folder', () => {
  it('no images, or no class folders', () => {
    expect(planError([])).toBe('pets.zip: no images (.png, .jpg, .jpeg, .webp) found; it is empty');
    expect(planError(['a/readme.txt'])).toBe('pets.zip: no images (.png, .jpg, .jpeg, .webp) found; found 1 other file, e.g. a/readme.txt');
    expect(planError(['1.png', '2.png'])).toBe('pets.zip: no class folders (expected <class>/image.png under the top folder)');
    expect(planError(['train/1.png', 'test/2.png'])).toBe('pets.zip: no class folders (expected train/<class>/image.png under the top folder)');
  });

  it('an empty class folder, or one with no images', () => {
    expect(planError(['pets/cat/1.png', 'pets/cat/2.png'], { directories: ['pets/', 'pets/cat/', 'pets/dog/'] })).toBe('pets.zip: empty class folder pets/dog/');
    expect(planError(['pets/cat/1.png', 'pets/cat/2.png', 'pets/dog/notes.txt'])).toBe('pets.zip: class folder pets/dog/ holds no images (only notes.txt)');
    expect(planError(['train/cat/1.png', 'test/cat/2.png'], { directories: ['test/dog'] })).toBe('pets.zip: empty class folder test/dog/');
  });

  it('train/ without test/, test/ without train/, classes the two do not share', () => {
    expect(planError(['d/train/cat/1.png'])).toMatch(/^pets\.zip: d\/train\/ has no test\/ \(or val\/\) beside it; add one, or put the class folders directly in d\/ /);
    expect(planError(['test/cat/1.png'])).toBe('pets.zip: test/ has no train/ beside it (a train/<class>/ folder per class is needed)');
    expect(planError(['train/cat/1.png', 'train/dog/2.png', 'test/cat/3.png'])).toBe(
      'pets.zip: train/dog/ has no test/dog/ (train and test need the same class folders)',
    );
  });

  it('a class of one image cannot be split', () => {
    expect(planError(['a/1.png', 'a/2.png', 'b/3.png'])).toBe('pets.zip: class folder b/ has 1 image; splitting it into train and test needs at least 2');
    expect(planError(['a/1.png', 'a/2.png'], { testFraction: 1 })).toBe('pets.zip: test fraction 1 must be between 0 and 1');
  });

  it('limits refuse the listing before anything is read', () => {
    const paths = Array.from({ length: 12 }, (_, i) => `c${i % 2}/${i}.png`);
    expect(planError(paths, { limits: { maxImagesPerSplit: 9 } })).toBe('pets.zip: 10 images in the train split, more than the limit of 9 per split');
    expect(() => planImageFolder(listing(paths, 1000), 'pets.zip', { limits: { maxTotalBytes: 11_999 } })).toThrow(
      new DatasetError('pets.zip: 12000 bytes of images, more than the limit of 11999 bytes'),
    );
    expect(planError(paths, { limits: { maxFiles: 11 } })).toBe('pets.zip: 12 files and folders, more than the limit of 11');
  });
});

describe('naturalCompare', () => {
  it('orders digit runs by value', () => {
    expect(['b', '10', 'a2', '2', 'a10', '01', 'A'].sort(naturalCompare)).toEqual(['01', '2', '10', 'A', 'a2', 'a10', 'b']);
  });
});

describe('loadImageFolder (pngjs / jpeg-js in Node)', () => {
  it('decodes PNGs and JPEGs into the CIFAR layout with the right classes, counts and colours', async () => {
    const entries: ImageFileEntry[] = [
      ...classFolder('shapes/train/', ['red', 'green', 'blue'], [3, 2, 4], (c, i) => (i % 2 ? solidJpeg(c, 20 + i, 16) : solidPng(c, 8 + i, 12))),
      ...classFolder('shapes/test/', ['red', 'green', 'blue'], [1, 2, 1]),
    ];
    const r = await loadImageFolder(entries, 'shapes', { decoder });
    const { train, test } = r.splits;
    expect(r.layout).toBe('train-test');
    expect(r.skipped).toEqual([]);
    expect(train.classNames).toEqual(['blue', 'green', 'red']);
    expect(test.classNames).toEqual(train.classNames);
    expect([train.size, test.size]).toEqual([9, 4]);
    expect(train.images.length).toBe(9 * IMAGE_BYTES);
    expect(Array.from(train.labels)).toEqual([0, 0, 0, 0, 1, 1, 2, 2, 2]);
    expect(train.name).toBe('shapes/train');
    // classFolder paints class c (index in its own list: red 0, green 1, blue 2) in classColour(c).
    const source = { blue: 2, green: 1, red: 0 } as const;
    for (let i = 0; i < train.size; i++) {
      const want = classColour(source[train.classNames[train.labels[i]] as keyof typeof source]);
      for (let ch = 0; ch < 3; ch++) expect(Math.abs(meanChannel(train.images, i, ch) - want[ch])).toBeLessThan(3); // JPEG within 3 levels
    }
    expect(train.images[0]).toBe(classColour(2)[0]); // a PNG: exact
  });

  it('reports corrupt, truncated and non-image files by name and skips them', async () => {
    const good = classFolder('d/', ['a', 'b'], [4, 4]);
    const png = solidPng(0, 16, 16);
    const jpg = solidJpeg(1, 32, 32);
    const corruptPng = png.slice();
    corruptPng.fill(0x55, 40, 60); // inside the IDAT: the CRC fails
    const entries: ImageFileEntry[] = [
      ...good,
      { path: 'd/a/truncated.png', bytes: png.subarray(0, png.length - 20) },
      { path: 'd/a/corrupt.png', bytes: corruptPng },
      { path: 'd/b/truncated.jpg', bytes: jpg.subarray(0, Math.floor(jpg.length / 2)) },
      { path: 'd/b/text.png', bytes: new TextEncoder().encode('hello, not a picture') },
      { path: 'd/b/empty.jpg', bytes: new Uint8Array(0) },
      { path: 'd/b/anim.webp', bytes: webpVp8l(4, 4) },
      { path: 'd/a/notes.txt', bytes: new TextEncoder().encode('notes') },
    ];
    const r = await loadImageFolder(entries, 'd.zip', { decoder, splitSeed: 3 });
    const skipped = Object.fromEntries(r.skipped.map((s) => [s.path, s.reason]));
    expect(Object.keys(skipped).sort()).toEqual(['d/a/corrupt.png', 'd/a/notes.txt', 'd/a/truncated.png', 'd/b/anim.webp', 'd/b/empty.jpg', 'd/b/text.png', 'd/b/truncated.jpg']);
    expect(skipped['d/a/truncated.png']).toBe('truncated PNG (the image data ends early)');
    expect(skipped['d/a/corrupt.png']).toMatch(/^corrupt or truncated PNG \(/);
    expect(skipped['d/b/truncated.jpg']).toMatch(/^corrupt or truncated JPEG \(/);
    expect(skipped['d/b/text.png']).toBe('not a PNG, JPEG or WebP image');
    expect(skipped['d/b/empty.jpg']).toBe('empty file');
    expect(skipped['d/b/anim.webp']).toMatch(/^WebP is not decoded in Node/);
    expect(skipped['d/a/notes.txt']).toBe('not an image file (.png, .jpg, .jpeg, .webp)');
    // The good images all load: 8 in all, split 4 → 3 train + 1 test per class (the bad ones were planned too).
    expect(r.splits.train.size + r.splits.test.size).toBe(8);
    expect(r.splits.train.classNames).toEqual(['a', 'b']);
  });

  it('a class with no readable image, and a folder where nothing decodes, are errors naming them', async () => {
    const text = new TextEncoder().encode('x');
    const oneBadClass = [...classFolder('', ['a'], [3]), { path: 'b/1.png', bytes: text }, { path: 'b/2.png', bytes: text }];
    await expect(loadImageFolder(oneBadClass, 'set', { decoder })).rejects.toThrow(
      new DatasetError('set: class b has no readable train image (1 skipped, e.g. b/1.png: not a PNG, JPEG or WebP image)'),
    );
    const allBad = [{ path: 'a/1.png', bytes: text }, { path: 'a/2.png', bytes: text }];
    await expect(loadImageFolder(allBad, 'set', { decoder })).rejects.toThrow(/^set: none of the 2 images could be read: a\/\d\.png \(not a PNG, JPEG or WebP image\)/);
  });

  it('refuses an image over the pixel limit from its header, without decoding it', async () => {
    let decoded = 0;
    const counting: ImageDecoder = { decode: (b, f, p) => (decoded++, decoder.decode(b, f, p)) };
    const entries = [...classFolder('', ['a', 'b'], [2, 2]), { path: 'a/big.png', bytes: pngOf(300, 200, () => [1, 2, 3]) }];
    const r = await loadImageFolder(entries, 'set', { decoder: counting, limits: { maxPixelsPerImage: 50_000 } });
    expect(r.skipped).toEqual([{ path: 'a/big.png', reason: '300×200 pixels, more than the limit of 50000 per image' }]);
    expect(decoded).toBe(4);
  });

  it('refuses a folder over the per-split limit before reading a file', async () => {
    let reads = 0;
    const entries = classFolder('', ['a', 'b'], [6, 6]).map((e) => ({
      path: e.path,
      get bytes() {
        reads++;
        return e.bytes;
      },
    }));
    await expect(loadImageFolder(entries, 'set', { decoder, limits: { maxImagesPerSplit: 5 } })).rejects.toThrow(
      'set: 10 images in the train split, more than the limit of 5 per split',
    );
    expect(reads).toBe(12); // the listing reads each entry's length once; nothing was decoded
  });

  it('reports progress as the files decode, ending at the total', async () => {
    const seen: [number, number, number][] = [];
    const entries = [...classFolder('', ['a', 'b'], [5, 5]), { path: 'b/bad.png', bytes: new Uint8Array([1, 2, 3]) }];
    await loadImageFolder(entries, 'set', { decoder, onProgress: (p) => seen.push([p.done, p.total, p.skipped]), progressEveryMs: 0 });
    expect(seen.map((s) => s[0])).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
    expect(seen.every((s) => s[1] === 11)).toBe(true);
    expect(seen.at(-1)![2]).toBe(1);
  });

  it('centre-crops a wide image and composites transparency over black', async () => {
    // 48×32: 8 red columns either side of a 32-wide blue centre; the crop keeps only the blue.
    const wide = pngOf(48, 32, (x) => (x < 8 || x >= 40 ? [255, 0, 0] : [0, 0, 255]));
    const tall = pngOf(20, 60, (_, y) => (y < 20 || y >= 40 ? [255, 0, 0] : [0, 0, 255]));
    const half = pngOf(8, 8, () => [200, 100, 50, 128]);
    const jpg = jpegOf(64, 40, (x) => (x < 12 || x >= 52 ? [255, 0, 0] : [0, 0, 255]));
    const r = await loadImageFolder(
      [
        { path: 'train/a/1-half.png', bytes: half },
        { path: 'train/a/2-wide.jpg', bytes: jpg },
        { path: 'train/a/3-wide.png', bytes: wide },
        { path: 'test/a/tall.png', bytes: tall },
      ],
      'set',
      { decoder },
    );
    const image = (ds: typeof r.splits.train, i: number) => ds.images.subarray(i * IMAGE_BYTES, (i + 1) * IMAGE_BYTES);
    const isBlue = (im: Uint8Array, tol: number) => im.subarray(0, 2048).every((v) => v <= tol) && im.subarray(2048).every((v) => v >= 255 - tol);
    const h = image(r.splits.train, 0);
    expect([h[0], h[1024], h[2048]]).toEqual([Math.round((200 * 128) / 255), Math.round((100 * 128) / 255), Math.round((50 * 128) / 255)]);
    expect(isBlue(image(r.splits.train, 1), 40)).toBe(true); // JPEG: within its artefacts
    expect(isBlue(image(r.splits.train, 2), 0)).toBe(true);
    expect(isBlue(image(r.splits.test, 0), 0)).toBe(true);
  });
});

/** A minimal lossless WebP header (enough for readImageHeader; not a decodable image). */
function webpVp8l(w: number, h: number): Uint8Array {
  const b = new Uint8Array(30);
  b.set(new TextEncoder().encode('RIFF'), 0);
  b.set(new TextEncoder().encode('WEBPVP8L'), 8);
  b[20] = 0x2f;
  const bits = (w - 1) | ((h - 1) << 14);
  b[21] = bits & 0xff;
  b[22] = (bits >>> 8) & 0xff;
  b[23] = (bits >>> 16) & 0xff;
  b[24] = (bits >>> 24) & 0xff;
  return b;
}
