// A built-in counting task after CLEVR/count (the paper's table I probes on it): each image shows
// 1..N solid objects — disc, square, triangle, diamond, in random colours, sizes, places and
// rotations, never overlapping or touching — on a tinted background with a faint gradient and
// pixel noise; the label is how many (class c is c + 1 objects; names "1".."N"). Deterministic
// from a seed, no download. The size range depends on N only (smaller objects when N is large,
// so N fit), never on an image's own count, so object size does not give the count away.
// Each image is drawn from its scene (countingScene), the generator's own record of what it drew.
import { Rng } from '../shared/rng';
import { shapeDistance } from './shapes';
import { DatasetError, IMAGE_BYTES, IMAGE_SIZE, type DatasetSplits, type ImageDataset } from './types';

export const COUNTING_MAX_OBJECTS = 10;
export const COUNTING_DEFAULT_OBJECTS = 8;

export interface CountingOptions {
  seed: number;
  /** N: images show 1..N objects, one class per count. Default 8 (CLEVR/count has 8 classes). */
  maxObjects?: number;
  trainPerClass?: number;
  testPerClass?: number;
}

/** Convex shapes of shapes.ts (disc, square, triangle, diamond): each reads as one blob at any size. */
const SHAPES = [0, 1, 2, 6];
/** Farthest point of each of those shapes from its centre, in shape units (square 0.82·√2, triangle's vertices 2·1.15/√3). */
const SHAPE_EXTENT: Record<number, number> = { 0: 1, 1: 0.82 * Math.SQRT2, 2: (2 * 1.15) / Math.sqrt(3), 6: 1.1 };
/** Background pixels between any two objects' bounding circles: they never touch, even through anti-aliasing. */
export const COUNTING_GAP = 2.5;
const SIZE = IMAGE_SIZE;
const PLANE = SIZE * SIZE;

export interface CountingObject {
  shape: number;
  cx: number;
  cy: number;
  /** Radius in pixels of the shape's unit (a disc's radius). */
  r: number;
  /** Radius in pixels of a circle holding the whole shape, its anti-aliased edge included. */
  extent: number;
  theta: number;
  rgb: [number, number, number];
}

export interface CountingScene {
  count: number;
  background: { rgb: [number, number, number]; gradient: [number, number] };
  noise: number;
  objects: CountingObject[];
}

/**
 * Pixel radius range of a shape's unit for scenes of up to N objects: N of the largest, with their
 * gaps, would cover about a third of the image. Denser scenes need many fresh starts to place, and
 * then shrink often enough to make objects smaller at high counts (measured: 4% at N = 10 with half
 * the image); at a third, ~0.06 ms a scene at N = 8.
 */
function radiusRange(maxObjects: number): [number, number] {
  const hi = Math.min(6, Math.sqrt((0.35 * PLANE) / (Math.PI * maxObjects)) - 0.9);
  return [0.6 * hi, hi];
}

function imageSeed(seed: number, split: number, k: number): number {
  let h = (seed ^ 0x5bd1e995 ^ Math.imul(split + 1, 0x85ebca77) ^ Math.imul(k + 1, 0xc2b2ae3d)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A random colour whose largest channel difference from the background is at least 0.3. */
function objectColour(rng: Rng, bg: [number, number, number]): [number, number, number] {
  for (;;) {
    const c: [number, number, number] = [rng.next(), rng.next(), rng.next()];
    if (Math.max(...c.map((v, i) => Math.abs(v - bg[i]))) >= 0.3) return c;
  }
}

/**
 * Place `count` objects with no two bounding circles closer than COUNTING_GAP. Shapes and sizes
 * are drawn first and kept, and only the positions are drawn again (random sequential placement,
 * started over when one does not fit): redrawing sizes too would keep the small ones that fit
 * more often, making objects smaller the higher the count. Only when 100 fresh starts all fail are
 * the sizes shrunk a little (rare: counting.test.ts checks that the mean size at the highest count
 * stays within 2% of the mean at count 1), so that it always ends.
 */
function placeObjects(rng: Rng, count: number, [rLo, rHi]: [number, number], bg: [number, number, number]): CountingObject[] {
  const drawn = Array.from({ length: count }, () => ({ shape: SHAPES[rng.int(SHAPES.length)], r: rng.uniform(rLo, rHi), theta: rng.uniform(-Math.PI, Math.PI), rgb: objectColour(rng, bg) }));
  for (let attempt = 0; ; attempt++) {
    const shrink = 0.97 ** Math.floor(attempt / 100);
    const objects: CountingObject[] = [];
    for (const [i, d] of drawn.entries()) {
      const r = d.r * shrink;
      const extent = SHAPE_EXTENT[d.shape] * r + 0.5;
      for (let t = 0; t < 100; t++) {
        const cx = rng.uniform(extent, SIZE - extent);
        const cy = rng.uniform(extent, SIZE - extent);
        if (objects.every((o) => Math.hypot(o.cx - cx, o.cy - cy) >= o.extent + extent + COUNTING_GAP)) {
          objects.push({ ...d, cx, cy, r, extent });
          break;
        }
      }
      if (objects.length === i) break; // object i did not fit
    }
    if (objects.length === count) return objects;
  }
}

/** The scene of image k of a split: what countingDataset draws, and the record tests check its pixels against. */
export function countingScene(seed: number, split: number, k: number, maxObjects = COUNTING_DEFAULT_OBJECTS): CountingScene {
  const rng = new Rng(imageSeed(seed, split, k));
  const count = (k % maxObjects) + 1; // interleaved, so any prefix is balanced
  const base = rng.uniform(0.3, 0.7);
  const rgb = [0, 1, 2].map(() => base + rng.uniform(-0.08, 0.08)) as [number, number, number];
  const angle = rng.uniform(0, 2 * Math.PI);
  const amp = rng.uniform(0, 0.05) / SIZE; // ≤ 0.025 either side of the centre
  const gradient: [number, number] = [Math.cos(angle) * amp, Math.sin(angle) * amp];
  const objects = placeObjects(rng, count, radiusRange(maxObjects), rgb);
  return { count, background: { rgb, gradient }, noise: rng.uniform(0.005, 0.025), objects };
}

const clamp01 = (x: number) => (x < 0 ? 0 : x > 1 ? 1 : x);
const canvas = new Float64Array(3 * PLANE);

/** Draw a scene into `out` (CHW planar bytes): background, objects with a 1-pixel anti-aliased edge, noise. */
function renderScene(scene: CountingScene, noiseSeed: number, out: Uint8Array): void {
  const { rgb, gradient: [gx, gy] } = scene.background;
  for (let ch = 0; ch < 3; ch++) {
    for (let y = 0; y < SIZE; y++) for (let x = 0; x < SIZE; x++) canvas[ch * PLANE + y * SIZE + x] = rgb[ch] + gx * (x - 16) + gy * (y - 16);
  }
  for (const o of scene.objects) {
    const cos = Math.cos(o.theta) / o.r;
    const sin = Math.sin(o.theta) / o.r;
    const x0 = Math.max(0, Math.floor(o.cx - o.extent));
    const x1 = Math.min(SIZE - 1, Math.ceil(o.cx + o.extent));
    const y0 = Math.max(0, Math.floor(o.cy - o.extent));
    const y1 = Math.min(SIZE - 1, Math.ceil(o.cy + o.extent));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const px = x + 0.5 - o.cx;
        const py = y + 0.5 - o.cy;
        const alpha = clamp01(0.5 - shapeDistance(o.shape, cos * px + sin * py, -sin * px + cos * py) * o.r);
        if (alpha === 0) continue;
        const p = y * SIZE + x;
        for (let ch = 0; ch < 3; ch++) canvas[ch * PLANE + p] += (o.rgb[ch] - canvas[ch * PLANE + p]) * alpha;
      }
    }
  }
  let ns = noiseSeed | 1;
  const scale = (2 * scene.noise) / 4294967296;
  for (let i = 0; i < 3 * PLANE; i++) {
    ns ^= ns << 13;
    ns ^= ns >>> 17;
    ns ^= ns << 5;
    out[i] = (clamp01(canvas[i] + (ns >>> 0) * scale - scene.noise) * 255 + 0.5) | 0;
  }
}

function makeSplit(seed: number, split: number, perClass: number, maxObjects: number, name: string): ImageDataset {
  const size = perClass * maxObjects;
  const images = new Uint8Array(size * IMAGE_BYTES);
  const labels = new Int32Array(size);
  for (let k = 0; k < size; k++) {
    const scene = countingScene(seed, split, k, maxObjects);
    labels[k] = scene.count - 1;
    renderScene(scene, imageSeed(seed, split + 7, k), images.subarray(k * IMAGE_BYTES, (k + 1) * IMAGE_BYTES));
  }
  return { name, images, labels, classNames: Array.from({ length: maxObjects }, (_, c) => String(c + 1)), size };
}

/** The counting set: class c is c + 1 objects, 1..maxObjects; deterministic from `seed`. */
export function countingDataset(opts: CountingOptions): DatasetSplits {
  const { seed, maxObjects = COUNTING_DEFAULT_OBJECTS, trainPerClass = 500, testPerClass = 100 } = opts;
  if (!Number.isInteger(maxObjects) || maxObjects < 1 || maxObjects > COUNTING_MAX_OBJECTS) {
    throw new DatasetError(`counting dataset: the number of objects ${maxObjects} must be a whole number in 1..${COUNTING_MAX_OBJECTS}`);
  }
  for (const [k, v] of [['trainPerClass', trainPerClass], ['testPerClass', testPerClass]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new DatasetError(`counting dataset: ${k} ${v} must be a positive whole number`);
  }
  return {
    train: makeSplit(seed, 0, trainPerClass, maxObjects, 'counting/train'),
    test: makeSplit(seed, 1, testPerClass, maxObjects, 'counting/test'),
  };
}
