// The Transfer table's rows and columns, from the runs kept in this browser (the shape of the
// paper's table I): one row per run, one column per dataset it was probed on — its own training
// data (Evaluate on the training data; its subset, when it has one, makes it a column of its own)
// and every dataset it was transfer-probed on (whole) — each cell the probe at the run's latest
// probed step, beside its floor (the run's random-init encoder on that dataset): the linear probe's,
// and beside it the k-NN read-out's (Evaluate's k-NN and probeEvery's on the training data; the one
// every transfer probe takes from the same encoding of the other dataset).
import type { ProbeKind } from '../../engine/probeKind';
import type { ProbeReport, TransferProbeReport, RunRecord } from '../../worker/protocol';
import { describeSubset, isDefaultSubset } from '../run/rules';

export interface TransferColumn {
  /** The dataset id (for a subset of the training data: the id and the subset). */
  key: string;
  name: string;
  /** Classes of the dataset, when the probes say (transfer probes do): chance is 1 / numClasses. */
  numClasses: number | null;
}

export interface TransferCell {
  top1: number;
  top5: number;
  floorTop1: number;
  floorTop5: number;
  step: number;
  testCount: number;
  /** Probed on the run's own training data (else a transfer probe). */
  own: boolean;
}

export interface TransferRow {
  run: RunRecord;
  /** The linear probe per column. */
  cells: Record<string, TransferCell>;
  /** The k-NN read-out per column (none in probes saved before it). */
  knn: Record<string, TransferCell>;
}

/** A run's transfer probes by probe dataset id (none in records older than transfer probes). */
export const transferProbesOf = (r: RunRecord): Record<string, TransferProbeReport[]> => r.transferProbes ?? {};

/** The probe at the latest step (the most trained encoder); of two at one step, the later one. */
export function latestProbe<T extends ProbeReport>(probes: readonly T[]): T | null {
  return probes.reduce<T | null>((a, b) => (!a || b.step >= a.step ? b : a), null);
}

/** `report` added to `probes` (one per step: a repeat at a step replaces the earlier one), in step order. */
export function withProbe<T extends ProbeReport>(probes: readonly T[], report: T): T[] {
  return [...probes.filter((p) => p.step !== report.step), report].sort((a, b) => a.step - b.step);
}

/** Two records' transfer probes together (a run's record read back while it was probed here). */
export function mergeTransferProbes(a: Record<string, TransferProbeReport[]>, b: Record<string, TransferProbeReport[]>): Record<string, TransferProbeReport[]> {
  const out: Record<string, TransferProbeReport[]> = { ...a };
  for (const [id, list] of Object.entries(b)) out[id] = list.reduce((acc, p) => withProbe(acc, p), out[id] ?? []);
  return out;
}

function ownColumn(r: RunRecord): TransferColumn {
  const { dataset, subset } = r.config;
  if (isDefaultSubset(subset)) return { key: dataset, name: r.dataset.name, numClasses: null };
  const s = describeSubset(subset);
  return { key: `${dataset} | ${s}`, name: `${r.dataset.name} (${s})`, numClasses: null };
}

/** A report's read-out (reports saved before the attentive and k-NN probes are linear). */
const kindIs = (kind: ProbeKind) => (p: ProbeReport) => (p.kind ?? 'linear') === kind;

const cellOf = (p: Omit<ProbeReport, 'runId' | 'ms' | 'floorCached'>, own: boolean): TransferCell => ({
  top1: p.top1,
  top5: p.top5,
  floorTop1: p.randomInitTop1,
  floorTop5: p.randomInitTop5,
  step: p.step,
  testCount: p.testCount,
  own,
});

/** Rows (runs with at least one probe, in the order given) and columns (datasets, in order of first appearance). */
export function transferTable(runs: readonly RunRecord[]): { columns: TransferColumn[]; rows: TransferRow[] } {
  const columns = new Map<string, TransferColumn>();
  const rows: TransferRow[] = [];
  for (const run of runs) {
    const cells: Record<string, TransferCell> = {};
    const knn: Record<string, TransferCell> = {};
    const own = latestProbe(run.probes.filter(kindIs('linear')));
    const ownKnn = latestProbe(run.probes.filter(kindIs('knn')));
    if (own || ownKnn) {
      const col = ownColumn(run);
      if (!columns.has(col.key)) columns.set(col.key, col);
      if (own) cells[col.key] = cellOf(own, true);
      if (ownKnn) knn[col.key] = cellOf(ownKnn, true);
    }
    for (const [id, list] of Object.entries(transferProbesOf(run))) {
      const p = latestProbe(list);
      if (!p) continue;
      const col = columns.get(id);
      if (!col) columns.set(id, { key: id, name: p.probeDataset.name, numClasses: p.numClasses });
      else if (col.numClasses === null) col.numClasses = p.numClasses;
      cells[id] = cellOf(p, false);
      if (p.knn) knn[id] = cellOf({ ...p.knn, step: p.step }, false);
    }
    if (Object.keys(cells).length || Object.keys(knn).length) rows.push({ run, cells, knn });
  }
  return { columns: [...columns.values()], rows };
}
