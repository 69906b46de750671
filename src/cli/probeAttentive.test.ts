// npm run probe -- --kind attentive, in-process on a tiny slice of the built-in data (WASM backend).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../engine/config';
import * as tf from '../engine/tf';
import { probeRefusal, weightsAfter as weightsFile } from './probeTestKit';
import { probeCommand } from './probeCommand';

const dir = mkdtempSync(join(tmpdir(), 'sparsejepa-attentive-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = parseConfig({ dataset: 'synthetic:4', preset: 'micro', mode: 'jepa', batchSize: 4, steps: 2, seed: 3, subset: { perClass: 6 } });

const weightsAfter = (steps: number, name: string) => weightsFile(config, steps, join(dir, name));
const rejects = probeRefusal;

describe('npm run probe --kind attentive', () => {
  it('probes the frozen target encoder’s patch tokens beside the random-init floor, writes DIR/probe-attentive.json, tensors flat', async () => {
    const weights = await weightsAfter(2, 'trained.safetensors');
    const out = join(dir, 'out');
    const lines: string[] = [];
    const before = tf.memory().numTensors;
    const argv = ['--weights', weights, '--out', out, '--backend', 'wasm', '--test-per-class', '3', '--epochs', '2', '--kind', 'attentive', '--heads', '2'];
    const r = await probeCommand(argv, (l) => lines.push(l));
    expect(tf.memory().numTensors).toBe(before);
    expect(JSON.parse(lines[0])).toEqual(r);
    expect(r).toMatchObject({ probe: 'attentive', trainCount: 24, testCount: 12, mode: 'jepa', step: 2 });
    expect(JSON.parse(readFileSync(join(out, 'probe-attentive.json'), 'utf8'))).toEqual(r);
    expect(existsSync(join(out, 'probe.json'))).toBe(false); // the linear probe's file is left alone
    for (const k of ['top1', 'top5', 'randomInitTop1', 'randomInitTop5'] as const) expect(r[k]).toBeGreaterThanOrEqual(0);
    expect(r.top5).toBe(1); // 4 classes
    // An untrained file is the floor itself: the same probe, the same numbers.
    const untrained = await weightsAfter(0, 'untrained.safetensors');
    const f = await probeCommand(['--weights', untrained, '--out', join(dir, 'f'), '--backend', 'wasm', '--test-per-class', '3', '--epochs', '2', '--kind', 'attentive', '--heads', '2'], () => {});
    expect(f.top1).toBe(f.randomInitTop1);
  });

  it('names a bad kind or attentive flag', async () => {
    const weights = await weightsAfter(0, 'w.safetensors');
    const base = ['--weights', weights, '--out', dir, '--backend', 'cpu'];
    expect(await rejects([...base, '--kind', 'mlp'])).toBe("--kind: expected one of linear, attentive, knn, got 'mlp'");
    expect(await rejects([...base, '--heads', '2'])).toBe('--heads: only for --kind attentive');
    expect(await rejects([...base, '--kind', 'attentive', '--heads', '3'])).toBe('--heads: 3 does not divide the encoder width 64');
    expect(await rejects([...base, '--kind', 'attentive', '--queries', '0'])).toBe("--queries: expected a whole number ≥ 1, got '0'");
  });
});
