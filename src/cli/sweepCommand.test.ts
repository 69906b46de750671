// npm run sweep, in-process on a tiny slice of the built-in data (WASM backend: the CPU one took
// minutes over the multi-information's one forward pass per group).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../data/node';
import { selectSubsetSplits } from '../data/subset';
import { parseConfig } from '../engine/config';
import { probeEncoderKnn } from '../engine/knnProbe';
import { probeEncoder } from '../engine/probe';
import { planSweep, summarise, type SweepRow } from '../engine/sweep';
import * as tf from '../engine/tf';
import { Trainer } from '../engine/trainer';
import { parseCsv } from '../io/csv';
import { SWEEP_CSV_COLUMNS } from '../io/sweepCsv';
import { sweepSvg } from '../io/sweepSvg';
import { UsageError } from './args';
import { numberList, parseSweepArgs, sweepCommand } from './sweepCommand';

const dir = mkdtempSync(join(tmpdir(), 'sparsejepa-sweep-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BASE = ['--dataset', 'synthetic:4', '--per-class', '6', '--preset', 'micro', '--batch', '4', '--steps', '2', '--backend', 'wasm', '--probe-epochs', '3', '--test-per-class', '5'];

async function refused(argv: string[]): Promise<string> {
  const e = await sweepCommand([...BASE, '--out', join(dir, 'bad'), ...argv], () => {}).then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(UsageError);
  return (e as Error).message;
}

describe('npm run sweep', () => {
  it('trains the baseline and every λ from the same seeds, writes one row per run and the plot, and resumes without retraining', async () => {
    const out = join(dir, 's1');
    const argv = [...BASE, '--lambda', '1e-3', '--seeds', '0,1', '--out', out];
    const printed: string[] = [];
    const before = tf.memory().numTensors;
    const rows = await sweepCommand(argv, (l) => printed.push(l));
    expect(tf.memory().numTensors).toBe(before);
    expect(rows.map((r) => r.key)).toEqual(['jepa-seed0', 'sparse-lambda1e-3-beta0.01-seed0', 'jepa-seed1', 'sparse-lambda1e-3-beta0.01-seed1']);
    expect(printed).toHaveLength(4);
    const lines = readFileSync(join(out, 'sweep.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as SweepRow);
    expect(lines).toEqual(rows);
    for (const r of rows) {
      expect(Object.keys(r)).toEqual(expect.arrayContaining(['mode', 'lambda', 'beta', 'proximal', 'seed', 'steps', 'predLoss', 'zeroShare', 'top1', 'top5', 'floorTop1']));
      expect(r.steps).toBe(2);
      expect(Number.isFinite(r.predLoss)).toBe(true);
      expect(r.zeroShare === null).toBe(r.mode === 'jepa');
      expect(r.probes.at(-1)!.step).toBe(2);
      expect(existsSync(join(out, 'runs', r.key, 'weights.safetensors'))).toBe(true);
      // The k-NN probe at the end beside its floor, and the groups' multi-information (JEPA's predictor outputs, SparseJEPA's W^(g)u).
      for (const v of [r.knnTop1!, r.floorKnnTop1!]) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
      expect(Number.isFinite(r.totalCorrelation)).toBe(true);
    }
    // One floor per seed, shared by the modes: it is the probe of that seed's untrained model.
    const [j0, s0] = rows;
    expect(s0.floorTop1).toBe(j0.floorTop1);
    const data = selectSubsetSplits(loadDataset('synthetic:4', 0), { classes: [], superclasses: [], perClass: 6 }, 0, 5);
    const untrained = Trainer.create(parseConfig({ dataset: 'synthetic:4', preset: 'micro', mode: 'sparse', seed: 0, lambda: 1e-3 }), data);
    expect((await probeEncoder(untrained, data, { seed: 0, epochs: 3 })).top1).toBe(s0.floorTop1);
    expect((await probeEncoderKnn(untrained, data)).top1).toBe(s0.floorKnnTop1);
    expect(s0.floorKnnTop1).toBe(j0.floorKnnTop1);
    untrained.dispose();
    // The row's k-NN top-1 and multi-information are the trained run's own: its weights give them again.
    const trained = Trainer.create(parseConfig(JSON.parse(readFileSync(join(out, 'runs', s0.key, 'config.json'), 'utf8'))), data);
    await trained.importSafetensors(new Uint8Array(readFileSync(join(out, 'runs', s0.key, 'weights.safetensors'))));
    expect((await probeEncoderKnn(trained, data)).top1).toBe(s0.knnTop1);
    expect((await trained.totalCorrelation())!.groups).toBe(s0.totalCorrelation);
    trained.dispose();
    // sweep.csv: the same rows as a table, the new columns with the rows' numbers.
    const csv = parseCsv(readFileSync(join(out, 'sweep.csv'), 'utf8'));
    expect(csv[0]).toEqual([...SWEEP_CSV_COLUMNS]);
    expect(csv.slice(1).map((l) => l[0])).toEqual(rows.map((r) => r.key));
    const col = (name: (typeof SWEEP_CSV_COLUMNS)[number]) => csv.slice(1).map((l) => Number(l[SWEEP_CSV_COLUMNS.indexOf(name)]));
    expect(col('knnTop1')).toEqual(rows.map((r) => r.knnTop1));
    expect(col('totalCorrelation')).toEqual(rows.map((r) => r.totalCorrelation));
    expect(JSON.parse(printed[1])).toMatchObject({ run: s0.key, knnTop1: s0.knnTop1, floorKnnTop1: s0.floorKnnTop1, totalCorrelation: s0.totalCorrelation });
    const svg = readFileSync(join(out, 'sweep.svg'), 'utf8');
    expect(svg).toMatch(/^<svg /);
    expect(svg).toContain('JEPA baseline');
    expect(svg).toContain('random-init floor');

    // Again on the same folder: nothing is trained, the same rows come back.
    const again: string[] = [];
    expect(await sweepCommand(argv, (l) => again.push(l))).toEqual(rows);
    expect(again).toHaveLength(0);
    // One more λ: only its two runs train.
    const more: string[] = [];
    const all = await sweepCommand([...BASE, '--lambda', '0,1e-3', '--seeds', '0,1', '--out', out], (l) => more.push(l));
    expect(more.map((l) => JSON.parse(l).run)).toEqual(['sparse-lambda0-beta0.01-seed0', 'sparse-lambda0-beta0.01-seed1']);
    expect(all).toHaveLength(6);
    const svg2 = readFileSync(join(out, 'sweep.svg'), 'utf8');
    expect(svg2.match(/<circle cx=/g)).toHaveLength(2 + 1); // λ = 0 and 1e-3, + legend
    expect(svg2).toContain('λ = 0');
  }, 300_000); // ten tiny runs: ~20 s on a quiet 2-core machine, minutes under load

  it('an interrupted sweep continues the run it stopped in from its checkpoint, exactly, and trains no finished run again', async () => {
    const argv = (out: string) => [...BASE, '--steps', '6', '--checkpoint-every', '2', '--lambda', '1e-3', '--out', out];
    const whole = join(dir, 's-whole');
    const rows = await sweepCommand(argv(whole), () => {});
    // Stop once the second run (the sparse one) has written 3 steps: it ends after its step under way, with a checkpoint.
    const cut = join(dir, 's-cut');
    const sparseMetrics = join(cut, 'runs', rows[1].key, 'metrics.jsonl');
    const stop = {
      get requested() {
        return existsSync(sparseMetrics) && readFileSync(sparseMetrics, 'utf8').trim().split('\n').length >= 3;
      },
    };
    const first = await sweepCommand(argv(cut), () => {}, stop);
    expect(first.map((r) => r.key)).toEqual([rows[0].key]);
    expect(existsSync(join(cut, 'runs', rows[1].key, 'checkpoint.safetensors'))).toBe(true);
    expect(existsSync(join(cut, 'runs', rows[1].key, 'weights.safetensors'))).toBe(true);
    const printed: string[] = [];
    const again = await sweepCommand(argv(cut), (l) => printed.push(l));
    expect(printed.map((l) => JSON.parse(l).run)).toEqual([rows[1].key]); // only the interrupted run trains
    const losses = (out: string) => readFileSync(join(out, 'runs', rows[1].key, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).loss as number);
    const a = losses(whole);
    const b = losses(cut);
    expect(b).toHaveLength(6);
    for (let i = 0; i < 6; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-6);
    expect(again[1].top1).toBe(rows[1].top1);
    expect(again[1].predLoss).toBeCloseTo(rows[1].predLoss, 6);
  }, 300_000);

  it('--modes mae,jepa,sparse: MAE is a baseline beside JEPA, from the same seed and the same floor', async () => {
    expect(parseSweepArgs([...BASE, '--modes', 'mae,jepa,sparse', '--lambda', '1e-3']).modes).toEqual(['mae', 'jepa', 'sparse']);
    const out = join(dir, 's-mae');
    const rows = await sweepCommand([...BASE, '--modes', 'mae,jepa', '--out', out], () => {});
    expect(rows.map((r) => r.key)).toEqual(['mae-seed0', 'jepa-seed0']);
    const [mae, jepa] = rows;
    expect(mae).toMatchObject({ mode: 'mae', zeroShare: null, steps: 2, totalCorrelation: null });
    expect(mae.floorKnnTop1).toBe(jepa.floorKnnTop1);
    expect(mae.knnTop1).toBeGreaterThanOrEqual(0);
    expect(Number.isFinite(mae.predLoss)).toBe(true);
    expect(mae.floorTop1).toBe(jepa.floorTop1);
    expect(readFileSync(join(out, 'runs', 'mae-seed0', 'config.json'), 'utf8')).toContain('"mode": "mae"');
    const svg = readFileSync(join(out, 'sweep.svg'), 'utf8');
    expect(svg).toContain('MAE baseline');
    expect(svg).toContain('#2ca02c'); // MAE's band colour
  });

  it('refuses bad lists with one line naming the flag', async () => {
    expect(await refused(['--lambda', '0,abc'])).toMatch(/^--lambda: expected a comma-separated list of numbers, got 'abc'/);
    expect(await refused(['--lambda', ''])).toMatch(/^--lambda: the list is empty/);
    expect(await refused(['--lambda', '1e-3', '--seeds', '0,1.5'])).toMatch(/^--seeds: expected whole numbers/);
    expect(await refused(['--lambda', '1e-3', '--modes', 'jepa,vae'])).toMatch(/^--modes: unknown mode 'vae' \(expected jepa, sparse, mae\)/);
    expect(await refused(['--seeds', '0'])).toMatch(/^--lambda: required/);
    const seeds = Array.from({ length: 34 }, (_, i) => i).join(',');
    expect(await refused(['--lambda', '0,1e-3', '--seeds', seeds])).toMatch(/102 runs planned .* at most 100/);
    expect(await refused(['--lambda', '1e-3,1e-3'])).toMatch(/listed twice/);
    expect(() => numberList('beta', '1,-2')).toThrow(/--beta: expected numbers ≥ 0/);
  });

  it('summarises over seeds and plots each λ at its place on the log axis', () => {
    const plan = planSweep({ base: { preset: 'micro' }, modes: ['jepa', 'sparse'], lambdas: [0, 1e-3], betas: [1e-4], seeds: [0, 1] });
    const rows = plan.map((r, i) => ({ key: r.key, mode: r.config.mode, lambda: r.config.lambda, beta: r.config.beta, seed: r.config.seed, top1: 0.1 * (i + 1), floorTop1: 0.05 }) as SweepRow);
    const s = summarise(rows);
    const at = (mode: string, lambda: number) => s.find((p) => p.mode === mode && p.lambda === lambda)!;
    // Seed-major plan: jepa 0.1 and 0.4; λ=0: 0.2 and 0.5; λ=1e-3: 0.3 and 0.6.
    expect(at('jepa', 0)).toMatchObject({ n: 2, min: 0.1, max: 0.4 });
    expect(at('jepa', 0).mean).toBeCloseTo(0.25, 12);
    expect(at('sparse', 1e-3).mean).toBeCloseTo(0.45, 12);
    expect(at('sparse', 1e-3).sd).toBeCloseTo(Math.sqrt(0.045), 12);
    const svg = sweepSvg(rows);
    expect(svg).toContain('λ = 0');
    expect(svg.match(/<circle cx=/g)).toHaveLength(2 + 1); // two λ settings + the legend dot
  });
});
