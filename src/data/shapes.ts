// Signed distance functions of the synthetic dataset's shapes, in shape units (≈ radius 1):
// negative inside, positive outside, roughly Euclidean so 1-pixel anti-aliasing works.

const box = (u: number, v: number, a: number, b: number) => Math.max(Math.abs(u) - a, Math.abs(v) - b);

/** Distance to the nearest grid line of period `period`, for checker/stripe textures. */
const toGridLine = (t: number, period: number) => Math.abs(t / period - Math.round(t / period)) * period;

// Math.hypot is several times slower than this in V8, and this runs ~6M times per dataset.
const len = (x: number, y: number) => Math.sqrt(x * x + y * y);

const SQRT3 = Math.sqrt(3);

/** Equilateral triangle pointing up (image v grows downward), half-side `r` (after Inigo Quilez). */
function triangle(u: number, v: number, r: number): number {
  let x = Math.abs(u) - r;
  let y = -v + r / SQRT3;
  if (x + SQRT3 * y > 0) {
    const nx = (x - SQRT3 * y) / 2;
    const ny = (-SQRT3 * x - y) / 2;
    x = nx;
    y = ny;
  }
  x -= Math.min(Math.max(x, -2 * r), 0);
  return -len(x, y) * Math.sign(y);
}

/** Every shape lies within this radius (the triangle's vertices, at 2·1.15/√3 ≈ 1.33, reach farthest). */
export const SHAPE_REACH = 1.35;

export const SHAPE_NAMES = ['disc', 'square', 'triangle', 'ring', 'stripes', 'cross', 'diamond', 'checker', 'crescent', 'frame'];

function checker(u: number, v: number): number {
  const inside = (Math.floor(u / 0.6 + 10) + Math.floor(v / 0.6 + 10)) % 2 === 0;
  const m = Math.min(toGridLine(u, 0.6), toGridLine(v, 0.6));
  return Math.max(box(u, v, 0.9, 0.9), inside ? -m : m);
}

/**
 * Signed distance from (u, v) to shape `shape` (an index into SHAPE_NAMES). A switch rather
 * than an array of closures: one call site over ten closures is megamorphic in V8 and took
 * 40% of the render time.
 */
export function shapeDistance(shape: number, u: number, v: number): number {
  switch (shape) {
    case 0: return len(u, v) - 1;
    case 1: return box(u, v, 0.82, 0.82);
    case 2: return triangle(u, v, 1.15);
    case 3: return Math.abs(len(u, v) - 0.72) - 0.26;
    case 4: return Math.max(box(u, v, 0.9, 0.9), 0.15 - toGridLine(v + 0.3, 0.6)); // three bars in a square
    case 5: return Math.min(box(u, v, 0.95, 0.3), box(u, v, 0.3, 0.95));
    case 6: return (Math.abs(u) + Math.abs(v) - 1.1) / Math.SQRT2;
    case 7: return checker(u, v);
    case 8: return Math.max(len(u, v) - 1, 0.8 - len(u - 0.5, v - 0.15));
    case 9: return Math.abs(Math.max(Math.abs(u), Math.abs(v)) - 0.72) - 0.18;
    default: throw new RangeError(`no shape ${shape}`);
  }
}

// Ordered so that the colours the first classes use are far apart.
export const PALETTES: { name: string; rgb: [number, number, number] }[] = [
  { name: 'red', rgb: [0.86, 0.14, 0.12] },
  { name: 'blue', rgb: [0.14, 0.28, 0.9] },
  { name: 'yellow', rgb: [0.95, 0.88, 0.18] },
  { name: 'green', rgb: [0.18, 0.68, 0.24] },
  { name: 'white', rgb: [0.97, 0.97, 0.97] },
  { name: 'purple', rgb: [0.5, 0.18, 0.76] },
  { name: 'black', rgb: [0.04, 0.04, 0.05] },
  { name: 'orange', rgb: [0.96, 0.56, 0.1] },
  { name: 'cyan', rgb: [0.14, 0.8, 0.86] },
  { name: 'magenta', rgb: [0.92, 0.2, 0.7] },
];
