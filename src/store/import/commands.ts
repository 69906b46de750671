// Bringing a run trained outside the page back into the lab, as commands (queued like every
// other, through workerLine.ts): import its files into the Runs table — checked to be one run
// (import/rules.ts), its weights by the worker against the model its config describes — and open
// its weights, standing at the run's step, for Evaluate and the latent-sharing views, on the data
// it trained on (loaded by the page, or picked by the person). An imported run does not train
// here; the files of the runs imported in this tab are kept in its memory, not in the browser.
import { parseConfig } from '../../engine/config';
import { parseMetricsJsonl, parseProbesJsonl, parseRunConfig } from '../../io/runFiles';
import { normsMatrix, type NormsMatrix, type RunInfo, type StepScalars, type RunRecord } from '../../worker/protocol';
import { syncUrl } from '../address';
import { command, transfer, workerApi } from '../workerLine';
import { showRun } from '../dispatch';
import { checkOneRun, dataForRun, importedRecord, importedRunId, sortRunFiles, sourceLabel } from './rules';
import { loadDatasetFiles, loadOwnDatasetNow } from '../keeping/commands';
import { addRecord, useRuns } from '../runs/state';
import { clearSeries, groupTotals, useLab, type NormSnapshot } from '../run/state';
import { tabLocks } from '../tabs';
import { ImportedFiles, useImport } from './state';
import { errText } from '../../shared/errors';

async function digestHex(bytes: ArrayBuffer): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(d, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Import a run's files (metrics.jsonl and weights.safetensors, optionally config.json and probes.jsonl) into the Runs table. */
export function importRunFiles(files: File[]): Promise<void> {
  return command('Import run', async (setLabel) => {
    useImport.setState({ message: null, error: null, needsData: null });
    try {
      const picked = sortRunFiles(files);
      setLabel(`Reading ${picked.metrics.name}…`);
      const metrics = { name: picked.metrics.name, lines: parseMetricsJsonl(await picked.metrics.text(), picked.metrics.name) };
      const config = picked.config && { name: picked.config.name, config: parseRunConfig(await picked.config.text(), picked.config.name) };
      const probes = picked.probes && { name: picked.probes.name, lines: parseProbesJsonl(await picked.probes.text(), picked.probes.name) };
      setLabel(`Checking ${picked.weights.name}…`);
      const bytes = await picked.weights.arrayBuffer();
      const sent = bytes.slice(0);
      const info = await workerApi().checkRunWeights(transfer(sent, [sent]), { fileName: picked.weights.name, ...(config ? { config: config.config } : {}) });
      const run = checkOneRun({ metrics, weights: { name: picked.weights.name, info }, config, probes });
      const id = importedRunId(run, run.run ? '' : await digestHex(bytes));
      const previous = useRuns.getState().runs.find((r) => r.runId === id);
      const rec = importedRecord(id, run, Date.now(), previous);
      await addRecord(rec);
      const kept: ImportedFiles = { weights: bytes, weightsName: picked.weights.name, metrics: run.metrics, step: run.step, ...(run.trainSize !== undefined ? { trainSize: run.trainSize } : {}) };
      const ignored = picked.ignored.length ? ` Not imported: ${picked.ignored.map((f) => f.name).join(', ')}.` : '';
      const probeText = rec.probes.length ? `, ${rec.probes.length} probe${rec.probes.length === 1 ? '' : 's'}` : '';
      useImport.setState({
        files: { ...useImport.getState().files, [id]: kept },
        message: { recordId: id, text: `${previous ? 'Imported again' : 'Imported'} "${rec.name}" (${sourceLabel(rec.imported!)}): ${run.step} steps${probeText}, trained on ${rec.imported!.dataset}.${ignored}` },
      });
    } catch (e) {
      useImport.setState({ error: `Nothing imported: ${errText(e)}` });
    }
  });
}

/** The imported record and its files in this tab, or null with the reason shown. */
function importedRun(recordId: string): { rec: RunRecord; files: ImportedFiles } | null {
  const rec = useRuns.getState().runs.find((r) => r.runId === recordId);
  if (!rec?.imported) {
    useImport.setState({ error: 'That imported run is no longer in the Runs table.' });
    return null;
  }
  const files = useImport.getState().files[recordId];
  if (!files) {
    useImport.setState({
      error: `This tab does not hold the files of "${rec.name}" (an imported run's files stay in the tab that imported them, not in the browser): import its ${rec.imported.files.slice(0, 2).join(' and ')} again, then open it.`,
    });
    return null;
  }
  return { rec, files };
}

/** Open an imported run's weights to look at (Evaluate, the sharing views), loading its data when the page can. */
export function openImportedRun(recordId: string): Promise<void> {
  return command('Open imported run', async (setLabel) => {
    useImport.setState({ error: null, needsData: null });
    const found = importedRun(recordId);
    if (!found) return;
    const { rec, files } = found;
    if (useLab.getState().run?.runId === rec.runId) return void useImport.setState({ message: { recordId, text: `"${rec.name}" is the run shown.` } });
    const want = dataForRun(rec.config.dataset, import.meta.env.BASE_URL, useLab.getState().servedArchive);
    if (useLab.getState().dataset?.id !== want.id) {
      if (!want.source || want.source.kind === 'archive' || want.source.kind === 'files') {
        useImport.setState({
          needsData: { recordId, name: want.name, dataset: rec.imported!.dataset },
          error: `"${rec.name}" trained on ${rec.imported!.dataset}, which the page cannot open by itself: pick that archive (${want.name}) below.`,
        });
        return;
      }
      setLabel(`Loading ${want.name}…`);
      if (!(await loadOwnDatasetNow(want.source))) {
        useImport.setState({ error: `"${rec.name}" needs ${want.name}, which could not be loaded: ${useLab.getState().datasetError ?? 'unknown error'}` });
        return;
      }
    }
    await openNow(rec, files, setLabel);
  });
}

/** The data an imported run trained on, picked by the person: load it (as the Data panel does), then open the run on it. */
export async function openImportedRunWith(recordId: string, data: File[]): Promise<void> {
  if (!data.length) return;
  const before = useLab.getState().dataset;
  await loadDatasetFiles(data);
  const after = useLab.getState().dataset;
  if (!after || after === before) {
    useImport.setState({ error: `${data.map((f) => f.name).join(', ')} could not be loaded: ${useLab.getState().datasetError ?? 'see Data'}` });
    return;
  }
  useImport.setState({ needsData: null, error: null });
  await command('Open imported run', async (setLabel) => {
    const found = importedRun(recordId);
    if (found) await openNow(found.rec, found.files, setLabel);
  });
}

/** Inside a command, with the run's data loaded: the worker opens the weights at the run's step; the page shows the run. */
async function openNow(rec: RunRecord, files: ImportedFiles, setLabel: (l: string) => void): Promise<void> {
  const dataset = useLab.getState().dataset;
  if (!dataset) return void useImport.setState({ error: 'No dataset is loaded.' });
  const hold = await tabLocks().hold(rec.runId);
  if (!hold.ok) return void useImport.setState({ error: `"${rec.name}" is open in ${hold.holder}: close it there to open it here.` });
  setLabel(`Opening the weights of ${rec.name}…`);
  try {
    const config = parseConfig({ ...rec.config, dataset: dataset.id });
    const sent = files.weights.slice(0);
    const inspect = { step: files.step, ...(files.trainSize !== undefined ? { trainSize: files.trainSize } : {}) };
    const summary = await workerApi().importSafetensors(transfer(sent, [sent]), { load: true, runId: rec.runId, config, inspect });
    if (!summary.run) {
      tabLocks().release(rec.runId);
      useImport.setState({ error: `Could not open "${rec.name}" on ${dataset.name}: ${files.weightsName}: ${summary.error ?? 'not loaded'}` });
      return;
    }
    showImported(summary.run, files, summary.norms);
    tabLocks().releaseAllBut(rec.runId);
    useImport.setState({
      message: {
        recordId: rec.runId,
        text: `Opened "${rec.name}" at step ${files.step} on ${dataset.name}: Evaluate probes its weights and the latent-sharing views show them. It trained outside the page, so it does not train here.`,
      },
    });
  } catch (e) {
    if (useLab.getState().run?.runId !== rec.runId) tabLocks().release(rec.runId);
    useImport.setState({ error: `Could not open "${rec.name}": ${errText(e)}` });
  }
}

/** The page shows the imported run: its metrics and norms as the charts' series, at its step. */
function showImported(run: RunInfo, files: ImportedFiles, last: NormsMatrix | undefined): void {
  clearSeries();
  const metrics: StepScalars[] = [];
  const norms: NormSnapshot[] = [];
  for (const { groupNorms, ...scalars } of files.metrics) {
    metrics.push(scalars);
    const m = normsMatrix(scalars.step, groupNorms);
    if (m) norms.push({ ...m, groupTotals: groupTotals(m) });
  }
  // The weights' own norms at the last step, when the metrics did not record that step's.
  if (last && norms[norms.length - 1]?.step !== last.step) norms.push({ ...last, groupTotals: groupTotals(last) });
  const s = useLab.getState();
  showRun({
    run,
    runState: files.step >= run.config.steps ? 'done' : 'paused',
    runMessage: null,
    config: run.config,
    parked: s.parked?.datasetId === run.config.dataset ? null : s.parked,
    metrics,
    norms,
    marks: [],
    version: s.version + 1,
    weights: null,
  });
  syncUrl();
}
