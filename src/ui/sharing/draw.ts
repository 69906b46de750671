// Canvas helpers shared by the latent-sharing views: colour scales, the example image scaled
// up, the patch grid, and saving a canvas as a PNG.
import { download } from '../../store/download';

/** A CPU-backed 2-D context (no round trip to a GPU process that training keeps busy). */
export function context2d(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D | null {
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) return null;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return ctx;
}

export type RGB = readonly [number, number, number];
export const WHITE: RGB = [255, 255, 255];

const clamp01 = (t: number) => Math.max(0, Math.min(1, t));

/** White → dark blue for t in [0, 1] (active cells). */
export function blue(t: number): RGB {
  const u = clamp01(t);
  return [Math.round(240 - 215 * u), Math.round(245 - 185 * u), Math.round(255 - 105 * u)];
}

/** Light greys for cells under the threshold, a little darker the larger they are. */
export function grey(t: number): RGB {
  const v = Math.round(238 - 40 * clamp01(t));
  return [v, v, v];
}

/** Colour of one norm cell: white when exactly 0, blue when active, grey under the threshold. */
export function normColour(value: number, max: number, active: boolean): RGB {
  if (value === 0) return WHITE;
  const t = max > 0 ? value / max : 0;
  return active ? blue(0.15 + 0.85 * t) : grey(t);
}

/** A white RGBA buffer the size of the canvas: cells are written into it, then put at once. */
export function whiteImage(width: number, height: number): ImageData {
  const img = new ImageData(width, height);
  img.data.fill(255);
  return img;
}

/** An opaque colour as one little-endian RGBA word (what a Uint32Array view of ImageData holds). */
const word = ([r, g, b]: RGB) => ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0;

/**
 * Fill a rows×cols block of cw×ch cells at (x0, y0) of `img` straight into its pixels, one
 * word per pixel (thousands of fillRect calls with colour strings cost tens of milliseconds).
 */
export function paintCells(img: ImageData, x0: number, y0: number, rows: number, cols: number, cw: number, ch: number, colour: (r: number, c: number) => RGB): void {
  const px = new Uint32Array(img.data.buffer, img.data.byteOffset, img.width * img.height);
  const width = img.width;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const w = word(colour(r, c));
      const left = x0 + c * cw;
      for (let y = y0 + r * ch; y < y0 + (r + 1) * ch; y++) px.fill(w, y * width + left, y * width + left + cw);
    }
  }
}

export const SHARE_COLOUR = '255,120,0';
export const TARGET_COLOURS = ['#e6194b', '#f58231', '#911eb4', '#3cb44b', '#f032e6', '#9a6324', '#000075', '#808000'];
export const CONTEXT_COLOUR = '#1f77b4';

/** The image at 1:1 on its own canvas, kept per pixel buffer (the sample changes far less often than the overlay). */
const imageCanvases = new WeakMap<Uint8Array, HTMLCanvasElement>();

function imageCanvas(rgb: Uint8Array, size: number): HTMLCanvasElement {
  let small = imageCanvases.get(rgb);
  if (small) return small;
  const img = new ImageData(size, size);
  for (let i = 0; i < size * size; i++) {
    img.data[4 * i] = rgb[3 * i];
    img.data[4 * i + 1] = rgb[3 * i + 1];
    img.data[4 * i + 2] = rgb[3 * i + 2];
    img.data[4 * i + 3] = 255;
  }
  small = document.createElement('canvas');
  small.width = size;
  small.height = size;
  small.getContext('2d')!.putImageData(img, 0, 0);
  imageCanvases.set(rgb, small);
  return small;
}

/** Draw size×size interleaved RGB bytes at (x, y), each pixel `scale`×`scale`, no smoothing. */
export function drawImage(ctx: CanvasRenderingContext2D, rgb: Uint8Array, size: number, scale: number, x = 0, y = 0): void {
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(imageCanvas(rgb, size), x, y, size * scale, size * scale);
}

/** Thin lines between patches, thicker ones between groups. */
export function drawPatchGrid(ctx: CanvasRenderingContext2D, grid: number, cell: number, groupOfPatch: ArrayLike<number>, x = 0, y = 0): void {
  ctx.save();
  ctx.translate(x, y);
  ctx.strokeStyle = 'rgba(255,255,255,0.35)';
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (let i = 1; i < grid; i++) {
    ctx.moveTo(i * cell + 0.5, 0);
    ctx.lineTo(i * cell + 0.5, grid * cell);
    ctx.moveTo(0, i * cell + 0.5);
    ctx.lineTo(grid * cell, i * cell + 0.5);
  }
  ctx.stroke();
  // Group borders: wherever two neighbouring patches belong to different groups.
  ctx.strokeStyle = 'rgba(0,0,0,0.7)';
  ctx.lineWidth = 2;
  ctx.beginPath();
  for (let r = 0; r < grid; r++) {
    for (let c = 0; c < grid; c++) {
      const g = groupOfPatch[r * grid + c];
      if (c + 1 < grid && groupOfPatch[r * grid + c + 1] !== g) {
        ctx.moveTo((c + 1) * cell, r * cell);
        ctx.lineTo((c + 1) * cell, (r + 1) * cell);
      }
      if (r + 1 < grid && groupOfPatch[(r + 1) * grid + c] !== g) {
        ctx.moveTo(c * cell, (r + 1) * cell);
        ctx.lineTo((c + 1) * cell, (r + 1) * cell);
      }
    }
  }
  ctx.stroke();
  ctx.restore();
}

/** Largest value (0 for none), without spreading a big array into Math.max. */
export function maxOf(xs: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < xs.length; i++) if (xs[i] > m) m = xs[i];
  return m;
}

/** Save a canvas as `<name>.png`; the message says why when the browser gives no image. */
export function savePng(canvas: HTMLCanvasElement | null, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!canvas) return reject(new Error('nothing drawn yet'));
    canvas.toBlob((blob) => {
      if (!blob) return reject(new Error('the browser could not encode the image'));
      download(`${name}.png`, [blob], 'image/png');
      resolve();
    }, 'image/png');
  });
}
