import { describe, expect, it } from 'vitest';
import { sliceHostFake } from './sliceHostFake';
import { runInSlices, type SlicePacing, type SliceWork } from './slicedWork';

/** Work of `total` units, each taking `msPerUnit` on a fake clock; it records every slice's units and every progress call. */
function fakeWork(total: number, msPerUnit: number, more: Partial<SliceWork> = {}) {
  const clock = { t: 0 };
  const slices: number[] = [];
  const shown: { t: number; done: boolean }[] = [];
  let doneUnits = 0;
  const work: SliceWork = {
    advance: (units) => {
      slices.push(units);
      clock.t += units * msPerUnit;
      doneUnits += units;
      return doneUnits >= total;
    },
    units: { start: 20, min: 1, max: 1000 },
    progress: (done) => shown.push({ t: clock.t, done }),
    stopped: () => false,
    ...more,
  };
  return { work, clock, slices, shown };
}

const pacing: SlicePacing = { sliceMs: 5, restMs: 45, emitEveryMs: 250 };

describe('runInSlices (sliced work sharing the worker’s thread with training)', () => {
  it('adapts the units per slice toward sliceMs on the host’s clock, within the bounds', async () => {
    const { h } = sliceHostFake();
    const w = fakeWork(100, 1); // 1 ms a unit: 5 units make a 5 ms slice
    expect(await runInSlices({ ...h, now: () => w.clock.t }, pacing, w.work)).toBe(true);
    expect(w.slices.slice(0, 4)).toEqual([20, 5, 5, 5]);
    // Work too quick to time is bounded by max (a slice of 0 ms counts as 0.05 ms).
    const quick = fakeWork(5000, 0, { units: { start: 10, min: 1, max: 1000 } });
    await runInSlices({ ...h, now: () => quick.clock.t }, pacing, quick.work);
    expect(quick.slices).toEqual([10, 1000, 1000, 1000, 1000, 1000]);
    // And work too slow for even one unit a slice by min.
    const slow = fakeWork(6, 100, { units: { start: 1, min: 2, max: 1000 } });
    await runInSlices({ ...h, now: () => slow.clock.t }, pacing, slow.work);
    expect(slow.slices).toEqual([1, 2, 2, 2]);
  });

  it('sends progress at most every emitEveryMs, and always when done', async () => {
    const { h } = sliceHostFake();
    const w = fakeWork(600, 1, { units: { start: 5, min: 1, max: 1000 } }); // 120 slices of 5 ms
    await runInSlices({ ...h, now: () => w.clock.t }, pacing, w.work);
    expect(w.slices.length).toBe(120);
    expect(w.shown).toEqual([
      { t: 5, done: false },
      { t: 255, done: false },
      { t: 505, done: false },
      { t: 600, done: true },
    ]);
  });

  it('sleeps restMs after every slice but the last while a run trains, and only yields when none does', async () => {
    const training = sliceHostFake(true);
    const w = fakeWork(4, 1, { units: { start: 1, min: 1, max: 1 } });
    await runInSlices(training.h, pacing, w.work);
    expect(w.slices.length).toBe(4);
    expect(training.calls).toEqual({ sleeps: [45, 45, 45], yields: 0 });
    const idle = sliceHostFake(false);
    await runInSlices(idle.h, pacing, fakeWork(4, 1, { units: { start: 1, min: 1, max: 1 } }).work);
    expect(idle.calls).toEqual({ sleeps: [], yields: 3 });
    // restFirst: a rest before every slice, the first included (UMAP's, after its graph is built).
    const first = sliceHostFake(true);
    await runInSlices(first.h, pacing, fakeWork(4, 1, { units: { start: 1, min: 1, max: 1 }, restFirst: true }).work);
    expect(first.calls).toEqual({ sleeps: [45, 45, 45, 45], yields: 0 });
  });

  it('stop ends it before the next slice, and it resolves false', async () => {
    const { h, calls } = sliceHostFake();
    let stop = false;
    const w = fakeWork(100, 1, { units: { start: 1, min: 1, max: 1 }, stopped: () => stop });
    const going = runInSlices(h, pacing, w.work);
    await new Promise((r) => setTimeout(r, 0)); // let the first slice run
    stop = true;
    expect(await going).toBe(false);
    expect(w.slices.length).toBeLessThan(100);
    expect(w.shown.some((s) => s.done)).toBe(false);
    // Stopped from the start: no slice at all; with restFirst, the check comes after the rest.
    const never = fakeWork(100, 1, { stopped: () => true });
    expect(await runInSlices(h, pacing, never.work)).toBe(false);
    expect(never.slices).toEqual([]);
    const yields = calls.yields;
    const afterRest = fakeWork(100, 1, { stopped: () => true, restFirst: true });
    expect(await runInSlices(h, pacing, afterRest.work)).toBe(false);
    expect(afterRest.slices).toEqual([]);
    expect(calls.yields).toBe(yields + 1);
  });
});
