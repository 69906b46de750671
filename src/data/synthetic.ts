// A built-in procedural dataset so the lab runs with no download and tests have something
// learnable. Class c is an unordered pair of colours {a, b}: each image shows 2–5 solid objects
// (disc, square, triangle, cross, diamond, crescent) of random shape, size, place, rotation and
// stretch on a tinted background with a faint gradient and pixel noise; every object is painted
// a or b, and both appear. The class is a relation across patches (which colours occur
// together), not a global statistic: the first 10 classes are the neighbours on a cycle of the
// 10 colours, so every colour belongs to two classes and neither one colour nor the image's mean
// colour tells classes apart, while the set of colours the patches show does.
// Why this structure (measured, see docs/results.md, "Linear probe: the first measurement"): what a short
// JEPA run on a CPU learns first is per-patch appearance. The earlier classes (shape × colour)
// needed shape recognition, which 1500 micro steps did not learn: the probe stayed at the
// random-init floor, which already reads colour.
import { Rng } from '../shared/rng';
import { PALETTES, SHAPE_REACH, shapeDistance } from './shapes';
import { DatasetError, IMAGE_BYTES, IMAGE_SIZE, type DatasetSplits, type ImageDataset } from './types';

export interface SyntheticOptions {
  seed: number;
  trainPerClass?: number;
  testPerClass?: number;
  /** 1..45 (unordered pairs of the 10 colours). */
  numClasses?: number;
}

/** Palette indices in cycle order: red, cyan, orange, blue, yellow, purple, green, magenta, white, black. */
const COLOUR_CYCLE = [0, 8, 7, 1, 2, 5, 3, 9, 4, 6];

/** The colour pairs in class order: the 10 neighbours of the cycle, then every other pair. */
const CLASS_PAIRS: [number, number][] = (() => {
  const pairs: [number, number][] = COLOUR_CYCLE.map((a, i) => [a, COLOUR_CYCLE[(i + 1) % COLOUR_CYCLE.length]]);
  const taken = new Set(pairs.map(([a, b]) => `${Math.min(a, b)},${Math.max(a, b)}`));
  for (let a = 0; a < PALETTES.length; a++) {
    for (let b = a + 1; b < PALETTES.length; b++) if (!taken.has(`${a},${b}`)) pairs.push([a, b]);
  }
  return pairs;
})();

export const SYNTHETIC_MAX_CLASSES = CLASS_PAIRS.length;

/** The two palette colours of class c, and its name ("red + cyan"). */
export function syntheticClass(c: number): { colours: [number, number]; name: string } {
  const pair = CLASS_PAIRS[c];
  if (!pair) throw new RangeError(`no synthetic class ${c} (0..${SYNTHETIC_MAX_CLASSES - 1})`);
  return { colours: pair, name: `${PALETTES[pair[0]].name} + ${PALETTES[pair[1]].name}` };
}

/** Each image gets its own generator, so image k is the same whatever the split size. */
function imageSeed(seed: number, split: number, k: number): number {
  let h = (seed ^ Math.imul(split + 1, 0x85ebca77) ^ Math.imul(k + 1, 0xc2b2ae3d)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

const clamp01 = (x: number) => (x < 0 ? 0 : x > 1 ? 1 : x);
// Module-local copies: bundlers and tsx turn imported bindings into getters, slow in hot loops.
const SIZE = IMAGE_SIZE;
const PLANE = SIZE * SIZE;
/** Shapes without holes or bars (disc, square, triangle, cross, diamond, crescent): each object reads as one colour region. */
const SOLID_SHAPES = [0, 1, 2, 5, 6, 8];
/** The image being drawn, CHW floats in [0, 1] (one buffer: rendering is sequential). */
const canvas = new Float64Array(3 * PLANE);

/** Background: a tinted mid-tone with a linear gradient. */
function paintBackground(rng: Rng): void {
  const base = rng.uniform(0.3, 0.7);
  const gAngle = rng.uniform(0, 2 * Math.PI);
  const gAmp = rng.uniform(0, 0.1) / SIZE;
  const gx = Math.cos(gAngle) * gAmp;
  const gy = Math.sin(gAngle) * gAmp;
  for (let ch = 0; ch < 3; ch++) {
    const tint = base + rng.uniform(-0.08, 0.08);
    for (let y = 0; y < SIZE; y++) {
      for (let x = 0; x < SIZE; x++) canvas[ch * PLANE + y * SIZE + x] = tint + gx * (x - 16) + gy * (y - 16);
    }
  }
}

/**
 * One object of palette colour `palette` over what is drawn: random solid shape, radius, centre,
 * rotation, stretch and brightness, with a ~1-pixel anti-aliased edge.
 */
function paintObject(palette: number, rng: Rng): void {
  const shape = SOLID_SHAPES[rng.int(SOLID_SHAPES.length)];
  // Colour jitter well below the distance between palette colours (orange vs red, purple vs magenta).
  const bright = rng.uniform(0.92, 1.05);
  const fg = Float64Array.from(PALETTES[palette].rgb, (v) => clamp01(v * bright + rng.uniform(-0.03, 0.03)));

  const r = rng.uniform(4, 8);
  const cx = rng.uniform(r * 0.6, SIZE - r * 0.6);
  const cy = rng.uniform(r * 0.6, SIZE - r * 0.6);
  // Small rotations only (large ones would make square ≈ diamond).
  const theta = rng.uniform(-0.3, 0.3);
  const stretch = rng.uniform(0.85, 1.18);
  // Pixel offset → shape units: rotate by θ, then scale u by 1/(r·stretch) and v by stretch/r.
  const ux = Math.cos(theta) / (r * stretch);
  const uy = Math.sin(theta) / (r * stretch);
  const vx = (-Math.sin(theta) * stretch) / r;
  const vy = (Math.cos(theta) * stretch) / r;
  const reach = (SHAPE_REACH + 1 / r) * r * 1.2; // pixels; covers the stretch
  const reach2 = (SHAPE_REACH + 1 / r) ** 2;
  const x0 = Math.max(0, Math.floor(cx - reach));
  const x1 = Math.min(SIZE - 1, Math.ceil(cx + reach));
  const y0 = Math.max(0, Math.floor(cy - reach));
  const y1 = Math.min(SIZE - 1, Math.ceil(cy + reach));
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const px = x + 0.5 - cx;
      const py = y + 0.5 - cy;
      const u = ux * px + uy * py;
      const v = vx * px + vy * py;
      if (u * u + v * v > reach2) continue;
      const alpha = clamp01(0.5 - shapeDistance(shape, u, v) * r);
      if (alpha === 0) continue;
      const o = y * SIZE + x;
      for (let ch = 0; ch < 3; ch++) canvas[ch * PLANE + o] += (fg[ch] - canvas[ch * PLANE + o]) * alpha;
    }
  }
}

/** Render one image of class `c` into `out` (CHW planar bytes). */
function renderImage(out: Uint8Array, c: number, rng: Rng): void {
  const [a, b] = syntheticClass(c).colours;
  paintBackground(rng);
  const count = 2 + rng.int(4); // 2..5 objects; the first two are one of each colour
  for (let i = 0; i < count; i++) paintObject(i === 0 ? a : i === 1 ? b : rng.next() < 0.5 ? a : b, rng);
  // Per-pixel noise from a cheap inline xorshift seeded by the image's generator.
  const noise = rng.uniform(0.01, 0.04);
  let ns = rng.uint32() | 1;
  const noiseScale = (2 * noise) / 4294967296;
  for (let i = 0; i < 3 * PLANE; i++) {
    ns ^= ns << 13;
    ns ^= ns >>> 17;
    ns ^= ns << 5;
    out[i] = (clamp01(canvas[i] + (ns >>> 0) * noiseScale - noise) * 255 + 0.5) | 0;
  }
}

function makeSplit(seed: number, split: number, perClass: number, numClasses: number, name: string): ImageDataset {
  const size = perClass * numClasses;
  const images = new Uint8Array(size * IMAGE_BYTES);
  const labels = new Int32Array(size);
  for (let k = 0; k < size; k++) {
    labels[k] = k % numClasses; // interleaved, so any prefix is balanced
    renderImage(images.subarray(k * IMAGE_BYTES, (k + 1) * IMAGE_BYTES), labels[k], new Rng(imageSeed(seed, split, k)));
  }
  const classNames = Array.from({ length: numClasses }, (_, c) => syntheticClass(c).name);
  return { name, images, labels, classNames, size };
}

/** The built-in dataset: `numClasses` colour-pair classes, deterministic from `seed`. */
export function syntheticDataset(opts: SyntheticOptions): DatasetSplits {
  const { seed, trainPerClass = 500, testPerClass = 100, numClasses = 10 } = opts;
  if (!Number.isInteger(numClasses) || numClasses < 1 || numClasses > SYNTHETIC_MAX_CLASSES) {
    throw new DatasetError(`synthetic dataset: numClasses ${numClasses} must be a whole number in 1..${SYNTHETIC_MAX_CLASSES}`);
  }
  for (const [k, v] of [['trainPerClass', trainPerClass], ['testPerClass', testPerClass]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new DatasetError(`synthetic dataset: ${k} ${v} must be a positive whole number`);
  }
  return {
    train: makeSplit(seed, 0, trainPerClass, numClasses, 'synthetic/train'),
    test: makeSplit(seed, 1, testPerClass, numClasses, 'synthetic/test'),
  };
}
