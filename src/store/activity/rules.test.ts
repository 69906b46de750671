import { describe, expect, it } from 'vitest';
import { activities, type ActivityFacts } from './rules';

const none: ActivityFacts = { busy: null, datasetLoading: null, datasetProgress: null, probe: null, transfer: null, sweep: null };

describe('activities', () => {
  it('is nothing when the lab waits for nothing', () => {
    expect(activities(none)).toEqual([]);
  });

  it('shows the command in flight as indeterminate (only "busy" is known)', () => {
    expect(activities({ ...none, busy: 'Exporting weights…' })).toEqual([{ kind: 'command', what: 'Exporting weights…', fraction: null }]);
  });

  it('gives a dataset load the worker’s fraction only while its line is the one the report made', () => {
    const line = 'Decoding images: 30 of 120…';
    expect(activities({ ...none, busy: 'Load dataset', datasetLoading: line, datasetProgress: { line, done: 30, total: 120 } })).toEqual([{ kind: 'dataset', what: line, fraction: 0.25 }]);
    // A new load: its first line has no report yet.
    expect(activities({ ...none, datasetLoading: 'Loading cifar.tar.gz…', datasetProgress: { line, done: 30, total: 120 } })).toEqual([{ kind: 'dataset', what: 'Loading cifar.tar.gz…', fraction: null }]);
  });

  it('shows a probe’s and a transfer probe’s fraction over both encoders, in place of the command', () => {
    expect(activities({ ...none, busy: 'Probing the encoder…', probe: { done: 0.6, phase: 'random-init' } })).toEqual([{ kind: 'probe', what: 'Probe: the random-init encoder (the floor)', fraction: 0.6 }]);
    expect(activities({ ...none, probe: { done: 0.1, phase: 'trained', kind: 'attentive' } })[0].what).toBe('attentive probe: the trained encoder');
    expect(activities({ ...none, transfer: { done: 1.2, phase: 'trained', probeDataset: 'counting' } })).toEqual([{ kind: 'transfer', what: 'Transfer probe on counting: the trained encoder', fraction: 1 }]);
  });

  it('shows a sweep’s share done (run i of N, and its step) first, beside what the run waits for', () => {
    const sweep = { index: 1, total: 4, key: 'sparse-lambda1-beta0.01-seed0', what: 'training' as const, step: 10, steps: 20 };
    expect(activities({ ...none, sweep })).toEqual([{ kind: 'sweep', what: 'Sweep: run 2 of 4 (sparse-lambda1-beta0.01-seed0), training (step 10 of 20)', fraction: 1.5 / 4 }]);
    const probing = activities({ ...none, sweep: { ...sweep, what: 'probing', step: 20 }, probe: { done: 0.5, phase: 'trained' } });
    expect(probing.map((a) => [a.kind, a.fraction])).toEqual([['sweep', 2 / 4], ['probe', 0.5]]);
    expect(activities({ ...none, sweep: { ...sweep, index: 0, what: 'opening', step: null } })[0]).toMatchObject({ fraction: 0, what: 'Sweep: run 1 of 4 (sparse-lambda1-beta0.01-seed0), building it' });
  });
});
