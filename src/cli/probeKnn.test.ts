// npm run probe -- --kind knn, in-process on a tiny slice of the built-in data (WASM backend).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../engine/config';
import * as tf from '../engine/tf';
import { probeRefusal as rejects, weightsAfter as weightsFile } from './probeTestKit';
import { probeCommand } from './probeCommand';

const dir = mkdtempSync(join(tmpdir(), 'sparsejepa-knn-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = parseConfig({ dataset: 'synthetic:4', preset: 'micro', mode: 'sparse', batchSize: 4, steps: 2, seed: 3, subset: { perClass: 6 } });
const weightsAfter = (steps: number, name: string) => weightsFile(config, steps, join(dir, name));

describe('npm run probe --kind knn', () => {
  it('DINO’s k-NN on the frozen encoder’s mean-pooled features beside the random-init floor: DIR/probe-knn.json, tensors flat', async () => {
    const weights = await weightsAfter(2, 'trained.safetensors');
    const out = join(dir, 'out');
    const lines: string[] = [];
    const before = tf.memory().numTensors;
    const r = await probeCommand(['--weights', weights, '--out', out, '--backend', 'wasm', '--test-per-class', '3', '--kind', 'knn', '--k', '5', '--temperature=0.1'], (l) => lines.push(l));
    expect(tf.memory().numTensors).toBe(before);
    expect(JSON.parse(lines[0])).toEqual(r);
    expect(JSON.parse(readFileSync(join(out, 'probe-knn.json'), 'utf8'))).toEqual(r);
    expect(existsSync(join(out, 'probe.json'))).toBe(false); // the linear probe's file is left alone
    expect(r).toMatchObject({ probe: 'knn', k: 5, temperature: 0.1, trainCount: 24, testCount: 12, mode: 'sparse', step: 2, numClasses: 4 });
    for (const f of ['top1', 'top5', 'randomInitTop1', 'randomInitTop5'] as const) {
      expect(r[f]).toBeGreaterThanOrEqual(0);
      expect(r[f]).toBeLessThanOrEqual(1);
    }
    expect(r.top5).toBeGreaterThanOrEqual(r.top1);
    // An untrained file is the floor itself; DINO's defaults when no flag is given.
    const untrained = await weightsAfter(0, 'untrained.safetensors');
    const f = await probeCommand(['--weights', untrained, '--out', join(dir, 'f'), '--backend', 'wasm', '--test-per-class', '3', '--kind', 'knn'], () => {});
    expect(f).toMatchObject({ k: 20, temperature: 0.07 });
    expect(f.top1).toBe(f.randomInitTop1);
    expect(f.top5).toBe(f.randomInitTop5);
  });

  it('refuses a bad --k or --temperature in one line naming the flag', async () => {
    const weights = await weightsAfter(0, 'w.safetensors');
    const knn = ['--weights', weights, '--out', dir, '--backend', 'cpu', '--kind', 'knn'];
    expect(await rejects([...knn, '--k', '0'])).toBe("--k: expected a whole number ≥ 1, got '0'");
    expect(await rejects([...knn, '--k=2.5'])).toBe("--k: expected a whole number ≥ 1, got '2.5'");
    expect(await rejects([...knn, '--k'])).toBe('--k: expected a whole number ≥ 1 after it');
    expect(await rejects([...knn, '--temperature', '0'])).toBe("--temperature: expected a number > 0, got '0'");
    expect(await rejects([...knn, '--temperature', 'warm'])).toBe("--temperature: expected a number, got 'warm'");
    expect(await rejects([...knn, '--epochs', '3'])).toBe('--epochs: not for --kind knn (nothing is fitted)');
    const linear = ['--weights', weights, '--out', dir, '--backend', 'cpu'];
    expect(await rejects([...linear, '--k', '5'])).toBe('--k: only for --kind knn');
    expect(await rejects([...linear, '--kind', 'attentive', '--temperature', '1'])).toBe('--temperature: only for --kind knn');
  });
});
