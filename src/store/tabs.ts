// Two tabs of the lab, one browser: each tab holds the Web Lock of the run it has open
// ("sparsejepa-lab-run:<id>", src/worker/runLocks.ts), so the same run is never trained in two tabs
// at once; a tab that asks for a run another tab holds is told which tab has it, over a
// BroadcastChannel (each tab answers for the runs it holds with its own description). The same
// channel carries news of checkpoints saved and deleted, so each tab's Runs table stays current.
// Without Web Locks (an old browser, Node tests) every run counts as free.
import { lockManager, lockedRunIds, runLockName } from '../worker/runLocks';
import type { RunId, SavedRunInfo } from '../worker/protocol';
import { noteDeleted, noteSaved } from './keeping/state';
import { refreshRecord } from './runs/state';
import { useLab } from './run/state';

const CHANNEL = 'sparsejepa-lab-tabs';
/** How long a tab waits for the holder of a run to say who it is. */
export const WHO_TIMEOUT_MS = 400;

/** A checkpoint saved or deleted in some tab. */
export type News = { type: 'saved'; info: SavedRunInfo } | { type: 'deleted'; runId: RunId };

type Message = { type: 'who-has'; runId: RunId; from: string } | { type: 'has'; runId: RunId; to: string; holder: string } | News;

export type Hold = { ok: true } | { ok: false; holder: string };

export interface ChannelLike {
  postMessage(m: unknown): void;
  onmessage: ((e: MessageEvent) => void) | null;
  close?(): void;
}

export class TabLocks {
  private readonly held = new Map<RunId, () => void>();
  readonly tabId: string;

  /**
   * @param describe what this tab says about itself and a run it holds ("the tab opened at 10:04:05, at step 37")
   */
  constructor(
    private readonly describe: (runId: RunId) => string,
    private readonly onNews: (n: News) => void = () => undefined,
    private readonly locks: LockManager | null = lockManager(),
    private readonly channel: ChannelLike | null = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(CHANNEL),
  ) {
    this.tabId = typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : String(Math.random());
    if (this.channel) {
      this.channel.onmessage = (e: MessageEvent<Message>) => {
        const m = e.data;
        if (m.type === 'who-has' && this.held.has(m.runId)) this.channel!.postMessage({ type: 'has', runId: m.runId, to: m.from, holder: this.describe(m.runId) } satisfies Message);
        if (m.type === 'saved' || m.type === 'deleted') this.onNews(m);
      };
    }
  }

  /** Tell the other tabs a checkpoint was saved or deleted here. */
  announce(n: News): void {
    this.channel?.postMessage(n satisfies Message);
  }

  /** Take run `runId`'s lock for this tab, or say which tab has it. */
  async hold(runId: RunId): Promise<Hold> {
    if (this.held.has(runId)) return { ok: true };
    if (!this.locks) {
      this.held.set(runId, () => undefined);
      return { ok: true };
    }
    const got = await new Promise<boolean>((resolve) => {
      void this.locks!.request(runLockName(runId), { ifAvailable: true }, (lock) => {
        if (!lock) return resolve(false);
        resolve(true);
        return new Promise<void>((release) => this.held.set(runId, release));
      });
    });
    return got ? { ok: true } : { ok: false, holder: await this.whoHas(runId) };
  }

  /** Let go of run `runId` (another run took its place in this tab). */
  release(runId: RunId): void {
    this.held.get(runId)?.();
    this.held.delete(runId);
  }

  /** Release every run but `keep`. */
  releaseAllBut(keep: RunId | null): void {
    for (const id of [...this.held.keys()]) if (id !== keep) this.release(id);
  }

  /** Runs some other tab holds. */
  async heldElsewhere(): Promise<Set<RunId>> {
    const all = await lockedRunIds(this.locks).catch(() => new Set<RunId>());
    for (const id of this.held.keys()) all.delete(id);
    return all;
  }

  /** Ask the other tabs who holds `runId`. */
  private whoHas(runId: RunId): Promise<string> {
    const fallback = 'another tab or window of this browser';
    const channel = this.channel;
    if (!channel) return Promise.resolve(fallback);
    return new Promise((resolve) => {
      const previous = channel.onmessage;
      const timer = setTimeout(() => finish(fallback), WHO_TIMEOUT_MS);
      const finish = (who: string) => {
        clearTimeout(timer);
        channel.onmessage = previous;
        resolve(who);
      };
      channel.onmessage = (e: MessageEvent<Message>) => {
        previous?.call(channel as never, e);
        if (e.data.type === 'has' && e.data.runId === runId && e.data.to === this.tabId) finish(e.data.holder);
      };
      channel.postMessage({ type: 'who-has', runId, from: this.tabId } satisfies Message);
    });
  }
}

/** When this tab was opened (its name in the other tabs' messages, and on its own page). */
export const TAB_OPENED_AT = new Date();
export const tabName = () => `the tab opened at ${TAB_OPENED_AT.toLocaleTimeString([], { hour12: false })}`;

/** This tab's own: its locks, made on first use (a BroadcastChannel is opened then). */
const thisTab: { locks?: TabLocks } = {};

/** This tab's locks. */
export function tabLocks(): TabLocks {
  thisTab.locks ??= new TabLocks(
    (runId) => {
      const s = useLab.getState();
      if (s.run?.runId !== runId) return tabName();
      return `${tabName()} (step ${s.metrics.at(-1)?.step ?? 0}, ${s.runState})`;
    },
    (news) => {
      if (news.type === 'saved') {
        noteSaved(news.info);
        void refreshRecord(news.info.runId);
      } else noteDeleted(news.runId);
    },
  );
  return thisTab.locks;
}
