// The page's state of keeping work (no commands here: those are in keeping/commands.ts): the
// checkpoints saved in this browser (every run's), the newest one of the run shown, whether
// checkpoints are off and why, the storage budget, what happened to the run (resumed, rolled
// back, evicted) and a saved run offered when the page did not continue one by itself.
import { create } from 'zustand';
import type { RollbackReason, RunId, RunInfo, SavedRunInfo, WorkerEvent } from '../../worker/protocol';
import { DEFAULT_BUDGET_BYTES } from '../../worker/checkpointStore';
import { syncUrl } from '../address';
import { megabytes, modeLabel, withHyperMark } from '../run/rules';
import { flushMetrics, useLab } from '../run/state';

export interface KeepingState {
  /** The newest checkpoint of the run shown that is written to this browser's storage. */
  saved: { step: number; savedAt: number } | null;
  /** Checkpoints are off for the run shown (storage refused one): why, and the newest one still stored. */
  off: { reason: string; lastGood: { step: number; savedAt: number } | null } | null;
  saveError: string | null;
  /** What happened: resumed after a reload, rolled back (divergence, lost device), checkpoints evicted by the budget. */
  notice: { kind: 'resumed' | 'evicted' | RollbackReason; text: string } | null;
  /** A saved run the page did not continue by itself (other settings, a file to pick again). */
  offer: SavedRunInfo | null;
  offerError: string | null;
  /** Every checkpoint saved in this browser, by run id (the Runs table offers Resume on these). */
  savedRuns: Record<RunId, SavedRunInfo>;
  /** Saved checkpoints that could not be read, with why. */
  unreadable: { runId: string; reason: string }[];
  /** The storage budget for all checkpoints together (a setting of this browser). */
  budgetBytes: number;
}

const BUDGET_KEY = 'sparsejepa-lab-checkpoint-budget';

function storedBudget(): number {
  try {
    const v = Number(globalThis.localStorage?.getItem(BUDGET_KEY));
    return Number.isFinite(v) && v > 0 ? v : DEFAULT_BUDGET_BYTES;
  } catch {
    return DEFAULT_BUDGET_BYTES;
  }
}

export function rememberBudget(bytes: number): void {
  try {
    globalThis.localStorage?.setItem(BUDGET_KEY, String(bytes));
  } catch {
    // not kept across reloads; the page says nothing (the setting still applies now)
  }
}

export const initialKeepingState = (): KeepingState => ({
  saved: null,
  off: null,
  saveError: null,
  notice: null,
  offer: null,
  offerError: null,
  savedRuns: {},
  unreadable: [],
  budgetBytes: storedBudget(),
});

export const useKeeping = create<KeepingState>()(() => initialKeepingState());

// Another run on the page (Reset, imported weights): nothing of it is saved yet, and the notice was about the old one.
/** Another run shown: what happened to the last one's checkpoints is not this one's. */
export function keepingOnRunShown(prev: RunInfo | null, run: RunInfo | null): void {
  if (run?.runId !== prev?.runId) useKeeping.setState({ saved: null, off: null, saveError: null, notice: null });
}

/** A checkpoint landed (this tab's, or another tab's): the Runs table can resume its run. */
export function noteSaved(info: SavedRunInfo): void {
  const k = useKeeping.getState();
  useKeeping.setState({ savedRuns: { ...k.savedRuns, [info.runId]: info } });
}

/** A checkpoint was deleted (here or in another tab). */
export function noteDeleted(runId: RunId): void {
  const k = useKeeping.getState();
  if (!(runId in k.savedRuns) && k.offer?.runId !== runId) return;
  const savedRuns = { ...k.savedRuns };
  delete savedRuns[runId];
  useKeeping.setState({ savedRuns, ...(k.offer?.runId === runId ? { offer: null, offerError: null } : {}) });
}

/** The saved-run list, replaced (as the worker listed it). */
export function setSavedRuns(runs: SavedRunInfo[], unreadable: { runId: string; reason: string }[] = []): void {
  useKeeping.setState({ savedRuns: Object.fromEntries(runs.map((r) => [r.runId, r])), unreadable });
}

const timeText = (t: number) => new Date(t).toLocaleTimeString();

/** Checkpoints, rollbacks (of the run shown; events of replaced runs are dropped) and evictions. */
export function handleKeepingEvent(e: WorkerEvent): void {
  if (e.type === 'evicted') {
    const savedRuns = { ...useKeeping.getState().savedRuns };
    for (const r of e.evicted) delete savedRuns[r.runId];
    const list = e.evicted.map((r) => `step ${r.step} of a ${modeLabel(r.config.mode)} ${r.config.preset} run saved at ${timeText(r.savedAt)} (${megabytes(r.bytes)})`);
    useKeeping.setState({
      savedRuns,
      notice: {
        kind: 'evicted',
        text: `Checkpoint storage budget ${megabytes(e.budgetBytes)}: deleted the oldest checkpoint${e.evicted.length > 1 ? 's' : ''} to make room — ${list.join('; ')}. Those runs stay in the Runs table but can no longer be resumed. Checkpoints now use ${megabytes(e.usedBytes)}.`,
      },
    });
    return;
  }
  if (e.type !== 'checkpoint' && e.type !== 'rollback') return;
  const s = useLab.getState();
  if (e.type === 'checkpoint') {
    if (e.saved) noteSaved(e.saved);
    if (!s.run || e.runId !== s.run.runId) return;
    if (e.off) useKeeping.setState({ off: { reason: e.error ?? 'storage refused the checkpoint', lastGood: e.lastGood ?? null } });
    else if (e.error) useKeeping.setState({ saveError: e.error });
    else {
      const offer = useKeeping.getState().offer;
      useKeeping.setState({
        saved: { step: e.step, savedAt: e.savedAt ?? Date.now() },
        off: null,
        saveError: null,
        ...(offer?.runId === e.runId ? { offer: null, offerError: null } : {}),
      });
    }
    return;
  }
  if (!s.run || e.runId !== s.run.runId) return;
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

export function dismissNotice(): void {
  useKeeping.setState({ notice: null });
}
