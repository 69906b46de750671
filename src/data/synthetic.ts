// A built-in procedural dataset so the lab runs with no download and tests have something
// learnable: each class is a (shape, colour) pair; each image varies position, scale,
// rotation, stretch, background, texture, noise and a distractor blob, so colour alone or a
// fixed template does not solve it but good features do.
import { Rng } from '../engine/rng';
import { PALETTES, SHAPE_NAMES, SHAPE_REACH, shapeDistance } from './shapes';
import { DatasetError, IMAGE_BYTES, IMAGE_SIZE, type DatasetSplits, type ImageDataset } from './types';

export interface SyntheticOptions {
  seed: number;
  trainPerClass?: number;
  testPerClass?: number;
  /** 1..100 (10 shapes × 10 colours). */
  numClasses?: number;
}

export const SYNTHETIC_MAX_CLASSES = SHAPE_NAMES.length * PALETTES.length;

/**
 * Shape and colour of class c, enumerating the 10×10 (shape, colour) grid shell by shell:
 * classes 0..k²−1 use k shapes and k colours. So the first 10 classes share 4 shapes and
 * 3 colours: neither colour nor shape alone tells them apart (colour alone would make the
 * default task trivial), and all 100 pairs are distinct.
 */
export function syntheticClass(c: number): { shape: number; palette: number; name: string } {
  const k = Math.floor(Math.sqrt(c));
  const m = c - k * k; // position within shell k, which holds 2k+1 pairs
  const shape = m < k ? k : m - k;
  const palette = m < k ? m : k;
  return { shape, palette, name: `${PALETTES[palette].name} ${SHAPE_NAMES[shape]}` };
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

/** Render one image of class `c` into `out` (CHW planar bytes). */
function renderImage(out: Uint8Array, c: number, rng: Rng): void {
  const { shape, palette } = syntheticClass(c);

  // Colours live in Float64Arrays: plain arrays switch element kinds (ints vs doubles) between
  // images, which deoptimised this loop on every switch.
  // Background: a tinted mid-tone with a linear gradient.
  const base = rng.uniform(0.25, 0.75);
  const bg = Float64Array.from([0, 1, 2], () => base + rng.uniform(-0.1, 0.1));
  const gAngle = rng.uniform(0, 2 * Math.PI);
  const gAmp = rng.uniform(0, 0.25) / SIZE;
  const gx = Math.cos(gAngle) * gAmp;
  const gy = Math.sin(gAngle) * gAmp;

  // Foreground: the class colour, jittered in brightness and per channel, with a faint texture.
  const bright = rng.uniform(0.8, 1.15);
  const fg = Float64Array.from(PALETTES[palette].rgb, (v) => clamp01(v * bright + rng.uniform(-0.07, 0.07)));
  const tAmp = rng.uniform(0, 0.3);
  const tFreq = rng.uniform(0.5, 1.5);
  const tAngle = rng.uniform(0, Math.PI);
  const tx = tFreq * Math.cos(tAngle);
  const ty = tFreq * Math.sin(tAngle);
  const tPhase = rng.uniform(0, 2 * Math.PI);

  // Geometry: radius in pixels, centre, small rotation (large ones would make square ≈ diamond), stretch.
  const r = rng.uniform(6, 11);
  const cx = rng.uniform(r * 0.8, SIZE - r * 0.8);
  const cy = rng.uniform(r * 0.8, SIZE - r * 0.8);
  const theta = rng.uniform(-0.3, 0.3);
  const stretch = rng.uniform(0.85, 1.18);
  const reach2 = (SHAPE_REACH + 1 / r) ** 2;
  // Pixel offset → shape units: rotate by θ, then scale u by 1/(r·stretch) and v by stretch/r.
  const ux = Math.cos(theta) / (r * stretch);
  const uy = Math.sin(theta) / (r * stretch);
  const vx = (-Math.sin(theta) * stretch) / r;
  const vy = (Math.cos(theta) * stretch) / r;

  // A small distractor blob of a random colour in half the images.
  const hasBlob = rng.next() < 0.5;
  const bx = rng.uniform(0, SIZE);
  const by = rng.uniform(0, SIZE);
  const br = rng.uniform(1.5, 3.5);
  const blob = Float64Array.of(rng.next(), rng.next(), rng.next());

  const noise = rng.uniform(0.01, 0.07);
  // Texture sin(tx·x + ty·y + φ) is separable: sin a cos b + cos a sin b, tabulated per row and column.
  for (let i = 0; i < SIZE; i++) {
    colSin[i] = Math.sin(tx * i + tPhase);
    colCos[i] = Math.cos(tx * i + tPhase);
    rowSin[i] = Math.sin(ty * i);
    rowCos[i] = Math.cos(ty * i);
  }
  // Per-pixel noise from a cheap inline xorshift seeded by the image's generator: ~3k draws per
  // image through Rng.next() dominated the render time.
  let ns = rng.uint32() | 1;
  const noiseScale = (2 * noise) / 4294967296;
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const px = x + 0.5 - cx;
      const py = y + 0.5 - cy;
      const u = ux * px + uy * py;
      const v = vx * px + vy * py;
      // ~1-pixel anti-aliased edge; pixels beyond every shape's reach skip the distance function.
      const alpha = u * u + v * v > reach2 ? 0 : clamp01(0.5 - shapeDistance(shape, u, v) * r);
      const tex = 1 - tAmp * (0.5 + 0.5 * (colSin[x] * rowCos[y] + colCos[x] * rowSin[y]));
      const ramp = gx * (x - 16) + gy * (y - 16);
      const dbx = x + 0.5 - bx;
      const dby = y + 0.5 - by;
      const blobAlpha = hasBlob ? clamp01(br - Math.sqrt(dbx * dbx + dby * dby)) : 0;
      const o = y * SIZE + x;
      for (let ch = 0; ch < 3; ch++) {
        let val = (bg[ch] + ramp) * (1 - alpha) + fg[ch] * tex * alpha;
        val = val * (1 - blobAlpha) + blob[ch] * blobAlpha;
        ns ^= ns << 13;
        ns ^= ns >>> 17;
        ns ^= ns << 5;
        val += (ns >>> 0) * noiseScale - noise;
        out[ch * PLANE + o] = (clamp01(val) * 255 + 0.5) | 0;
      }
    }
  }
}

const colSin = new Float64Array(SIZE);
const colCos = new Float64Array(SIZE);
const rowSin = new Float64Array(SIZE);
const rowCos = new Float64Array(SIZE);

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

/** The built-in dataset: `numClasses` (shape, colour) classes, deterministic from `seed`. */
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
