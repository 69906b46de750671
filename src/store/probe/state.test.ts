import { afterEach, describe, expect, it } from 'vitest';
import { defaultConfig, modelDims } from '../../engine/config';
import type { ProbeKind } from '../../engine/probeKind';
import type { ProbeReport } from '../../worker/protocol';
import { bestTop1, handleProbeEvent, kindOf, useProbe } from './state';
import { showRun } from '../dispatch';
import { initialState, useLab } from '../run/state';

const config = defaultConfig();
const report = (step: number, top1: number, kind?: ProbeKind): ProbeReport => ({
  runId: 'r', step, top1, top5: 0.9, randomInitTop1: 0.2, randomInitTop5: 0.6, trainCount: 10, testCount: 5, ms: 1, floorCached: false, ...(kind ? { kind } : {}),
});

afterEach(() => useLab.setState(initialState()));

describe('probe store: linear and attentive side by side', () => {
  it('keeps one result per step and kind; a report without a kind is linear', () => {
    showRun({ run: { runId: 'r', config, dims: modelDims(config), paramCount: 1, trainSize: 10, testSize: 5 } });
    handleProbeEvent({ type: 'probe', ...report(4, 0.5, 'linear') });
    handleProbeEvent({ type: 'probe', ...report(4, 0.7, 'attentive') });
    handleProbeEvent({ type: 'probe', ...report(4, 0.55) }); // linear again at 4: replaces
    const results = useProbe.getState().results;
    expect(results.map((r) => [r.step, kindOf(r), r.top1])).toEqual([[4, 'attentive', 0.7], [4, 'linear', 0.55]]);
    expect(bestTop1(results)?.top1).toBe(0.55); // the Runs table compares linear probes
    expect(bestTop1(results, 'attentive')?.top1).toBe(0.7);
    expect(bestTop1([report(1, 0.9, 'attentive')])).toBeNull();
    handleProbeEvent({ type: 'probe', ...report(4, 0.6, 'knn') }); // a third kind at the same step: beside the others
    expect(useProbe.getState().results.map((r) => kindOf(r))).toEqual(['attentive', 'linear', 'knn']);
    expect(bestTop1(useProbe.getState().results, 'knn')?.top1).toBe(0.6);
  });

  it('keeps the kind of the probe Evaluate asked for through its progress events', () => {
    showRun({ run: { runId: 'r', config, dims: modelDims(config), paramCount: 1, trainSize: 10, testSize: 5 } });
    useProbe.setState({ runId: 'r', progress: { step: 2, done: 0, phase: 'trained', kind: 'attentive' } });
    handleProbeEvent({ type: 'probe-progress', runId: 'r', step: 2, done: 0.5, phase: 'random-init' });
    expect(useProbe.getState().progress).toEqual({ step: 2, done: 0.5, phase: 'random-init', kind: 'attentive' });
  });
});
