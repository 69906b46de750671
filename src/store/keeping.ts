// The page's side of keeping work: the run saved in this browser (resume it after a reload, or
// offer it when the page cannot by itself), checkpoints as they land, and rollbacks (a diverged
// step, a lost GPU device) that cut the charts back to the checkpoint's step.
import { create } from 'zustand';
import type { LabConfig } from '../engine/config';
import type { LiveHyper } from '../engine/types';
import type { DatasetSource, HyperChange, ResumedRun, RollbackReason, SavedRunInfo, WorkerEvent } from '../worker/protocol';
import { SERVED_ARCHIVE, loadDataset, resetRun, syncUrl, workerApi } from './actions';
import { clearSeries, flushMetrics, groupTotals, useLab, type HyperMark } from './runStore';

export interface KeepingState {
  /** The newest checkpoint of the run shown that is written to this browser's storage. */
  saved: { step: number; savedAt: number } | null;
  saveError: string | null;
  /** What happened to the run: resumed after a reload, rolled back after a divergence or a lost device. */
  notice: { kind: 'resumed' | RollbackReason; text: string } | null;
  /** A saved run the page did not continue by itself (other settings, a file to pick again, or damaged). */
  offer: SavedRunInfo | null;
  offerError: string | null;
}

export const initialKeepingState = (): KeepingState => ({ saved: null, saveError: null, notice: null, offer: null, offerError: null });

export const useKeeping = create<KeepingState>()(() => initialKeepingState());

// Another run on the page (Reset, imported weights): nothing of it is saved yet, and the notice was about the old one.
useLab.subscribe((s, prev) => {
  if (s.run !== prev.run && s.run?.runId !== prev.run?.runId) useKeeping.setState({ saved: null, saveError: null, notice: null });
});

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));
const LIVE = ['lambda', 'beta', 'lr'] as const;

/** Same run settings, apart from the ones that change live (λ, β, lr, probe interval). */
export function sameRunSettings(a: LabConfig, b: LabConfig): boolean {
  const fixed = (c: LabConfig) => JSON.stringify({ ...c, lambda: 0, beta: 0, lr: 0, probeEvery: 0 });
  return fixed(a) === fixed(b);
}

/** The chart marks after a λ/β/lr change at `atStep` (the same rule the live 'hyper' events follow). */
export function withHyperMark(marks: HyperMark[], atStep: number, hyper: LiveHyper, runConfig: LiveHyper): HyperMark[] {
  const kept = marks.filter((m) => m.step < atStep);
  const prev: LiveHyper = kept[kept.length - 1] ?? runConfig;
  const changed = LIVE.filter((k) => prev[k] !== hyper[k]);
  return changed.length ? [...kept, { step: atStep, ...hyper, changed }] : kept;
}

export function marksFromLog(log: HyperChange[], runConfig: LiveHyper): HyperMark[] {
  return log.reduce<HyperMark[]>((marks, h) => withHyperMark(marks, h.atStep, h.hyper, runConfig), []);
}

/** The loaded dataset can be reloaded without the person: built-in, or the served archive. */
function sourceFor(datasetId: string): DatasetSource | null {
  if (datasetId === 'synthetic') return { kind: 'synthetic' };
  if (datasetId === 'cifar-100') return { kind: 'served', url: `${import.meta.env.BASE_URL}data/${SERVED_ARCHIVE}`, name: SERVED_ARCHIVE };
  return null;
}

function savedAtText(t: number): string {
  return new Date(t).toLocaleTimeString();
}

/** Put a resumed run on the page: its settings, metrics so far, marks; paused at its step. */
function showResumed(r: ResumedRun): void {
  clearSeries();
  const s = useLab.getState();
  const runConfig = r.run.config;
  const marks = withHyperMark(marksFromLog(r.history.hyper, runConfig), r.step + 1, r.hyper, runConfig);
  useLab.setState({
    run: r.run,
    runState: 'paused',
    runMessage: null,
    config: { ...runConfig, ...r.hyper },
    metrics: r.history.metrics.slice(),
    norms: r.history.norms.map((n) => ({ ...n, groupTotals: groupTotals(n) })),
    marks,
    version: s.version + 1,
    weights: null,
  });
  syncUrl();
  useKeeping.setState({
    saved: { step: r.step, savedAt: r.savedAt },
    saveError: null,
    notice: { kind: 'resumed', text: `Resumed from step ${r.step} (saved at ${savedAtText(r.savedAt)}). Press Start to continue.` },
    offer: null,
    offerError: null,
  });
}

/** Continue the saved run on the dataset loaded now. Returns whether it did. */
async function resumeSaved(): Promise<boolean> {
  try {
    showResumed(await workerApi().resumeSaved());
    return true;
  } catch (e) {
    useKeeping.setState({ offerError: `The saved run could not be resumed: ${errText(e)}` });
    return false;
  }
}

/**
 * After the worker (re)starts with a dataset loaded: continue the saved run when it has these
 * settings and this dataset (a reload, a crashed tab, a backend switch), else build a fresh model
 * and offer the saved run.
 */
export async function resumeOrReset(): Promise<void> {
  let saved: SavedRunInfo | null = null;
  try {
    saved = await workerApi().savedRun();
  } catch (e) {
    useKeeping.setState({ offerError: `The saved run could not be read: ${errText(e)}` });
  }
  const { config, dataset } = useLab.getState();
  useKeeping.setState({ offer: saved });
  if (saved && dataset?.id === saved.dataset.id && sameRunSettings(saved.config, config) && (await resumeSaved())) return;
  await resetRun();
}

/** Continue the offered run: its settings, its dataset (reloaded when the page can), its checkpoint. */
export async function resumeOffered(): Promise<void> {
  const offer = useKeeping.getState().offer;
  if (!offer) return;
  if (useLab.getState().dataset?.id !== offer.dataset.id) {
    const source = sourceFor(offer.dataset.id);
    if (!source) {
      useKeeping.setState({ offerError: `Pick ${offer.dataset.name} again (Data, CIFAR file(s)) to resume this run.` });
      return;
    }
    if (!(await loadDataset(source))) return;
  }
  useLab.setState({ config: { ...offer.config } });
  await resumeSaved();
}

/** A dataset was just loaded: when it is the one the offered run trained on, resume that run. */
export async function resumeOfferedOn(datasetId: string): Promise<boolean> {
  const offer = useKeeping.getState().offer;
  if (!offer || offer.dataset.id !== datasetId) return false;
  useLab.setState({ config: { ...offer.config } });
  return resumeSaved();
}

export async function discardSaved(): Promise<void> {
  try {
    await workerApi().discardSaved();
    useKeeping.setState({ saved: null, saveError: null, offer: null, offerError: null });
  } catch (e) {
    useKeeping.setState({ saveError: `Could not discard the saved run: ${errText(e)}` });
  }
}

export function dismissNotice(): void {
  useKeeping.setState({ notice: null });
}

/** Checkpoints and rollbacks of the run shown (events of replaced runs are dropped). */
export function handleKeepingEvent(e: WorkerEvent): void {
  if (e.type !== 'checkpoint' && e.type !== 'rollback') return;
  const s = useLab.getState();
  if (!s.run || e.runId !== s.run.runId) return;
  if (e.type === 'checkpoint') {
    if (e.error) useKeeping.setState({ saveError: e.error });
    else useKeeping.setState({ saved: { step: e.step, savedAt: e.savedAt ?? Date.now() }, saveError: null, offer: null, offerError: null });
    return;
  }
  flushMetrics();
  const now = useLab.getState();
  const upTo = <T extends { step: number }>(xs: T[]) => xs.filter((x) => x.step <= e.step);
  const marks = withHyperMark(upTo(now.marks), e.step + 1, e.hyper, now.run!.config);
  useLab.setState({
    metrics: upTo(now.metrics),
    norms: upTo(now.norms),
    marks,
    version: now.version + 1,
    config: { ...now.config, ...e.hyper },
    backend: e.backend ?? now.backend,
  });
  syncUrl();
  useKeeping.setState({ notice: { kind: e.reason, text: e.message } });
}
