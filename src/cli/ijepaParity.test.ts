// The lab's JEPA and SparseJEPA against the I-JEPA reference code (interop/pytorch/ijepa_parity.py):
// the lab trains a few steps, the reference's own modules, optimiser groups and schedules replay
// them from the same weights, and the losses and weights agree. The reference is CC BY-NC and not
// in this repository: set SPARSEJEPA_IJEPA to a checkout of facebookresearch/ijepa to run it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cifarArchive } from '../data/cifarWrite';
import { syntheticDataset } from '../data/synthetic';
import { probeCommand } from './probeCommand';
import { PY, torchWhyNot } from './pytorchTest';

const IJEPA = process.env.SPARSEJEPA_IJEPA;
const ijepaWhyNot = IJEPA ? null : 'SPARSEJEPA_IJEPA is unset (a checkout of github.com/facebookresearch/ijepa; docs/ijepa.md)';
if (ijepaWhyNot && !torchWhyNot) console.warn(`I-JEPA parity skipped: ${ijepaWhyNot}`);

const parity = (...args: string[]) => spawnSync(PY, ['interop/pytorch/ijepa_parity.py', ...args], { encoding: 'utf8', env: { ...process.env, SPARSEJEPA_IJEPA: '' } });

describe.skipIf(torchWhyNot !== null)('ijepa_parity.py refuses what it cannot check', () => {
  it('a directory that is not an I-JEPA checkout, in one line naming --ijepa', () => {
    const r = parity('--ijepa', '/nonexistent-ijepa', '--dataset', 'synthetic', '--steps', '2');
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--ijepa \/nonexistent-ijepa: not a facebookresearch\/ijepa checkout/);
  });

  it('no checkout at all: says where to get one', () => {
    const r = parity('--dataset', 'synthetic', '--steps', '2');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/github\.com\/facebookresearch\/ijepa/);
  });
});

describe.skipIf(torchWhyNot !== null || ijepaWhyNot !== null)('the lab step for step against the I-JEPA reference code', () => {
  it.each(['jepa', 'sparse'])('%s: 6 steps within 1e-4 (losses) and 1e-4 (weights), the same schedules and sin-cos tables', (mode) => {
    const r = spawnSync(PY, ['interop/pytorch/ijepa_parity.py', '--ijepa', IJEPA!, '--dataset', 'synthetic', '--preset', 'micro', '--steps', '6', '--seed', '1', '--mode', mode, '--backend', 'wasm'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    console.log(`I-JEPA parity, ${mode}: loss within ${out.maxLossDiff.toExponential(2)}, weights within ${out.maxWeightDiff.toExponential(2)} (${out.worstTensor})`);
    expect(out.problems).toEqual([]);
    expect(out.maxLossDiff).toBeLessThanOrEqual(1e-4);
    expect(out.maxWeightDiff).toBeLessThan(1e-4);
    for (const k of ['lr', 'wd', 'ema']) expect(out.maxScheduleDiff[k], k).toBeLessThan(1e-12);
    expect(out.posEmbedDiff).toBeLessThan(1e-6);
  }, 180_000);
});

describe.skipIf(torchWhyNot !== null || ijepaWhyNot !== null)('the reference recipe (--recipe reference)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ijepa-recipe-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("trains the reference's way on the lab's data and writes weights the lab's probe reads", async () => {
    const archive = join(dir, 'data.tar.gz');
    writeFileSync(archive, cifarArchive(syntheticDataset({ seed: 0, trainPerClass: 8, testPerClass: 2 })));
    const out = join(dir, 'out');
    const r = spawnSync(PY, ['interop/pytorch/ijepa_parity.py', '--ijepa', IJEPA!, '--recipe', 'reference', '--dataset', archive, '--steps', '6', '--seed', '0', '--save-every', '3', '--out', out], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const rows = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.map((x) => x.step)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const x of rows) expect(Number.isFinite(x.loss) && x.loss > 0).toBe(true);
    const lines: string[] = [];
    const probe = await probeCommand(['--weights', join(out, 'weights.safetensors'), '--dataset', archive, '--out', join(out, 'probe'), '--epochs', '2'], (l) => lines.push(l));
    expect(probe.top1).toBeGreaterThanOrEqual(0);
    expect(JSON.parse(lines.at(-1)!).step).toBe(6);
  }, 180_000);
});
