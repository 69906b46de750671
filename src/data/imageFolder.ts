// Datasets from folders of images in the usual class-per-subfolder layout:
//   root/train/<class>/*.png|jpg|jpeg|webp and root/test/<class>/… (or val/ for test), or
//   root/<class>/…, split into train and test per class by a seeded fraction.
// Two steps, so every limit is checked on the file list before a byte is decoded:
//   planImageFolder: paths and sizes → layout, classes, the images of each split, skipped files;
//   decodeImageFolder: reads and decodes the planned images (the runtime's ImageDecoder), centre-
//   crops and resizes each to 32×32 (./resize), and builds the ImageDataset the CIFAR readers give.
// One bad image among many is skipped and reported; what makes the dataset meaningless (no
// classes, an empty class folder, a class with no readable image) is a DatasetError naming it.
import { Rng } from '../shared/rng';
import type { ImageDecoder } from './imageDecoder';
import { hasImageExtension, readImageHeader } from './imageHeader';
import { centreCropResize } from './resize';
import { DatasetError, IMAGE_BYTES, showName, type DatasetSplits, type ImageDataset } from './types';

export interface ImageFolderLimits {
  /** Most images one split may hold; checked on the file list, before reading. */
  maxImagesPerSplit: number;
  /** Largest width × height of one image; checked on its header before decoding (a larger image is skipped). */
  maxPixelsPerImage: number;
  /** Most bytes of image files in all (for an archive, their declared sizes before inflating). */
  maxTotalBytes: number;
  /** Most files and folders listed. */
  maxFiles: number;
}

/**
 * 100,000 images per split (2× CIFAR's train split; 307 MB of 32×32 pixels), 25 megapixels per
 * image (a 100 MB RGBA buffer while it decodes), 1 GiB of files, 500,000 files and folders.
 */
export const IMAGE_FOLDER_LIMITS: ImageFolderLimits = {
  maxImagesPerSplit: 100_000,
  maxPixelsPerImage: 25_000_000,
  maxTotalBytes: 2 ** 30,
  maxFiles: 500_000,
};

export interface SkippedFile {
  path: string;
  reason: string;
}

export interface FileListing {
  path: string;
  /** Bytes (for an archive entry, its uncompressed size as declared). */
  size: number;
}

export interface PlannedImage {
  /** The path as listed (what `read` is called with). */
  path: string;
  label: number;
}

export type ImageFolderLayout = 'train-test' | 'split';

export interface ImageFolderPlan {
  name: string;
  layout: ImageFolderLayout;
  /** The folder the layout starts at ('' = the top of what was listed). */
  root: string;
  classNames: string[];
  train: PlannedImage[];
  test: PlannedImage[];
  /** Files listed but not planned, with why (not an image, outside the class folders, …). */
  skipped: SkippedFile[];
}

export interface PlanOptions {
  limits?: Partial<ImageFolderLimits>;
  /** Share of each class held out as test in the one-level layout: default 0.2. */
  testFraction?: number;
  /** Seed of that split: default 0, so a folder splits the same way for every run. */
  splitSeed?: number;
  /** Folders listed on their own (zip directory entries, a directory walk), to find empty class folders. */
  directories?: string[];
}

export const DEFAULT_TEST_FRACTION = 0.2;
const SPLIT_NAMES = { train: ['train'], test: ['test', 'val', 'validation', 'valid'] };
/** Operating-system clutter ignored without a word: dotfiles (.DS_Store, ._*), __MACOSX/, Thumbs.db, desktop.ini. */
const isClutter = (part: string) => part.startsWith('.') || part === '__MACOSX' || /^(thumbs\.db|desktop\.ini)$/i.test(part);

/** "2" < "10" < "b": digit runs compare by value, the rest by code unit, so class order is the same everywhere. */
export function naturalCompare(a: string, b: string): number {
  const ta = a.match(/\d+|\D+/g) ?? [];
  const tb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(ta.length, tb.length); i++) {
    const x = ta[i];
    const y = tb[i];
    if (x === y) continue;
    if (/^\d/.test(x) && /^\d/.test(y)) {
      const xs = x.replace(/^0+/, '');
      const ys = y.replace(/^0+/, '');
      if (xs.length !== ys.length) return xs.length - ys.length;
      if (xs !== ys) return xs < ys ? -1 : 1;
      continue;
    }
    return x < y ? -1 : 1;
  }
  return ta.length !== tb.length ? ta.length - tb.length : a < b ? -1 : a > b ? 1 : 0;
}

/** FNV-1a of a string: the per-class seed of the fraction split (a new class leaves the others' splits alone). */
function hashString(s: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

interface ListedFile {
  path: string;
  parts: string[];
  size: number;
  image: boolean;
}

/** Path → components: '\' as '/', no empty or '.' parts; null when it climbs ('..'). */
function splitPath(path: string): string[] | null {
  const parts = path.replace(/\\/g, '/').split('/').filter((p) => p !== '' && p !== '.');
  return parts.includes('..') ? null : parts;
}

const folderName = (parts: string[]) => `${parts.join('/')}/`;

function listFiles(files: FileListing[], skipped: SkippedFile[]): ListedFile[] {
  const seen = new Set<string>();
  const out: ListedFile[] = [];
  for (const f of files) {
    const parts = splitPath(f.path);
    if (!parts) {
      skipped.push({ path: f.path, reason: "path climbs out of the folder ('..')" });
      continue;
    }
    if (parts.length === 0 || parts.some(isClutter)) continue;
    const key = parts.join('/');
    if (seen.has(key)) {
      skipped.push({ path: f.path, reason: 'listed twice; the first copy is used' });
      continue;
    }
    seen.add(key);
    out.push({ path: f.path, parts, size: f.size, image: hasImageExtension(key) });
  }
  return out;
}

/**
 * How many leading folders every image shares and is only a wrapper (pets.zip holding pets/…):
 * stop at a split folder, and before any image would be left outside every class folder.
 */
function wrapperDepth(images: ListedFile[]): number {
  let d = 0;
  for (;;) {
    const c = images[0]?.parts[d];
    if (c === undefined || isSplitName(c)) return d;
    if (!images.every((f) => f.parts.length > d + 2 && f.parts[d] === c)) return d;
    d++;
  }
}

function isSplitName(part: string): boolean {
  const p = part.toLowerCase();
  return SPLIT_NAMES.train.includes(p) || SPLIT_NAMES.test.includes(p);
}

const limitsOf = (l?: Partial<ImageFolderLimits>): ImageFolderLimits => ({ ...IMAGE_FOLDER_LIMITS, ...l });

/** Folder → its image files, per split, as found under the root. */
type ClassFolders = Map<string, ListedFile[]>;

/**
 * Work out the layout, the classes and which images go to which split, from paths and sizes
 * alone. Throws DatasetError (naming `name` and the folder) for a listing with no classes, an
 * empty class folder, classes that train/ and test/ do not share, or one over a limit.
 */
export function planImageFolder(files: FileListing[], name: string, opts: PlanOptions = {}): ImageFolderPlan {
  const limits = limitsOf(opts.limits);
  const label = showName(name);
  const dirs = opts.directories ?? [];
  if (files.length + dirs.length > limits.maxFiles) {
    throw new DatasetError(`${label}: ${files.length + dirs.length} files and folders, more than the limit of ${limits.maxFiles}`);
  }
  const skipped: SkippedFile[] = [];
  const listed = listFiles(files, skipped);
  const images = listed.filter((f) => f.image);
  if (images.length === 0) {
    const seen = listed.length === 0 ? 'it is empty' : `found ${listed.length} other file${listed.length === 1 ? '' : 's'}, e.g. ${showName(listed[0].path)}`;
    throw new DatasetError(`${label}: no images (.png, .jpg, .jpeg, .webp) found; ${seen}`);
  }
  const depth = wrapperDepth(images);
  const rootParts = images[0].parts.slice(0, depth);
  const root = rootParts.join('/');
  const inRoot = (parts: string[]) => rootParts.every((p, i) => parts[i] === p);
  const dirParts = dirs.map(splitPath).filter((p): p is string[] => p !== null && p.length > 0 && !p.some(isClutter) && inRoot(p));

  const firsts = new Set(images.map((f) => f.parts[depth].toLowerCase()));
  const trainDir = SPLIT_NAMES.train.find((t) => firsts.has(t));
  const testDirs = SPLIT_NAMES.test.filter((t) => firsts.has(t));
  const layout: ImageFolderLayout = trainDir || testDirs.length > 0 ? 'train-test' : 'split';
  if (layout === 'train-test' && !trainDir) {
    throw new DatasetError(`${label}: ${showName(folderName([...rootParts, testDirs[0]]))} has no train/ beside it (a train/<class>/ folder per class is needed)`);
  }
  if (layout === 'train-test' && testDirs.length === 0) {
    throw new DatasetError(
      `${label}: ${showName(folderName([...rootParts, trainDir!]))} has no test/ (or val/) beside it; add one, or put the class folders directly in ${root ? showName(root + '/') : 'the top folder'} to split them by a seeded fraction`,
    );
  }
  // The split folders' actual spelling (Train/, VAL/, …), and which test folder is used.
  const testDir = testDirs[0];
  const classDepth = layout === 'train-test' ? depth + 1 : depth;
  const splitOf = (f: { parts: string[] }): 'train' | 'test' | null => {
    if (layout === 'split') return 'train';
    const p = f.parts[depth]?.toLowerCase();
    return p === trainDir ? 'train' : p === testDir ? 'test' : null;
  };

  const folders = { train: new Map() as ClassFolders, test: new Map() as ClassFolders };
  const folderPath = new Map<string, string>(); // "train\0cat" → "pets/train/cat/"
  const noteFolder = (split: 'train' | 'test', parts: string[]) => {
    const cls = parts[classDepth];
    if (!folders[split].has(cls)) folders[split].set(cls, []);
    folderPath.set(`${split}\0${cls}`, folderName(parts.slice(0, classDepth + 1)));
    return cls;
  };
  for (const f of listed) {
    if (!inRoot(f.parts)) {
      skipped.push({ path: f.path, reason: `outside the dataset folder ${showName(root + '/')}` });
      continue;
    }
    const split = splitOf(f);
    if (!split) {
      skipped.push({ path: f.path, reason: `not in ${trainDir}/ or ${testDir}/` });
      continue;
    }
    if (f.parts.length <= classDepth + 1) {
      skipped.push({ path: f.path, reason: 'not inside a class folder' });
      continue;
    }
    const cls = noteFolder(split, f.parts);
    if (f.image) folders[split].get(cls)!.push(f);
    else skipped.push({ path: f.path, reason: 'not an image file (.png, .jpg, .jpeg, .webp)' });
  }
  for (const d of dirParts) {
    const split = splitOf({ parts: d });
    if (split && d.length > classDepth) noteFolder(split, d);
  }
  if (folders.train.size === 0) {
    throw new DatasetError(
      `${label}: no class folders (expected ${layout === 'split' ? '<class>/image.png' : 'train/<class>/image.png'} under ${root ? showName(root + '/') : 'the top folder'})`,
    );
  }
  for (const split of ['train', 'test'] as const) {
    for (const [cls, list] of folders[split]) {
      if (list.length > 0) continue;
      const where = showName(folderPath.get(`${split}\0${cls}`)!);
      const others = listed.filter((f) => inRoot(f.parts) && splitOf(f) === split && f.parts[classDepth] === cls && f.parts.length > classDepth + 1);
      throw new DatasetError(
        others.length === 0
          ? `${label}: empty class folder ${where}`
          : `${label}: class folder ${where} holds no images (only ${others.slice(0, 3).map((f) => showName(f.parts.at(-1)!)).join(', ')}${others.length > 3 ? ', …' : ''})`,
      );
    }
  }

  const byName = (a: ListedFile, b: ListedFile) => naturalCompare(a.parts.join('/'), b.parts.join('/'));
  let classNames: string[];
  let train: [string, ListedFile[]][];
  let test: [string, ListedFile[]][];
  if (layout === 'train-test') {
    for (const [a, b] of [['train', 'test'], ['test', 'train']] as const) {
      const missing = [...folders[a].keys()].filter((c) => !folders[b].has(c));
      if (missing.length > 0) {
        const there = showName(folderPath.get(`${a}\0${missing[0]}`)!);
        const want = showName(folderName([...rootParts, b === 'train' ? trainDir! : testDir, missing[0]]));
        throw new DatasetError(`${label}: ${there} has no ${want} (train and test need the same class folders${missing.length > 1 ? `; ${missing.length} differ` : ''})`);
      }
    }
    classNames = [...folders.train.keys()].sort(naturalCompare);
    train = classNames.map((c) => [c, folders.train.get(c)!.sort(byName)]);
    test = classNames.map((c) => [c, folders.test.get(c)!.sort(byName)]);
  } else {
    const fraction = opts.testFraction ?? DEFAULT_TEST_FRACTION;
    if (!(fraction > 0 && fraction < 1)) throw new DatasetError(`${label}: test fraction ${fraction} must be between 0 and 1`);
    classNames = [...folders.train.keys()].sort(naturalCompare);
    train = [];
    test = [];
    for (const c of classNames) {
      const list = folders.train.get(c)!.sort(byName);
      if (list.length < 2) {
        throw new DatasetError(`${label}: class folder ${showName(folderPath.get(`train\0${c}`)!)} has 1 image; splitting it into train and test needs at least 2`);
      }
      const nTest = Math.min(list.length - 1, Math.max(1, Math.round(list.length * fraction)));
      const order = new Rng(hashString(c, opts.splitSeed ?? 0)).shuffle(Int32Array.from(list, (_, i) => i)) as Int32Array;
      const held = new Set(order.subarray(0, nTest));
      train.push([c, list.filter((_, i) => !held.has(i))]);
      test.push([c, list.filter((_, i) => held.has(i))]);
    }
  }

  const flatten = (perClass: [string, ListedFile[]][]): PlannedImage[] => perClass.flatMap(([, list], c) => list.map((f) => ({ path: f.path, label: c })));
  const plan: ImageFolderPlan = { name, layout, root, classNames, train: flatten(train), test: flatten(test), skipped };
  for (const split of ['train', 'test'] as const) {
    const n = plan[split].length;
    if (n > limits.maxImagesPerSplit) {
      throw new DatasetError(`${label}: ${n} images in the ${split} split, more than the limit of ${limits.maxImagesPerSplit} per split`);
    }
  }
  let bytes = 0;
  for (const [, list] of [...train, ...test]) for (const f of list) bytes += f.size;
  if (bytes > limits.maxTotalBytes) {
    throw new DatasetError(`${label}: ${bytes} bytes of images, more than the limit of ${limits.maxTotalBytes} bytes`);
  }
  return plan;
}

export interface LoadProgress {
  /** Images read so far (decoded or skipped), of `total`. */
  done: number;
  total: number;
  skipped: number;
}

export interface DecodeOptions {
  decoder: ImageDecoder;
  limits?: Partial<ImageFolderLimits>;
  onProgress?: (p: LoadProgress) => void;
  /** Least time between two onProgress calls (the first and last image always report): default 100 ms. */
  progressEveryMs?: number;
}

export interface ImageFolderDataset {
  splits: DatasetSplits;
  layout: ImageFolderLayout;
  /** Every file left out, with why: those the plan skipped and those that did not decode. */
  skipped: SkippedFile[];
}

/** An error's message without a leading "<file>: " (the skipped list names the file itself). */
function reasonOf(e: unknown, path: string): string {
  const msg = e instanceof Error ? e.message : String(e);
  const prefix = `${showName(path)}: `;
  return msg.startsWith(prefix) ? msg.slice(prefix.length) : msg;
}

/** Hand the event loop a turn (a worker answers messages, a page paints). */
const nextTurn = () => new Promise<void>((r) => setTimeout(r, 0));

/**
 * Read, decode and resize every planned image. `read` returns a file's bytes by its listed path
 * (it may throw for an unreadable entry: the file is then skipped). A file that is not a PNG,
 * JPEG or WebP, is over the pixel limit, or does not decode is skipped and reported; a class
 * left with no train image, or a split left empty, is a DatasetError.
 */
export async function decodeImageFolder(
  plan: ImageFolderPlan,
  read: (path: string) => Uint8Array | Promise<Uint8Array>,
  opts: DecodeOptions,
): Promise<ImageFolderDataset> {
  const limits = limitsOf(opts.limits);
  const label = showName(plan.name);
  const skipped = [...plan.skipped];
  const total = plan.train.length + plan.test.length;
  const every = opts.progressEveryMs ?? 100;
  let done = 0;
  let lastReport = -Infinity;
  let lastYield = performance.now();
  const report = () => {
    const now = performance.now();
    if (done === 1 || done === total || now - lastReport >= every) {
      lastReport = now;
      opts.onProgress?.({ done, total, skipped: skipped.length });
    }
  };

  const decodeSplit = async (list: PlannedImage[], split: 'train' | 'test'): Promise<ImageDataset> => {
    const images = new Uint8Array(list.length * IMAGE_BYTES);
    const labels = new Int32Array(list.length);
    let k = 0;
    for (const { path, label: cls } of list) {
      try {
        const bytes = await read(path);
        const h = readImageHeader(bytes, path);
        if (h.width * h.height > limits.maxPixelsPerImage) {
          throw new DatasetError(`${h.width}×${h.height} pixels, more than the limit of ${limits.maxPixelsPerImage} per image`);
        }
        const img = await opts.decoder.decode(bytes, h.format, path);
        if (img.width !== h.width || img.height !== h.height || img.rgba.length < h.width * h.height * 4) {
          throw new DatasetError(`corrupt ${h.format.toUpperCase()}: decoded to ${img.width}×${img.height}, its header says ${h.width}×${h.height}`);
        }
        centreCropResize(img.rgba, img.width, img.height, images.subarray(k * IMAGE_BYTES, (k + 1) * IMAGE_BYTES));
        labels[k++] = cls;
      } catch (e) {
        skipped.push({ path, reason: reasonOf(e, path) });
      }
      done++;
      report();
      if (performance.now() - lastYield > 50) {
        await nextTurn();
        lastYield = performance.now();
      }
    }
    return {
      name: `${plan.name}/${split}`,
      images: k === list.length ? images : images.slice(0, k * IMAGE_BYTES),
      labels: k === list.length ? labels : labels.slice(0, k),
      classNames: plan.classNames,
      size: k,
    };
  };

  const train = await decodeSplit(plan.train, 'train');
  const test = await decodeSplit(plan.test, 'test');
  const firstSkips = () => skipped.slice(0, 3).map((s) => `${showName(s.path)} (${s.reason})`).join('; ');
  if (train.size + test.size === 0) throw new DatasetError(`${label}: none of the ${total} images could be read: ${firstSkips()}${skipped.length > 3 ? '; …' : ''}`);
  const perClass = new Int32Array(plan.classNames.length);
  for (const l of train.labels) perClass[l]++;
  const empty = perClass.findIndex((n) => n === 0);
  if (empty >= 0) {
    const cls = plan.classNames[empty];
    const ofClass = new Set(plan.train.filter((p) => p.label === empty).map((p) => p.path));
    const failed = skipped.filter((s) => ofClass.has(s.path));
    throw new DatasetError(
      `${label}: class ${showName(cls)} has no readable train image (${failed.length} skipped${failed[0] ? `, e.g. ${showName(failed[0].path)}: ${failed[0].reason}` : ''})`,
    );
  }
  if (test.size === 0) throw new DatasetError(`${label}: the test split has no readable image: ${firstSkips()}`);
  return { splits: { train, test }, layout: plan.layout, skipped };
}

/** A file handed over with its bytes: from an archive, a directory walk, or a folder picked in the page. */
export interface ImageFileEntry {
  /** Relative to the dataset folder, '/'-separated (a wrapper folder every image shares is looked through). */
  path: string;
  bytes: Uint8Array;
}

/** planImageFolder + decodeImageFolder over files already in memory. */
export async function loadImageFolder(
  entries: ImageFileEntry[],
  name: string,
  opts: DecodeOptions & PlanOptions,
): Promise<ImageFolderDataset> {
  const plan = planImageFolder(entries.map((e) => ({ path: e.path, size: e.bytes.length })), name, opts);
  const byPath = new Map<string, Uint8Array>();
  for (const e of entries) if (!byPath.has(e.path)) byPath.set(e.path, e.bytes);
  return decodeImageFolder(plan, (p) => byPath.get(p)!, opts);
}
