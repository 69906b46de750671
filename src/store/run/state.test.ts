import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultConfig, modelDims } from '../../engine/config';
import type { StepScalars } from '../../worker/protocol';
import { FLUSH_MS, flushMetrics, groupTotals, handleWorkerEvent, initialState, onFlush, useLab } from './state';

const config = defaultConfig();
const run = { runId: 'run-3', config, dims: modelDims(config), paramCount: 1, trainSize: 10, testSize: 2 };
const scalars = (step: number): StepScalars => ({
  step, epoch: step / 10, loss: 1, predLoss: 1, klLoss: 0, groupPenalty: 5, gradNorm: 1, lr: 1e-3, wd: 0.04, ema: 0.996, imgPerSec: 10, lambda: config.lambda, beta: config.beta,
});
const memory = { numTensors: 5, numBytes: 100 };

afterEach(() => {
  vi.useRealTimers();
  useLab.setState(initialState());
});

describe('run store', () => {
  it('publishes a slow step at once, and fast steps together at most every FLUSH_MS', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance', 'Date'] });
    vi.advanceTimersByTime(10 * FLUSH_MS);
    useLab.setState({ ...initialState(), run, runState: 'running' });
    const v0 = useLab.getState().version;
    const published: number[] = [];
    const off = onFlush((last) => published.push(last));
    handleWorkerEvent({ type: 'metrics', runId: 'run-3', metrics: scalars(1), memory });
    expect(useLab.getState().metrics).toHaveLength(1); // first one: at once
    for (let i = 2; i <= 5; i++) handleWorkerEvent({ type: 'metrics', runId: 'run-3', metrics: scalars(i), memory });
    expect(useLab.getState().metrics).toHaveLength(1); // batched
    vi.advanceTimersByTime(FLUSH_MS);
    expect(useLab.getState().metrics.map((m) => m.step)).toEqual([1, 2, 3, 4, 5]);
    expect(useLab.getState().version).toBe(v0 + 2);
    expect(useLab.getState().memory).toEqual(memory);
    expect(published).toEqual([1, 5]);
    off();
  });

  it('ignores events from a replaced run', () => {
    useLab.setState({ ...initialState(), run });
    handleWorkerEvent({ type: 'metrics', runId: 'run-2', metrics: scalars(1), memory });
    handleWorkerEvent({ type: 'state', runId: 'run-2', state: 'error', step: 1, message: 'old' });
    flushMetrics();
    expect(useLab.getState().metrics).toHaveLength(0);
    expect(useLab.getState().runState).toBe('none');
  });

  it('flushes pending metrics before a state change', () => {
    useLab.setState({ ...initialState(), run });
    handleWorkerEvent({ type: 'metrics', runId: 'run-3', metrics: scalars(1), memory });
    handleWorkerEvent({ type: 'state', runId: 'run-3', state: 'paused', step: 1 });
    expect(useLab.getState().metrics).toHaveLength(1);
    expect(useLab.getState().runState).toBe('paused');
  });

  it('records λ/β changes as marks; a second change for the same step replaces the first', () => {
    useLab.setState({ ...initialState(), run });
    handleWorkerEvent({ type: 'hyper', runId: 'run-3', atStep: 4, hyper: { lambda: 0.5, beta: config.beta, lr: config.lr } });
    handleWorkerEvent({ type: 'hyper', runId: 'run-3', atStep: 4, hyper: { lambda: 0.7, beta: config.beta, lr: config.lr } });
    handleWorkerEvent({ type: 'hyper', runId: 'run-3', atStep: 9, hyper: { lambda: 0.7, beta: 0.05, lr: config.lr } });
    handleWorkerEvent({ type: 'hyper', runId: 'run-3', atStep: 12, hyper: { lambda: 0.7, beta: 0.05, lr: config.lr } });
    const marks = useLab.getState().marks;
    expect(marks).toHaveLength(2);
    expect(marks[0]).toMatchObject({ step: 4, lambda: 0.7, changed: ['lambda'] });
    expect(marks[1]).toMatchObject({ step: 9, beta: 0.05, changed: ['beta'] });
  });

  it('keeps norm snapshots with per-group totals', () => {
    useLab.setState({ ...initialState(), run });
    const data = new Float32Array([3, 4, 0, 0]);
    handleWorkerEvent({ type: 'metrics', runId: 'run-3', metrics: scalars(1), norms: { step: 1, G: 2, K: 2, data }, memory });
    flushMetrics();
    const n = useLab.getState().norms[0];
    expect(Array.from(n.groupTotals)).toEqual([5, 0]);
    expect(Array.from(groupTotals({ step: 1, G: 1, K: 3, data: new Float32Array([1, 2, 2]) }))).toEqual([3]);
  });
});
