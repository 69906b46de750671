import { describe, expect, it } from 'vitest';
import { Rng } from '../shared/rng';
import { UmapLayout } from '../engine/umapLayout';
import type { UmapInput, WorkerEvent } from './protocol';
import { sliceHostFake } from './sliceHostFake';
import { UmapRunner } from './umapRunner';

const host = sliceHostFake;

function input(n = 30, dim = 6): UmapInput {
  const rng = new Rng(4);
  return { features: Float32Array.from({ length: n * dim }, () => rng.normal()), n, dim, seed: 2, neighbours: { k: 0, index: new Int32Array(0), similarity: new Float32Array(0) } };
}

const progress = (events: WorkerEvent[]) => events.flatMap((e) => (e.type === 'umap-progress' ? [e] : []));

describe('UmapRunner (the projector’s UMAP in the worker, in slices)', () => {
  it('streams the layout as it goes and ends with the layout UMAP computes in one go', async () => {
    const { h, events, calls } = host();
    const runner = new UmapRunner(h, { sliceMs: 0.01, restMs: 10, emitEveryMs: 0 });
    const coords = await runner.layout(3, input());
    const shown = progress(events);
    expect(shown.length).toBeGreaterThan(5);
    expect(shown.every((e) => e.layoutId === 3 && e.epochs === 500)).toBe(true);
    expect(shown.at(-1)!.epoch).toBe(500);
    expect(shown.map((e) => e.epoch)).toEqual([...shown.map((e) => e.epoch)].sort((a, b) => a - b));
    const whole = new UmapLayout(input().features, 30, 6, 2);
    whole.advance(500);
    expect(Array.from(coords)).toEqual(Array.from(whole.coords()));
    expect(Array.from(shown.at(-1)!.coords)).toEqual(Array.from(coords));
    expect(calls.sleeps).toEqual([]); // no run trains: only yields between slices
    expect(calls.yields).toBeGreaterThan(5);
  });

  it('rests between slices while a run trains', async () => {
    const { h, calls } = host(true);
    await new UmapRunner(h, { sliceMs: 0.01, restMs: 10, emitEveryMs: 1e9 }).layout(1, input());
    expect(calls.sleeps.length).toBeGreaterThan(5);
  });

  it('stops when asked, and says why a layout cannot be made', async () => {
    const { h, events } = host();
    const runner = new UmapRunner(h, { sliceMs: 0.01, restMs: 10, emitEveryMs: 0 });
    const going = runner.layout(7, input());
    runner.stop(7);
    await expect(going).rejects.toThrow(/stopped/);
    expect(events.some((e) => e.type === 'umap-error')).toBe(false);
    await expect(runner.layout(8, input(10))).rejects.toThrow(/more than 15 points/);
    expect(events.at(-1)).toMatchObject({ type: 'umap-error', layoutId: 8 });
  });
});
