// The projector's pure parts: fitting a layout into a plot, finding the point under the pointer,
// a point's neighbour strip, and a class's colour.
import { classNameOf } from '../../data/types';
import { sameClassShare as sameClassOf } from '../../engine/neighbours';
import type { EmbeddingSample } from '../../worker/protocol';

/** A 2-D layout's bounding box mapped into a width × height plot with `pad` pixels kept free. */
export interface PlotFit {
  x(i: number): number;
  y(i: number): number;
}

/** Fit [n, 2] coords into the plot, one scale for both axes (distances keep their meaning), y up. */
export function fitCoords(coords: Float32Array, width: number, height: number, pad = 8): PlotFit {
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (let i = 0; i < coords.length; i += 2) {
    x0 = Math.min(x0, coords[i]);
    x1 = Math.max(x1, coords[i]);
    y0 = Math.min(y0, coords[i + 1]);
    y1 = Math.max(y1, coords[i + 1]);
  }
  const span = Math.max(x1 - x0, y1 - y0);
  const scale = span > 0 && Number.isFinite(span) ? Math.min(width - 2 * pad, height - 2 * pad) / span : 0;
  // Centre the box in the plot.
  const ox = pad + (width - 2 * pad - (x1 - x0) * scale) / 2;
  const oy = pad + (height - 2 * pad - (y1 - y0) * scale) / 2;
  return { x: (i) => ox + (coords[2 * i] - x0) * scale, y: (i) => height - (oy + (coords[2 * i + 1] - y0) * scale) };
}

/** The point nearest (px, py) within `radius` pixels, or null. */
export function pointAt(fit: PlotFit, n: number, px: number, py: number, radius = 6): number | null {
  let best: number | null = null;
  let bestD = radius * radius;
  for (let i = 0; i < n; i++) {
    const d = (fit.x(i) - px) ** 2 + (fit.y(i) - py) ** 2;
    if (d <= bestD) {
      bestD = d;
      best = i;
    }
  }
  return best;
}

export interface Neighbour {
  point: number;
  className: string;
  similarity: number;
  sameClass: boolean;
}

/** Point i's k most cosine-similar points (the worker's list, most similar first). */
export function neighbourStrip(s: EmbeddingSample, i: number, k: number): Neighbour[] {
  const nb = s.neighbours;
  return Array.from({ length: Math.min(k, nb.k) }, (_, r) => {
    const j = nb.index[i * nb.k + r];
    return { point: j, className: classNameOf(s, j), similarity: nb.similarity[i * nb.k + r], sameClass: s.labels[j] === s.labels[i] };
  });
}

/** Share of all points' k nearest neighbours that are of the point's own class (chance: about 1 / classes). */
export const sameClassShare = (s: EmbeddingSample, k: number): number => sameClassOf(s.neighbours, s.labels, k);

/** A colour per class: evenly spaced hues, alternating lightness so neighbouring hues stay apart. */
export function classColour(label: number, classes: number): string {
  const hue = Math.round((360 * label) / Math.max(1, classes));
  return `hsl(${hue} 70% ${label % 2 ? 38 : 52}%)`;
}
