// Metrics as CSV (RFC 4180: comma-separated, CRLF line ends, quoted fields where needed).
import type { StepMetrics } from '../engine/types';

/** Scalar columns written for each step, in order. groupNorms go to the JSON export only. */
export const METRIC_COLUMNS = [
  'step',
  'epoch',
  'loss',
  'predLoss',
  'klLoss',
  'groupPenalty',
  'lr',
  'wd',
  'ema',
  'imgPerSec',
  'lambda',
  'beta',
  'zeroShare',
  'groupLr',
  'contextKept',
  'targetKept',
] as const satisfies readonly (keyof StepMetrics)[];

export function csvField(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : String(v);
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const lines = [header.map(csvField).join(',')];
  for (const r of rows) lines.push(r.map(csvField).join(','));
  return lines.join('\r\n') + '\r\n';
}

export function metricsToCsv(rows: readonly StepMetrics[]): string {
  return toCsv(
    METRIC_COLUMNS,
    rows.map((m) => METRIC_COLUMNS.map((c) => m[c])),
  );
}

/** Parse CSV produced by toCsv (quoted fields, embedded commas/quotes/newlines). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
