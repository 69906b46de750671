// The pacer asks at most once every gap, never twice at once, coalesces asks made meanwhile into
// one, and off screen only remembers that the view is stale.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { pacedRefresh } from './pacedRefresh';

describe('pacedRefresh', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('one ask in flight at a time; asks meanwhile become one more, after the gap', async () => {
    let release: () => void = () => {};
    let asks = 0;
    const r = pacedRefresh(() => {
      asks++;
      return new Promise<void>((res) => (release = res));
    }, 1000);
    const first = r.now();
    void r.now();
    void r.now();
    expect(asks).toBe(1);
    release();
    await first;
    await vi.advanceTimersByTimeAsync(999);
    expect(asks).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(asks).toBe(2);
    release();
    await vi.advanceTimersByTimeAsync(5000);
    expect(asks).toBe(2);
  });

  it('off screen a change only marks it stale; seen again, it asks', async () => {
    let asks = 0;
    const r = pacedRefresh(async () => void asks++, 100);
    r.setVisible(false);
    r.changed();
    await vi.advanceTimersByTimeAsync(1000);
    expect(asks).toBe(0);
    r.setVisible(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(asks).toBe(1);
    r.setVisible(false);
    r.setVisible(true); // not stale: nothing to ask
    r.changed();
    r.cancel();
    await vi.advanceTimersByTimeAsync(1000);
    expect(asks).toBe(1);
  });
});
