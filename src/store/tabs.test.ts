import { describe, expect, it } from 'vitest';
import { runLockName } from '../worker/runLocks';
import { TabLocks, type ChannelLike } from './tabs';

/** One origin's Web Locks, shared by the "tabs" of a test (exclusive, ifAvailable only). */
class FakeLocks {
  private held = new Set<string>();
  async request(name: string, _opts: { ifAvailable: boolean }, cb: (lock: { name: string } | null) => Promise<void> | void): Promise<void> {
    if (this.held.has(name)) return void (await cb(null));
    this.held.add(name);
    try {
      await cb({ name });
    } finally {
      this.held.delete(name);
    }
  }
  async query() {
    return { held: [...this.held].map((name) => ({ name })), pending: [] };
  }
}

/** A BroadcastChannel between the tabs: a message reaches every other end. */
function channels(n: number): ChannelLike[] {
  const ends: ChannelLike[] = [];
  for (let i = 0; i < n; i++) {
    const end: ChannelLike = {
      onmessage: null,
      postMessage: (m) => setTimeout(() => ends.forEach((o) => o !== end && o.onmessage?.({ data: m } as MessageEvent))),
    };
    ends.push(end);
  }
  return ends;
}

describe('TabLocks (one run, one tab)', () => {
  it('a second tab cannot take a run the first holds, and is told which tab has it; released, it can', async () => {
    const locks = new FakeLocks() as unknown as LockManager;
    const [c1, c2] = channels(2);
    const news: unknown[] = [];
    const one = new TabLocks((id) => `the tab opened at 10:04:05 (run ${id}, step 37)`, undefined, locks, c1);
    const two = new TabLocks(() => 'the second tab', (n) => news.push(n), locks, c2);
    expect(await one.hold('run-a')).toEqual({ ok: true });
    expect(await two.hold('run-a')).toEqual({ ok: false, holder: 'the tab opened at 10:04:05 (run run-a, step 37)' });
    expect(await two.hold('run-b')).toEqual({ ok: true });
    expect([...(await one.heldElsewhere())]).toEqual(['run-b']);
    one.announce({ type: 'deleted', runId: 'run-z' });
    await new Promise((r) => setTimeout(r, 5));
    expect(news).toEqual([{ type: 'deleted', runId: 'run-z' }]);
    one.releaseAllBut(null);
    await new Promise((r) => setTimeout(r, 0));
    expect(await two.hold('run-a')).toEqual({ ok: true });
    expect((await (locks as unknown as FakeLocks).query()).held.map((l) => l.name).sort()).toEqual([runLockName('run-a'), runLockName('run-b')]);
  });

  it('without Web Locks every run is free, and with no answer the holder is "another tab"', async () => {
    const free = new TabLocks(() => '', undefined, null, null);
    expect(await free.hold('x')).toEqual({ ok: true });
    const locks = new FakeLocks() as unknown as LockManager;
    await new TabLocks(() => 'silent', undefined, locks, null).hold('y');
    const [, c2] = channels(2);
    expect(await new TabLocks(() => '', undefined, locks, c2).hold('y')).toEqual({ ok: false, holder: 'another tab or window of this browser' });
  });
});
