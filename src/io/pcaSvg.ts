// The projector's PCA view as a standalone SVG (npm run embed's pca.svg): each test image a dot at
// its first two principal coordinates, coloured by class, with the share of variance on each axis.
import type { Pca } from '../engine/pca';

const W = 640;
const H = 520;
const M = { left: 56, right: 170, top: 36, bottom: 48 };
// Tableau's 20 colours, so up to 20 classes each have their own; more reuse them in order.
const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf', '#aec7e8', '#ffbb78', '#98df8a', '#ff9896', '#c5b0d5', '#c49c94', '#f7b6d2', '#c7c7c7', '#dbdb8d', '#9edae5'];
const MAX_LEGEND = 20;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function pcaSvg(p: Pca, labels: Int32Array, classNames: readonly string[], title: string): string {
  const n = labels.length;
  const xs = Array.from({ length: n }, (_, i) => p.coords[i * p.components]);
  const ys = Array.from({ length: n }, (_, i) => (p.components > 1 ? p.coords[i * p.components + 1] : 0));
  const span = (v: number[]) => {
    const lo = Math.min(...v);
    const hi = Math.max(...v);
    return hi > lo ? [lo, hi] : [lo - 1, hi + 1];
  };
  const [x0, x1] = span(xs);
  const [y0, y1] = span(ys);
  const px = (x: number) => M.left + ((x - x0) / (x1 - x0)) * (W - M.left - M.right);
  const py = (y: number) => H - M.bottom - ((y - y0) / (y1 - y0)) * (H - M.top - M.bottom);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  out.push(`<text x="${M.left}" y="20" font-size="14">${esc(title)}</text>`);
  out.push(`<rect x="${M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom}" fill="none" stroke="#999"/>`);
  const pc = (c: number) => `PC${c + 1} (${(100 * (p.explained[c] ?? 0)).toFixed(1)}% of the variance)`;
  out.push(`<text x="${(M.left + W - M.right) / 2}" y="${H - 14}" text-anchor="middle">${pc(0)}</text>`);
  out.push(`<text transform="translate(16 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">${p.components > 1 ? pc(1) : ''}</text>`);
  for (let i = 0; i < n; i++) {
    const colour = PALETTE[labels[i] % PALETTE.length];
    out.push(`<circle cx="${px(xs[i]).toFixed(1)}" cy="${py(ys[i]).toFixed(1)}" r="2.5" fill="${colour}" fill-opacity="0.75"><title>${i}: ${esc(classNames[labels[i]] ?? String(labels[i]))}</title></circle>`);
  }
  classNames.slice(0, MAX_LEGEND).forEach((name, c) => {
    const y = M.top + 8 + c * 16;
    out.push(`<circle cx="${W - M.right + 16}" cy="${y}" r="4" fill="${PALETTE[c % PALETTE.length]}"/><text x="${W - M.right + 26}" y="${y + 4}">${esc(name)}</text>`);
  });
  if (classNames.length > MAX_LEGEND) out.push(`<text x="${W - M.right + 10}" y="${M.top + 8 + MAX_LEGEND * 16 + 4}">… ${classNames.length - MAX_LEGEND} more classes</text>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}
