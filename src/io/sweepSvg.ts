// The sweep's plot as a standalone SVG: linear-probe top-1 against λ (log axis, λ = 0 drawn
// apart at the left), each SparseJEPA setting as the mean over seeds with its min–max spread,
// the baselines (JEPA, …) and the random-init floor as horizontal bands (mean line, min–max
// shaded). The same string is written by `npm run sweep` and shown by the page's Sweep panel.
import type { LabConfig } from '../engine/config';
import { formatValue, summarise, type SweepPoint, type SweepRow } from '../engine/sweep';

const W = 780;
const H = 420;
const M = { left: 64, right: 220, top: 40, bottom: 56 }; // right: room for the legend's longest line
const ZERO_GAP = 84; // px between the λ = 0 column and the log axis

const SERIES_COLOURS = ['#1f77b4', '#9467bd', '#17becf', '#8c564b', '#e377c2', '#bcbd22'];
const BAND_COLOURS: Record<string, string> = { jepa: '#ff7f0e', mae: '#2ca02c', floor: '#7f7f7f' };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

export interface SweepPlotOptions {
  title?: string;
  /** Which number is plotted: the probe at the end (default) or the best probe of the run. */
  value?: 'top1' | 'bestTop1';
}

export function sweepSvg(rows: SweepRow[], opts: SweepPlotOptions = {}): string {
  const value = opts.value ?? 'top1';
  const pick = (r: SweepRow) => (value === 'top1' ? r.top1 : r.bestTop1);
  const points = summarise(rows, pick);
  const sparse = points.filter((p) => p.mode === 'sparse');
  const baselines = points.filter((p) => p.mode !== 'sparse');
  const floor = rows.length ? summarise(rows.map((r) => ({ ...r, mode: 'floor' as never, lambda: 0, beta: 0 })), (r) => r.floorTop1)[0] : null;

  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const positive = sparse.map((p) => p.lambda).filter((l) => l > 0);
  const hasZero = sparse.some((p) => p.lambda === 0);
  const lo = positive.length ? Math.floor(Math.log10(Math.min(...positive))) : -4;
  const hi = positive.length ? Math.ceil(Math.log10(Math.max(...positive))) : 0;
  const span = Math.max(1, hi - lo);
  const axisLeft = M.left + (hasZero ? ZERO_GAP : 0);
  const axisW = plotW - (hasZero ? ZERO_GAP : 0);
  const x = (lambda: number) => (lambda === 0 ? M.left + ZERO_GAP / 2 : axisLeft + ((Math.log10(lambda) - lo) / span) * axisW);

  const all = [...points.flatMap((p) => [p.min, p.max]), ...(floor ? [floor.min, floor.max] : [])];
  const yLo = all.length ? Math.max(0, Math.floor(Math.min(...all) * 20) / 20 - 0.05) : 0;
  const yHi = all.length ? Math.min(1, Math.ceil(Math.max(...all) * 20) / 20 + 0.05) : 1;
  const y = (v: number) => M.top + (1 - (v - yLo) / Math.max(1e-9, yHi - yLo)) * plotH;

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  const title = opts.title ?? 'Linear probe top-1 against λ';
  out.push(`<text x="${M.left}" y="22" font-size="14" font-weight="bold">${esc(title)}</text>`);

  // Bands: floor first (underneath), then the baselines.
  const bands: { name: string; colour: string; p: SweepPoint }[] = [];
  if (floor) bands.push({ name: 'random-init floor', colour: BAND_COLOURS.floor, p: floor });
  for (const b of baselines) bands.push({ name: `${b.mode.toUpperCase()} baseline`, colour: BAND_COLOURS[b.mode] ?? '#d62728', p: b });
  for (const { colour, p } of bands) {
    out.push(`<rect x="${M.left}" y="${y(p.max).toFixed(1)}" width="${plotW}" height="${Math.max(1, y(p.min) - y(p.max)).toFixed(1)}" fill="${colour}" fill-opacity="0.15"/>`);
    out.push(`<line x1="${M.left}" x2="${M.left + plotW}" y1="${y(p.mean).toFixed(1)}" y2="${y(p.mean).toFixed(1)}" stroke="${colour}" stroke-width="2" stroke-dasharray="6 4"/>`);
  }

  // Axes: y in percent, x in decades of λ with the λ = 0 column apart.
  out.push(`<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${M.top + plotH}" stroke="#333"/>`);
  out.push(`<line x1="${M.left}" x2="${M.left + plotW}" y1="${M.top + plotH}" y2="${M.top + plotH}" stroke="#333"/>`);
  for (let v = Math.ceil(yLo * 20) / 20; v <= yHi + 1e-9; v += 0.05) {
    out.push(`<line x1="${M.left - 4}" x2="${M.left + plotW}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#eee"/>`);
    out.push(`<text x="${M.left - 8}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${Math.round(v * 100)}%</text>`);
  }
  for (let e = lo; e <= hi; e++) {
    const px = axisLeft + ((e - lo) / span) * axisW;
    out.push(`<line x1="${px.toFixed(1)}" x2="${px.toFixed(1)}" y1="${M.top + plotH}" y2="${M.top + plotH + 5}" stroke="#333"/>`);
    out.push(`<text x="${px.toFixed(1)}" y="${M.top + plotH + 18}" text-anchor="middle">1e${e}</text>`);
  }
  if (hasZero) {
    out.push(`<text x="${x(0).toFixed(1)}" y="${M.top + plotH + 18}" text-anchor="middle">λ = 0</text>`);
    const bx = axisLeft - ZERO_GAP / 4;
    out.push(`<path d="M${bx - 4},${M.top + plotH + 5} l4,-10 M${bx + 2},${M.top + plotH + 5} l4,-10" stroke="#333"/>`);
  }
  out.push(`<text x="${M.left + plotW / 2}" y="${H - 14}" text-anchor="middle">λ (group lasso weight, log scale)</text>`);
  out.push(`<text transform="translate(16 ${M.top + plotH / 2}) rotate(-90)" text-anchor="middle">probe top-1 (${value === 'top1' ? 'end of run' : 'best during run'})</text>`);

  // SparseJEPA: one series per β, mean joined by a line, min–max whiskers, n seeds in the label.
  const betas = [...new Set(sparse.map((p) => p.beta))].sort((a, b) => a - b);
  betas.forEach((beta, i) => {
    const colour = SERIES_COLOURS[i % SERIES_COLOURS.length];
    const ps = sparse.filter((p) => p.beta === beta).sort((a, b) => a.lambda - b.lambda);
    const line = ps.map((p) => `${x(p.lambda).toFixed(1)},${y(p.mean).toFixed(1)}`).join(' ');
    out.push(`<polyline points="${line}" fill="none" stroke="${colour}" stroke-width="2"/>`);
    for (const p of ps) {
      const px = x(p.lambda).toFixed(1);
      out.push(`<line x1="${px}" x2="${px}" y1="${y(p.max).toFixed(1)}" y2="${y(p.min).toFixed(1)}" stroke="${colour}" stroke-width="1.5"/>`);
      out.push(
        `<circle cx="${px}" cy="${y(p.mean).toFixed(1)}" r="4" fill="${colour}"><title>λ ${formatValue(p.lambda)}, β ${formatValue(p.beta)}: ${pct(p.mean)} (min ${pct(p.min)}, max ${pct(p.max)}, ${p.n} seeds)</title></circle>`,
      );
    }
  });

  // Legend.
  let ly = M.top + 6;
  const lx = W - M.right + 14;
  const legend = (colour: string, text: string, band: boolean) => {
    out.push(band ? `<rect x="${lx}" y="${ly - 8}" width="18" height="10" fill="${colour}" fill-opacity="0.3" stroke="${colour}" stroke-dasharray="4 2"/>` : `<circle cx="${lx + 9}" cy="${ly - 3}" r="4" fill="${colour}"/>`);
    out.push(`<text x="${lx + 24}" y="${ly}">${esc(text)}</text>`);
    ly += 18;
  };
  betas.forEach((beta, i) => legend(SERIES_COLOURS[i % SERIES_COLOURS.length], `SparseJEPA β=${formatValue(beta)}`, false));
  for (const b of bands) legend(b.colour, `${b.name} ${pct(b.p.mean)}`, true);
  const seeds = new Set(rows.map((r) => r.seed)).size;
  out.push(`<text x="${lx}" y="${ly + 8}" fill="#555">${rows.length} runs, ${seeds} seed${seeds === 1 ? '' : 's'}</text>`);
  out.push(`<text x="${lx}" y="${ly + 24}" fill="#555">dots: mean; bars: min–max</text>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** The plot's title from the settings every run of the sweep shares (the command line and the page). */
export function sweepTitle(c: Pick<LabConfig, 'dataset' | 'preset' | 'steps' | 'batchSize' | 'proximal'>): string {
  return `Probe top-1 vs λ — ${c.dataset.split(/[\\/]/).pop()}, ${c.preset}, ${c.steps} steps, batch ${c.batchSize}${c.proximal ? ', proximal' : ''}`;
}
