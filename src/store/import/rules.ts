// Importing a run trained outside the page (interop/pytorch/train.py, `npm run train`), as pure
// rules: which picked file is which, whether the files are one run (the metrics end at the
// weights' step, their sparse-head fields and G×K norms fit the weights' model, config.json is the
// weights' config, the probes lie within the run), the Runs table's record of it, and which
// dataset the page needs to open its weights. Every refusal names the file.
import { FIELD_ROLES, type LabConfig } from '../../engine/config';
import type { StepMetrics } from '../../engine/types';
import { parseRunMetadata, RunFileError, type ProbeLine, type RunMetadata } from '../../io/runFiles';
import type { DatasetSource, ProbeReport, RunWeightsInfo, ImportedFrom, RunRecord } from '../../worker/protocol';
import { datasetName, formatDatasetId, isBuiltIn, readDatasetId, SERVED_ARCHIVE } from '../../data/datasetId';
import { sourceFor } from '../run/rules';
import { appendPoint } from '../runs/db';

export { RunFileError };

const MODE = { sparse: 'SparseJEPA', jepa: 'JEPA', mae: 'MAE' } as const;
const EXPECTED = 'a run is imported from its metrics.jsonl with its weights.safetensors, and optionally its config.json and probes.jsonl';

/** The picked files, sorted by what they are (`ignored`: files of a run folder the page does not import). */
export interface RunFiles<F> {
  metrics: F;
  weights: F;
  config?: F;
  probes?: F;
  ignored: F[];
}

/** Sort picked files by name: *.safetensors the weights (a checkpoint aside), *.jsonl the metrics (probes*, health* aside), *.json the config. */
export function sortRunFiles<F extends { name: string }>(files: readonly F[]): RunFiles<F> {
  const found: Partial<Record<'metrics' | 'weights' | 'config' | 'probes', F>> = {};
  const ignored: F[] = [];
  const put = (kind: keyof typeof found, f: F) => {
    const had = found[kind];
    if (had) throw new RunFileError(`two ${kind === 'weights' ? 'weights' : kind} files (${had.name}, ${f.name}): one run at a time`);
    found[kind] = f;
  };
  for (const f of files) {
    const n = f.name.toLowerCase();
    if (n.endsWith('.safetensors')) {
      if (n.includes('checkpoint')) ignored.push(f);
      else put('weights', f);
    } else if (n.endsWith('.jsonl')) {
      if (n.includes('probe')) put('probes', f);
      else if (n.includes('health')) ignored.push(f);
      else put('metrics', f);
    } else if (n.endsWith('.json')) put('config', f);
    else throw new RunFileError(`${f.name} is not a file of a run: ${EXPECTED}`);
  }
  const names = files.map((f) => f.name).join(', ') || 'none';
  if (!found.metrics) throw new RunFileError(`no metrics.jsonl among the files (${names}): ${EXPECTED}`);
  if (!found.weights) throw new RunFileError(`no weights .safetensors among the files (${names})${ignored.some((f) => f.name.endsWith('.safetensors')) ? ' (a checkpoint is not the weights)' : ''}: ${EXPECTED}`);
  return { metrics: found.metrics, weights: found.weights, config: found.config, probes: found.probes, ignored };
}

/** A run's files, read and checked to be one run. */
export interface ImportedRun {
  config: LabConfig;
  step: number;
  metrics: StepMetrics[];
  probes: ProbeLine[];
  /** train.py's `run` metadata; null for the lab's own weights (npm run train). */
  run: RunMetadata | null;
  files: string[];
  /** Training images per epoch, from the metrics (step × batch / epoch); undefined when they cannot say. */
  trainSize?: number;
}

export interface RunFilesRead {
  metrics: { name: string; lines: StepMetrics[] };
  weights: { name: string; info: RunWeightsInfo };
  config?: { name: string; config: LabConfig };
  probes?: { name: string; lines: ProbeLine[] };
}

/** The fields two configs differ in. */
function differingFields(a: LabConfig, b: LabConfig): string[] {
  return (Object.keys(FIELD_ROLES) as (keyof LabConfig)[]).filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}

/** Training images per epoch the metrics imply: epoch = images seen / train size, images seen = step × batch. */
export function impliedTrainSize(metrics: readonly StepMetrics[], batchSize: number): number | undefined {
  const last = metrics[metrics.length - 1];
  return last && last.epoch > 0 ? Math.round((last.step * batchSize) / last.epoch) : undefined;
}

/** The files are one run, or a RunFileError says which file does not belong and why. */
export function checkOneRun(f: RunFilesRead): ImportedRun {
  const { config, dims, step } = f.weights.info;
  const W = f.weights.name;
  const M = f.metrics.name;
  const run = parseRunMetadata(f.weights.info.run, W);
  if (f.config) {
    const fields = differingFields(f.config.config, config);
    if (fields.length) throw new RunFileError(`${f.config.name} is not the config of ${W}: they differ in ${fields.join(', ')}`);
  }
  const metrics = f.metrics.lines;
  const last = metrics[metrics.length - 1].step;
  if (last !== step) {
    throw new RunFileError(`${M} ends at step ${last}, ${W} holds the weights of step ${step}: not one run (train.py writes weights.safetensors at its last step)`);
  }
  const sparse = config.mode === 'sparse';
  if (sparse && metrics.some((m) => m.groupLr === undefined)) {
    throw new RunFileError(`${M} lacks the sparse head's groupLr at step ${metrics.find((m) => m.groupLr === undefined)!.step}, but ${W} holds a SparseJEPA model: not one run`);
  }
  if (!sparse && metrics.some((m) => m.groupLr !== undefined || m.groupNorms)) {
    throw new RunFileError(`${M} has the sparse head's fields (groupLr, groupNorms), but ${W} holds a ${MODE[config.mode]} model: not one run`);
  }
  for (const m of metrics) {
    if (!m.groupNorms) continue;
    const G = m.groupNorms.length;
    const K = m.groupNorms[0]?.length ?? 0;
    if (G !== dims.numGroups || K !== dims.latentDim) {
      throw new RunFileError(`${M} has ${G}×${K} group norms (G×K) at step ${m.step}, ${W}'s model has ${dims.numGroups}×${dims.latentDim}: another architecture`);
    }
  }
  const probes = f.probes?.lines ?? [];
  const late = probes.find((p) => p.step > last);
  if (late) throw new RunFileError(`${f.probes!.name} has a probe at step ${late.step}, after the run's last step ${last}: not this run's probes`);
  const files = [M, W, ...(f.config ? [f.config.name] : []), ...(f.probes ? [f.probes.name] : [])];
  return { config, step, metrics, probes, run, files, trainSize: impliedTrainSize(metrics, config.batchSize) };
}

/** Where a record's run came from, for the Runs table. */
export function importedFrom(run: ImportedRun, now: number): ImportedFrom {
  const r = run.run;
  return {
    source: r?.source ?? 'command line',
    ...(r ? { runId: r.id } : {}),
    ...(r?.torch ? { torch: r.torch } : {}),
    ...(r?.device ? { device: r.device } : {}),
    ...(r?.processes ? { processes: r.processes } : {}),
    dataset: r?.dataset ?? run.config.dataset,
    files: run.files,
    importedAt: now,
  };
}

const baseName = (path: string) => path.split(/[\\/]/).filter(Boolean).pop() ?? path;

/** "Runs" table label of the source: "PyTorch · cpu · 2 processes", "command line". */
export function sourceLabel(f: ImportedFrom): string {
  if (f.source !== 'pytorch') return f.source;
  const parts = ['PyTorch', f.device, f.processes ? `${f.processes} process${f.processes === 1 ? '' : 'es'}` : undefined];
  return parts.filter(Boolean).join(' · ');
}

/**
 * The Runs table's record of an imported run: its loss series (thinned as the page's own), its
 * probes (probes.jsonl's; a re-import keeps the ones the page computed at other steps).
 */
export function importedRecord(id: string, run: ImportedRun, now: number, previous?: RunRecord): RunRecord {
  const from = importedFrom(run, now);
  const c = run.config;
  const rec: RunRecord = {
    runId: id,
    name: run.run?.name ?? `${MODE[c.mode]} ${c.preset} seed ${c.seed} (${from.source})`,
    createdAt: previous?.createdAt ?? now,
    updatedAt: now,
    config: c,
    backend: null,
    dataset: { id: c.dataset, name: baseName(from.dataset) },
    state: run.step >= c.steps ? 'done' : 'paused',
    step: 0,
    lastLoss: null,
    series: [],
    stride: 1,
    probes: [],
    imported: from,
  };
  for (const m of run.metrics) appendPoint(rec, { step: m.step, loss: m.loss, predLoss: m.predLoss, klLoss: m.klLoss, groupPenalty: m.groupPenalty });
  // A probe line carries no duration: ms is NaN (not measured here), not 0.
  const fromFile: ProbeReport[] = run.probes.map((p) => ({ ...p, runId: id, ms: NaN, floorCached: false }));
  const kept = (previous?.probes ?? []).filter((p) => !fromFile.some((q) => q.step === p.step));
  rec.probes = [...fromFile, ...kept].sort((a, b) => a.step - b.step);
  return rec;
}

/** The record id of an imported run: train.py's run id, else (the lab's own files) a digest of the weights, so a re-import finds its record. */
export function importedRunId(run: ImportedRun, weightsDigestHex: string): string {
  return `imported-${run.run?.id ?? weightsDigestHex.slice(0, 32)}`;
}

/** The dataset the page must have loaded to open a run's weights, and where it can get it by itself (null: the person picks it). */
export interface RunData {
  id: string;
  name: string;
  source: DatasetSource | null;
}

/**
 * What `dataset` (a run's config.dataset) is in the page: a built-in set or the served CIFAR-100
 * it loads by itself; a picked file (`file:NAME`); or a path on the machine that trained
 * (train.py's), which is the picked file of that name — the served archive when it is that one.
 */
export function dataForRun(dataset: string, baseUrl: string, servedArchive: boolean): RunData {
  const id = dataset.trim();
  const d = readDatasetId(id);
  if (isBuiltIn(d)) return { id, name: datasetName(d), source: sourceFor(id, baseUrl) };
  if (d?.kind === 'cifar-100') return { id, name: datasetName(d), source: servedArchive ? sourceFor(id, baseUrl) : null };
  if (d?.kind === 'file') return { id, name: datasetName(d), source: null };
  const name = baseName(id);
  const served = formatDatasetId({ kind: 'cifar-100' });
  if (name === SERVED_ARCHIVE && servedArchive) return { id: served, name, source: sourceFor(served, baseUrl) };
  return { id: formatDatasetId({ kind: 'file', name }), name, source: null };
}
