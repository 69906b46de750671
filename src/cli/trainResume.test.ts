// The command line trains through TrainingSession: checkpoints, a stop (Ctrl-C) that keeps the
// work, --resume that continues exactly, and a divergence that leaves the last finite weights.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { StepMetrics } from '../engine/types';
import { decodeCheckpoint } from '../io/checkpoint';
import { readSafetensors } from '../io/safetensors';
import { trainCommand } from './trainCommand';

const dir = mkdtempSync(join(tmpdir(), 'train-resume-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const RUN = ['--dataset', 'synthetic', '--preset', 'micro', '--mode', 'sparse', '--batch', '8', '--steps', '12', '--seed', '3', '--checkpoint-every', '4', '--log-every', '0'];
const rows = (out: string): StepMetrics[] =>
  existsSync(join(out, 'metrics.jsonl'))
    ? readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l))
    : [];
const checkpointStep = (out: string) => decodeCheckpoint(new Uint8Array(readFileSync(join(out, 'checkpoint.safetensors')))).step;
const quiet = () => undefined;

describe('npm run train: checkpoints, stop and --resume', () => {
  it('stopped after step 6 and resumed, it ends where an uninterrupted run ends (rows 7–12 within 1e-6)', async () => {
    const whole = join(dir, 'whole');
    const split = join(dir, 'split');
    await trainCommand([...RUN, '--out', whole], quiet);
    expect(checkpointStep(whole)).toBe(12);

    // The stop is asked for once six rows are written, as a Ctrl-C would be.
    const stop = { get requested() { return rows(split).length >= 6; } };
    const first = await trainCommand([...RUN, '--out', split], quiet, stop);
    expect(first).toMatchObject({ stopped: true, steps: 6 });
    expect(checkpointStep(split)).toBe(6);
    expect(readSafetensors(new Uint8Array(readFileSync(join(split, 'weights.safetensors')))).metadata.step).toBe('6');

    const second = await trainCommand(['--resume', split, '--log-every', '0'], quiet);
    expect(second).toMatchObject({ stopped: false, steps: 12 });
    const [a, b] = [rows(whole), rows(split)];
    expect(b.map((r) => r.step)).toEqual(a.map((r) => r.step));
    for (let i = 0; i < 12; i++) {
      expect(Math.abs(b[i].loss - a[i].loss) / Math.abs(a[i].loss), `step ${i + 1}`).toBeLessThan(1e-6);
      expect(b[i].lr).toBe(a[i].lr);
    }
  }, 120_000);

  it('refuses --resume of a folder without a checkpoint, naming it', async () => {
    await expect(trainCommand(['--resume', join(dir, 'nothing-here')], quiet)).rejects.toThrow(/--resume .*nothing-here: no checkpoint\.safetensors/);
  });

  it('a diverging run (lr 1, no weight decay) rolls back and leaves the finite weights of its last checkpoint', async () => {
    const out = join(dir, 'diverge');
    await expect(trainCommand([...RUN, '--steps', '30', '--lr', '1', '--wd', '0,0', '--out', out], quiet)).rejects.toThrow(/non-finite .*Rolled back to the checkpoint at step (\d+)/);
    const w = readSafetensors(new Uint8Array(readFileSync(join(out, 'weights.safetensors'))));
    for (const [name, t] of w.tensors) expect(t.data.every(Number.isFinite), name).toBe(true);
    expect(Number(w.metadata.step)).toBe(checkpointStep(out));
  }, 60_000);

  it('Ctrl-C (SIGINT) stops the command after the step under way: exit 130, its checkpoint and weights written', async () => {
    const out = join(dir, 'sigint');
    // As `npm run train` starts it: node with tsx's loader, one process (tsx's own CLI SIGKILLs a child that is mid-step).
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/train.ts', ...RUN, '--steps', '2000', '--checkpoint-every', '5', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => {
      const poll = setInterval(() => {
        if (rows(out).length >= 3) {
          clearInterval(poll);
          child.kill('SIGINT');
        }
      }, 100);
      child.on('exit', (c) => {
        clearInterval(poll);
        resolve(c);
      });
    });
    expect(code, stderr).toBe(130);
    const done = rows(out).length;
    expect(done).toBeGreaterThanOrEqual(3);
    expect(done).toBeLessThan(2000);
    expect(checkpointStep(out)).toBe(done);
    expect(readSafetensors(new Uint8Array(readFileSync(join(out, 'weights.safetensors')))).metadata.step).toBe(String(done));
    expect(stderr).toMatch(/--resume/);
  }, 120_000);
});
