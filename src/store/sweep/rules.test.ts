import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../engine/config';
import { configHash, planSweep, type SweepRow } from '../../engine/sweep';
import type { ProbeReport } from '../../worker/protocol';
import { SweepDb } from './db';
import { hyperChange, newSweep, nextRun, planFromForm, readSweepRecord, rowOf, sweepJsonl, type SweepForm } from './rules';

const base = parseConfig({ preset: 'micro', steps: 6, batchSize: 8 });
const form: SweepForm = { modes: ['jepa', 'sparse'], lambda: '0, 1', beta: '0.01', seeds: '0,1' };

function plan(f: SweepForm = form, b = base) {
  const p = planFromForm(f, b);
  if (!p.ok) throw new Error(JSON.stringify(p.errors));
  return p;
}

const report = (step: number, top1: number): ProbeReport => ({ runId: 'r', step, top1, top5: top1 + 0.2, randomInitTop1: 0.2, randomInitTop5: 0.5, trainCount: 50, testCount: 20, ms: 1, floorCached: false });
const knnReport = (step: number, top1: number): ProbeReport => ({ ...report(step, top1), kind: 'knn', randomInitTop1: 0.15 });

describe('the Sweep panel: the form read into the command line’s plan', () => {
  it('plans the runs npm run sweep plans, over the form’s other settings', () => {
    const p = plan();
    expect(p.plan.map((r) => r.key)).toEqual(['jepa-seed0', 'sparse-lambda0-beta0.01-seed0', 'sparse-lambda1-beta0.01-seed0', 'jepa-seed1', 'sparse-lambda0-beta0.01-seed1', 'sparse-lambda1-beta0.01-seed1']);
    expect(p.plan.map((r) => r.key)).toEqual(planSweep({ base, modes: ['jepa', 'sparse'], lambdas: [0, 1], betas: [0.01], seeds: [0, 1] }).map((r) => r.key));
    expect(p.plan.every((r) => r.config.steps === 6 && r.config.preset === 'micro')).toBe(true);
    // MAE is a baseline beside JEPA; without SparseJEPA the λ and β lists are not read at all.
    expect(plan({ ...form, modes: ['sparse', 'mae'] }).plan.map((r) => r.key).slice(0, 2)).toEqual(['mae-seed0', 'sparse-lambda0-beta0.01-seed0']);
    expect(plan({ ...form, modes: ['jepa'], lambda: 'junk', beta: '' }).plan.map((r) => r.key)).toEqual(['jepa-seed0', 'jepa-seed1']);
  });

  it('names the field of every list that is wrong, each in one line', () => {
    const bad = planFromForm({ modes: ['sparse'], lambda: '0,abc', beta: '', seeds: '1.5' }, base);
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.errors).toEqual({
      lambda: "λ list: expected a comma-separated list of numbers, got 'abc' in '0,abc'",
      beta: 'β list: the list is empty',
      seeds: "Seeds: expected whole numbers ≥ 0, got '1.5'",
    });
    const none = planFromForm({ ...form, modes: [] }, base);
    expect(!none.ok && none.errors.modes).toBe('Modes: tick at least one');
    const many = planFromForm({ ...form, seeds: Array.from({ length: 34 }, (_, i) => i).join(',') }, base);
    expect(!many.ok && many.errors.plan).toMatch(/^102 runs planned .* at most 100$/);
    const twice = planFromForm({ ...form, lambda: '1,1' }, base);
    expect(!twice.ok && twice.errors.plan).toMatch(/listed twice/);
  });
});

describe('the kept sweep', () => {
  const numbers = (runId: string, zeroShare: number | null, totalCorrelation: number | null = 4.5) => ({ runId, step: 6, predLosses: [3, 2, 1], zeroShare, totalCorrelation, hyper: [] });

  it('a row from the worker’s numbers and the probes, as the command line writes it (step 0 is the floor)', () => {
    const run = plan().plan[1];
    // probeEvery's k-NN reports sit beside the linear ones: the row's probes are the linear ones, its k-NN column the end's.
    const row = rowOf(run, numbers('r', 0.25), [report(3, 0.4), knnReport(3, 0.9), report(6, 0.1), knnReport(6, 0.6)], report(6, 0.35), knnReport(6, 0.6));
    expect(row).toMatchObject({ key: 'sparse-lambda0-beta0.01-seed0', mode: 'sparse', lambda: 0, beta: 0.01, seed: 0, steps: 6, predLoss: 2, zeroShare: 0.25, top1: 0.35, floorTop1: 0.2, floorTop5: 0.5, bestTop1: 0.4, bestStep: 3 });
    expect(row).toMatchObject({ knnTop1: 0.6, floorKnnTop1: 0.15, totalCorrelation: 4.5 });
    expect(rowOf(plan().plan[0], numbers('m', null, null), [], report(6, 0.3), knnReport(6, 0.2)).totalCorrelation).toBeNull();
    expect(row.probes).toEqual([
      { step: 0, top1: 0.2, top5: 0.5 },
      { step: 3, top1: 0.4, top5: 0.6000000000000001 },
      { step: 6, top1: 0.35, top5: 0.55 },
    ]);
    expect(sweepJsonl([row, row]).split('\n')).toHaveLength(3);
  });

  it('a new sweep keeps the rows of the very same runs from the last one (not trained again) and its run in progress', () => {
    const p = plan();
    const rows = [rowOf(p.plan[0], numbers('a', null), [], report(6, 0.3), knnReport(6, 0.3)), rowOf(p.plan[1], numbers('b', 0.1), [], report(6, 0.4), knnReport(6, 0.3))];
    const last = { ...newSweep('s1', form, p.spec, p.plan, null, 1), rows, runIds: { [p.plan[0].key]: 'a', [p.plan[1].key]: 'b', [p.plan[2].key]: 'c' } };
    expect(nextRun(p.plan, rows)?.key).toBe(p.plan[2].key);

    // The same lists, one more λ: the two finished rows come back; run 'c' is continued only with its own config.
    const q = plan({ ...form, lambda: '0,1,0.1' });
    const again = newSweep('s2', form, q.spec, q.plan, { ...last, current: { key: p.plan[2].key, runId: 'c', configHash: 'not its hash' } }, 2);
    expect(again.rows.map((r) => r.key)).toEqual([p.plan[0].key, p.plan[1].key]);
    expect(again.reused).toBe(2);
    expect(again.current).toBeNull();
    expect(again.runIds).toEqual({ [p.plan[0].key]: 'a', [p.plan[1].key]: 'b' });
    const kept = newSweep('s3', form, q.spec, q.plan, { ...last, current: { key: p.plan[2].key, runId: 'c', configHash: configHash(p.plan[2].config) } }, 3);
    expect(kept.current?.runId).toBe('c');
    expect(kept.runIds[p.plan[2].key]).toBe('c');

    // Other settings (more steps): no row is of the same run.
    const longer = plan(form, parseConfig({ ...base, steps: 7 }));
    expect(newSweep('s4', form, longer.spec, longer.plan, last, 4).rows).toEqual([]);
  });

  it('a λ, β or learning rate moved during a run is caught; the values a resume re-announces are not a change', () => {
    const c = plan().plan[2].config;
    expect(hyperChange(c, [{ atStep: 4, hyper: { lambda: c.lambda, beta: c.beta, lr: c.lr } }])).toBeNull();
    expect(hyperChange(c, [{ atStep: 3, hyper: { lambda: 0.5, beta: c.beta, lr: c.lr } }])).toBe("λ was changed to 0.5 from step 3 (the sweep's setting is 1)");
  });

  it('is kept in IndexedDB and read back through the config schema', async () => {
    const factory = new IDBFactory();
    const p = plan();
    const rec = { ...newSweep('s1', form, p.spec, p.plan, null, 1), rows: [rowOf(p.plan[0], numbers('a', null), [], report(6, 0.3), knnReport(6, 0.3)) as SweepRow] };
    const db = await SweepDb.open(factory);
    expect(await db.load()).toBeNull();
    await db.save(rec);
    db.close();
    const back = await (await SweepDb.open(factory)).load();
    expect(back).toEqual(rec);
    expect(nextRun(planSweep(back!.spec), back!.rows)?.key).toBe(p.plan[1].key);
    expect(() => readSweepRecord({ id: 'x' })).toThrow(/not a sweep record/);
    // A sweep kept before the k-NN and multi-information columns: its rows load, and still count as finished runs.
    const { knnTop1: _k, floorKnnTop1: _f, totalCorrelation: _t, ...oldRow } = rec.rows[0];
    const old = readSweepRecord({ ...rec, rows: [oldRow] });
    expect(old.rows[0].knnTop1).toBeUndefined();
    expect(nextRun(planSweep(old.spec), old.rows)?.key).toBe(p.plan[1].key);
  });
});
