// A sweep's rows as a table (RFC 4180 CSV, io/csv.ts): one line per finished run, its settings and
// its numbers at the end — the linear probe and its floor, the k-NN probe and its floor, the
// groups' multi-information — without the per-step probes (those stay in sweep.jsonl).
import type { SweepRow } from '../engine/sweep';
import { toCsv } from './csv';

/** The columns of sweep.csv, in order (a row written before a column existed leaves it empty). */
export const SWEEP_CSV_COLUMNS = [
  'key',
  'mode',
  'lambda',
  'beta',
  'proximal',
  'seed',
  'steps',
  'predLoss',
  'zeroShare',
  'top1',
  'top5',
  'floorTop1',
  'floorTop5',
  'bestTop1',
  'bestStep',
  'knnTop1',
  'floorKnnTop1',
  'totalCorrelation',
  'configHash',
] as const satisfies readonly (keyof SweepRow)[];

/** sweep.csv: a header, then one line per row. */
export function sweepCsv(rows: readonly SweepRow[]): string {
  return toCsv(
    SWEEP_CSV_COLUMNS,
    rows.map((r) => SWEEP_CSV_COLUMNS.map((c) => r[c])),
  );
}
