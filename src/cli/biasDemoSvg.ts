// The implicit-bias demo as one SVG: MAE's panel beside JEPA's, each feature's encoder gain over
// gradient-flow time (as a share of its final gain, so every feature crosses ½ at its critical
// time), the critical times marked, and the sentence underneath. Plain strings: no DOM.
import type { BiasDemoResult, ObjectiveTrace } from '../engine/deepLinear';
import { CRITICAL_FRACTION } from '../engine/deepLinear';

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2'];
const PANEL = { w: 470, h: 300, left: 56, right: 16, top: 40, bottom: 44 };
const TITLES = { mae: 'MAE  ½E‖y − V·W̄·x‖²', jepa: 'JEPA  ½E‖V·W̄·x − sg(W̄·y)‖²' };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const num = (x: number) => (Math.abs(x) >= 100 ? Math.round(x).toLocaleString('en-US') : String(Number(x.toPrecision(3))));

/** About n round tick values over [0, max]. */
function ticks(max: number, n = 5): number[] {
  const raw = max / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  return Array.from({ length: Math.floor(max / step) + 1 }, (_, i) => i * step);
}

/** One objective's panel, its top-left corner at (x0, y0). */
function panel(r: BiasDemoResult, t: ObjectiveTrace, x0: number, y0: number): string {
  const { w, h, left, right, top, bottom } = PANEL;
  const pw = w - left - right;
  const ph = h - top - bottom;
  const lr = r.settings.lr;
  const tMax = Math.max(lr, t.steps * lr);
  const X = (time: number) => x0 + left + (time / tMax) * pw;
  const Y = (share: number) => y0 + top + (1 - share / 1.05) * ph;
  const out: string[] = [];
  out.push(`<text x="${x0 + left}" y="${y0 + 22}" font-size="14" font-weight="bold">${esc(TITLES[t.objective])}</text>`);
  out.push(`<rect x="${x0 + left}" y="${y0 + top}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`);
  for (const v of [0, 0.25, 0.5, 0.75, 1]) {
    out.push(`<line x1="${x0 + left - 4}" x2="${x0 + left}" y1="${Y(v)}" y2="${Y(v)}" stroke="#999"/>`);
    out.push(`<text x="${x0 + left - 7}" y="${Y(v) + 4}" font-size="11" text-anchor="end">${v}</text>`);
  }
  out.push(`<line x1="${X(0)}" x2="${X(tMax)}" y1="${Y(CRITICAL_FRACTION)}" y2="${Y(CRITICAL_FRACTION)}" stroke="#bbb" stroke-dasharray="4 3"/>`);
  for (const v of ticks(tMax)) {
    out.push(`<line x1="${X(v)}" x2="${X(v)}" y1="${y0 + top + ph}" y2="${y0 + top + ph + 4}" stroke="#999"/>`);
    out.push(`<text x="${X(v)}" y="${y0 + top + ph + 17}" font-size="11" text-anchor="middle">${num(v)}</text>`);
  }
  out.push(`<text x="${x0 + left + pw / 2}" y="${y0 + h - 6}" font-size="12" text-anchor="middle">gradient-flow time t = lr·step (${t.steps.toLocaleString('en-US')} steps of lr ${r.settings.lr})</text>`);
  out.push(`<text transform="translate(${x0 + 14} ${y0 + top + ph / 2}) rotate(-90)" font-size="12" text-anchor="middle">gain ‖W̄eᵢ‖ / final gain</text>`);
  t.curve.gains.forEach((g, i) => {
    const pts = t.curve.step.map((s, k) => `${X(s * lr).toFixed(2)},${Y(g[k] / t.finalGains[i]).toFixed(2)}`).join(' ');
    out.push(`<polyline points="${pts}" fill="none" stroke="${COLOURS[i % COLOURS.length]}" stroke-width="2"/>`);
  });
  t.criticalTimes.forEach((ct, i) => {
    if (ct === null) return;
    const c = COLOURS[i % COLOURS.length];
    out.push(`<line x1="${X(ct)}" x2="${X(ct)}" y1="${y0 + top}" y2="${y0 + top + ph}" stroke="${c}" stroke-dasharray="3 3"/>`);
    out.push(`<circle cx="${X(ct)}" cy="${Y(CRITICAL_FRACTION)}" r="4" fill="${c}"/>`);
    const right = X(ct) > x0 + left + 0.7 * pw; // label on the line's left near the right edge
    out.push(`<text x="${X(ct) + (right ? -4 : 4)}" y="${y0 + top + 14 + 14 * i}" font-size="11" fill="${c}" text-anchor="${right ? 'end' : 'start'}">t*${i + 1} = ${num(ct)}</text>`);
  });
  return out.join('\n');
}

/** Split a sentence into lines of at most `width` characters, at spaces. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

export function biasDemoSvg(r: BiasDemoResult): string {
  const width = 2 * PANEL.w + 20;
  const legendY = PANEL.h + 18;
  const legend = r.settings.lambdas.map((l, i) => {
    const x = PANEL.left + (i % 4) * 230;
    const y = legendY + 18 * Math.floor(i / 4);
    const c = COLOURS[i % COLOURS.length];
    return `<line x1="${x}" x2="${x + 22}" y1="${y}" y2="${y}" stroke="${c}" stroke-width="3"/><text x="${x + 28}" y="${y + 4}" font-size="12">feature ${i + 1}: λ = ${l}, ρ = ${r.settings.rhos[i]}</text>`;
  });
  const textY = legendY + 18 * Math.ceil(r.settings.lambdas.length / 4) + 10;
  const lines = wrap(`${r.sentence} Encoder depth L = ${r.settings.depth}, W̄(0) = ${r.settings.init}·I; critical time t*: gain at ${CRITICAL_FRACTION} of its final value.`, 150);
  const height = textY + 16 * lines.length;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    panel(r, r.mae, 0, 0),
    panel(r, r.jepa, PANEL.w + 20, 0),
    ...legend,
    ...lines.map((l, k) => `<text x="${PANEL.left}" y="${textY + 16 * k}" font-size="12">${esc(l)}</text>`),
    '</svg>',
    '',
  ].join('\n');
}
