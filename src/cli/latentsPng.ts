// latents.png: a row per unit (latent or encoder dimension), its top patches as crops (the patch
// with one patch of its surroundings, upscaled, the patch itself outlined) and, for SparseJEPA, a
// map of the patch grid at the row's start: each patch as bright as ‖W^(g(p))_{·,k}‖₂ (relative
// to the largest norm of that latent) where its group reads latent k, dark where none does.
import { PNG } from 'pngjs';
import type { ImageDataset } from '../data/types';
import { patchCrop, type LatentPatches } from '../engine/latentPatches';

export interface GridLayout {
  /** Pixels a crop pixel becomes. */
  scale: number;
  /** Patches of surroundings around each patch in a crop. */
  margin: number;
  gap: number;
}

export const DEFAULT_LAYOUT: GridLayout = { scale: 4, margin: 1, gap: 4 };

/** Width and height of the grid's image: the map column (SparseJEPA) and topN crops per row, one row per unit. */
export function gridSize(r: LatentPatches, topN: number, layout: GridLayout = DEFAULT_LAYOUT): { width: number; height: number; cell: number; columns: number } {
  const cell = (1 + 2 * layout.margin) * r.patchSize * layout.scale;
  const columns = topN + (r.norms ? 1 : 0);
  return { width: layout.gap + columns * (cell + layout.gap), height: layout.gap + r.units.length * (cell + layout.gap), cell, columns };
}

/** The grid as RGBA bytes (see the file's comment). */
export function latentsRaster(r: LatentPatches, ds: ImageDataset, groupOfPatch: Int32Array, topN: number, layout: GridLayout = DEFAULT_LAYOUT): { width: number; height: number; rgba: Uint8Array } {
  const { width, height, cell } = gridSize(r, topN, layout);
  const { scale, margin, gap } = layout;
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) rgba.set([24, 24, 24, 255], 4 * i); // dark background
  const put = (x: number, y: number, c: ArrayLike<number>) => rgba.set([c[0], c[1], c[2], 255], 4 * (y * width + x));
  const p = r.patchSize;
  r.units.forEach((u, row) => {
    const y0 = gap + row * (cell + gap);
    let x0 = gap;
    if (r.norms) {
      const col = r.norms.map((n) => n[u.unit]);
      const top = Math.max(...col, 1e-12);
      const per = Math.floor(cell / r.grid);
      for (let q = 0; q < r.grid * r.grid; q++) {
        const g = groupOfPatch[q];
        const on = u.groups.includes(g);
        const v = on ? Math.round(60 + 195 * (col[g] / top)) : 40;
        const shade = on ? [v, v, v] : [40, 40, 60];
        for (let dy = 0; dy < per - 1; dy++) for (let dx = 0; dx < per - 1; dx++) put(x0 + (q % r.grid) * per + dx, y0 + Math.floor(q / r.grid) * per + dy, shade);
      }
      x0 += cell + gap;
    }
    u.top.forEach((t, i) => {
      const crop = patchCrop(ds, t.imageIndex, t.row, t.col, p, margin);
      const side = (1 + 2 * margin) * p;
      const cx = x0 + i * (cell + gap);
      for (let y = 0; y < cell; y++) {
        for (let x = 0; x < cell; x++) {
          const sy = Math.floor(y / scale);
          const sx = Math.floor(x / scale);
          put(cx + x, y0 + y, crop.subarray(3 * (sy * side + sx), 3 * (sy * side + sx) + 3));
        }
      }
      // The patch itself: a red outline one pixel inside its edge.
      const a = margin * p * scale;
      const b = a + p * scale - 1;
      for (let k = a; k <= b; k++) {
        put(cx + k, y0 + a, [255, 40, 40]);
        put(cx + k, y0 + b, [255, 40, 40]);
        put(cx + a, y0 + k, [255, 40, 40]);
        put(cx + b, y0 + k, [255, 40, 40]);
      }
    });
  });
  return { width, height, rgba };
}

/** The raster as PNG bytes. */
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  const png = new PNG({ width, height });
  png.data = Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength);
  return PNG.sync.write(png);
}
