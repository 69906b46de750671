// The probe and train commands, run in-process on a tiny slice of the built-in data (CPU backend).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { classFolder, zipOf } from '../data/image-test-helpers';
import { syntheticClass } from '../data/synthetic';
import { parseConfig } from '../engine/config';
import * as tf from '../engine/tf';
import { readSafetensors } from '../io/safetensors';
import { probeRefusal, weightsAfter as weightsFile } from './probeTestKit';
import { probeCommand } from './probeCommand';
import { trainCommand } from './trainCommand';

const dir = mkdtempSync(join(tmpdir(), 'sparsejepa-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = parseConfig({ dataset: 'synthetic:4', preset: 'micro', mode: 'sparse', batchSize: 4, steps: 2, seed: 2, subset: { perClass: 6 } });

/** A weights file of `c` after `steps` steps (trained on the built-in data even where `c` names a file). */
const weightsAfter = (steps: number, name: string, c = config) => weightsFile(c, steps, join(dir, name), 'synthetic:4');
const rejects = probeRefusal;

describe('npm run probe', () => {
  it('prints one JSON line with top-1/top-5, the random-init floor and the counts, and writes DIR/probe.json', async () => {
    const weights = await weightsAfter(2, 'trained.safetensors');
    const lines: string[] = [];
    const before = tf.memory().numTensors;
    const out = join(dir, 'probe-out');
    const r = await probeCommand(['--weights', weights, '--out', out, '--backend', 'cpu', '--test-per-class', '5', '--epochs', '5'], (l) => lines.push(l));
    expect(tf.memory().numTensors).toBe(before);
    expect(lines).toHaveLength(1);
    const printed = JSON.parse(lines[0]);
    expect(printed).toEqual(r);
    expect(JSON.parse(readFileSync(join(out, 'probe.json'), 'utf8'))).toEqual(printed);
    expect(printed).toMatchObject({
      trainCount: 24, testCount: 20, pretrainDataset: 'synthetic:4', probeDataset: 'synthetic:4', numClasses: 4, mode: 'sparse', preset: 'micro', seed: 2, step: 2,
    });
    for (const k of ['top1', 'top5', 'randomInitTop1', 'randomInitTop5'] as const) {
      expect(printed[k]).toBeGreaterThanOrEqual(0);
      expect(printed[k]).toBeLessThanOrEqual(1);
    }
    expect(printed.top5).toBe(1); // 4 classes: the true one is always among the top 5
  });

  it('the floor is the run’s own random init: an untrained weights file scores exactly the floor', async () => {
    const weights = await weightsAfter(0, 'untrained.safetensors');
    const r = await probeCommand(['--weights', weights, '--out', join(dir, 'p0'), '--backend', 'cpu', '--test-per-class', '5', '--epochs', '5'], () => {});
    expect(r.top1).toBe(r.randomInitTop1);
    expect(r.top5).toBe(r.randomInitTop5);
  });

  it('says in one line what is wrong with the weights file or the flags', async () => {
    expect(await rejects(['--out', dir])).toBe('--weights FILE.safetensors is required');
    expect(await rejects(['--weights', join(dir, 'missing.safetensors'), '--out', dir])).toBe(`--weights: file not found: ${join(dir, 'missing.safetensors')}`);
    const junk = join(dir, 'junk.safetensors');
    writeFileSync(junk, 'not a safetensors file');
    expect(await rejects(['--weights', junk, '--out', dir])).toMatch(/^--weights: .*junk\.safetensors is not a readable \.safetensors file: /);
    const weights = await weightsAfter(0, 'w.safetensors');
    expect(await rejects(['--weights', weights])).toBe('--out DIR is required');
    expect(await rejects(['--weights', weights, '--out', dir, '--bogus'])).toMatch(/Unknown option '--bogus'/);
    expect(await rejects(['--weights', weights, '--out', dir, '--epochs', '0'])).toBe("--epochs: expected a whole number ≥ 1, got '0'");
    expect(await rejects(['--weights', weights, '--out', dir, '--backend', 'webgl'])).toBe("--backend: expected one of wasm, cpu, webgpu, got 'webgl'");
    for (const m of [await rejects(['--out', dir]), await rejects(['--weights', junk, '--out', dir])]) expect(m).not.toContain('\n');
  });
});

describe('npm run probe --dataset B: transfer probes', () => {
  const argsOn = (weights: string, out: string, ...more: string[]) => ['--weights', weights, '--out', join(dir, out), '--backend', 'cpu', '--epochs', '3', ...more];

  it('fits and scores the probe on B, records A and B, and the floor is the untrained model on B', async () => {
    // Pretrained on two named synthetic classes: a subset that names nothing in the counting set.
    const onA = parseConfig({ ...config, subset: { classes: [syntheticClass(0).name, syntheticClass(2).name], perClass: 6 } });
    const weights = await weightsAfter(2, 'transfer.safetensors', onA);
    const lines: string[] = [];
    const before = tf.memory().numTensors;
    const r = await probeCommand(argsOn(weights, 'to-counting', '--dataset', 'counting:3', '--per-class', '5', '--test-per-class', '3'), (l) => lines.push(l));
    expect(tf.memory().numTensors).toBe(before);
    expect(r).toMatchObject({ pretrainDataset: 'synthetic:4', probeDataset: 'counting:3', numClasses: 3, trainCount: 15, testCount: 9, step: 2 });
    expect(JSON.parse(lines[0])).toEqual(r);
    const untrained = await weightsAfter(0, 'transfer0.safetensors', onA);
    const r0 = await probeCommand(argsOn(untrained, 'to-counting0', '--dataset', 'counting:3', '--per-class', '5', '--test-per-class', '3'), () => {});
    expect([r0.top1, r0.top5]).toEqual([r0.randomInitTop1, r0.randomInitTop5]);
    expect([r.randomInitTop1, r.randomInitTop5]).toEqual([r0.randomInitTop1, r0.randomInitTop5]); // the same floor on B for the same architecture and seed
  });

  it('probes on an image folder archive, and npm run train takes one as --dataset', async () => {
    const zip = join(dir, 'colours.zip');
    writeFileSync(zip, zipOf(classFolder('colours/', ['dark', 'light'], [6, 6])));
    const weights = await weightsAfter(1, 'w1.safetensors');
    const r = await probeCommand(argsOn(weights, 'to-zip', '--dataset', zip), () => {});
    expect(r).toMatchObject({ pretrainDataset: 'synthetic:4', probeDataset: zip, numClasses: 2, trainCount: 10, testCount: 2 });
    const out = join(dir, 'train-zip');
    const { steps } = await trainCommand(['--dataset', zip, '--preset', 'micro', '--steps', '1', '--batch', '4', '--log-every', '0', '--backend', 'cpu', '--out', out], () => {});
    expect(steps).toBe(1);
    expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).dataset).toBe(zip);
  });

  it('asks for --dataset when the pretraining data is not here (a file picked in the page)', async () => {
    const weights = await weightsAfter(0, 'page.safetensors', parseConfig({ ...config, dataset: 'file:my-photos.zip' }));
    expect(await rejects(['--weights', weights, '--out', dir])).toBe(
      'the weights were pretrained on "file:my-photos.zip", which is neither a built-in dataset nor a path here: pass --dataset ID|PATH to probe on',
    );
    const r = await probeCommand(argsOn(weights, 'page-probe', '--dataset', 'synthetic:2', '--per-class', '3', '--test-per-class', '2'), () => {});
    expect(r).toMatchObject({ pretrainDataset: 'file:my-photos.zip', probeDataset: 'synthetic:2', trainCount: 6, testCount: 4 });
  });
});

describe('npm run train --probe-every', () => {
  it('probes at step 0 (the floor), every N steps and at the end; prints each and writes DIR/probes.jsonl', async () => {
    const out = join(dir, 'train-out');
    const lines: string[] = [];
    const argv = ['--dataset', 'synthetic:3', '--per-class', '4', '--preset', 'micro', '--mode', 'jepa', '--steps', '3', '--batch', '4',
      '--probe-every', '2', '--probe-epochs', '3', '--log-every', '0', '--backend', 'wasm', '--seed', '1', '--out', out];
    const { probes } = await trainCommand(argv, (l) => lines.push(l));
    expect(probes.map((p) => p.step)).toEqual([0, 2, 3]);
    const file = readFileSync(join(out, 'probes.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(file).toEqual(probes);
    expect(lines.slice(0, 3).map((l) => JSON.parse(l).probe)).toEqual(probes);
    expect(probes[0].top1).toBe(probes[0].randomInitTop1);
    for (const p of probes) expect(p).toMatchObject({ randomInitTop1: probes[0].top1, trainCount: 12, testCount: 300 });
    // DINO's k-NN beside each linear probe, from the same encoding, with its own floor (step 0's).
    for (const p of probes) {
      expect(p.knn).toMatchObject({ randomInitTop1: probes[0].knn!.top1, randomInitTop5: probes[0].knn!.top5 });
      for (const v of [p.knn!.top1, p.knn!.top5]) expect(v).toBeGreaterThanOrEqual(0);
      expect(p.knn!.top5).toBeGreaterThanOrEqual(p.knn!.top1);
    }
    const last = JSON.parse(lines[3]);
    expect(last).toEqual({ out, steps: 3, backend: 'wasm', probe: { top1: probes[2].top1, top5: probes[2].top5, randomInitTop1: probes[0].top1 } });
    expect(readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(3);
    expect(existsSync(join(out, 'weights.safetensors'))).toBe(true);
  });

  it('--mode mae --health-every: trains MAE, writes DIR/health.jsonl, and its weights file is probed through the context encoder', async () => {
    const out = join(dir, 'train-mae');
    const lines: string[] = [];
    const argv = ['--dataset', 'synthetic:3', '--per-class', '4', '--preset', 'micro', '--mode', 'mae', '--steps', '3', '--batch', '4',
      '--health-every', '2', '--log-every', '0', '--backend', 'wasm', '--seed', '1', '--out', out];
    await trainCommand(argv, (l) => lines.push(l));
    const health = readFileSync(join(out, 'health.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(health.map((h) => h.step)).toEqual([0, 2, 3]);
    for (const h of health) {
      // 12 train images, fewer than the fixed batch's 32 and 128: all of them, every patch token or one row each.
      expect(h.tokens).toMatchObject({ rows: 12 * 64, dim: 64 });
      expect(h.pooled).toMatchObject({ rows: 12, dim: 64 });
      expect(h.tokens.rankMe).toBeGreaterThan(1);
      expect(h.contextTokens).toBeUndefined(); // MAE's evaluated encoder is its context encoder
    }
    expect(lines.filter((l) => 'health' in JSON.parse(l))).toHaveLength(3);
    const weights = readSafetensors(new Uint8Array(readFileSync(join(out, 'weights.safetensors'))));
    expect(weights.tensors.has('decoder.decoder_pred.weight')).toBe(true);
    expect(weights.tensors.has('target_encoder.norm.weight')).toBe(false);
    const r = await probeCommand(['--weights', join(out, 'weights.safetensors'), '--out', join(out, 'probe'), '--backend', 'cpu', '--test-per-class', '5', '--epochs', '3'], () => {});
    expect(r).toMatchObject({ mode: 'mae', step: 3, trainCount: 12 });
    expect(r.top1).toBeGreaterThanOrEqual(0);
  });

  it('writes no probes without --probe-every', async () => {
    const out = join(dir, 'train-plain');
    const { probes } = await trainCommand(['--dataset', 'synthetic:3', '--per-class', '2', '--preset', 'micro', '--steps', '1', '--batch', '2', '--log-every', '0', '--backend', 'cpu', '--out', out], () => {});
    expect(probes).toEqual([]);
    expect(existsSync(join(out, 'probes.jsonl'))).toBe(false);
  });
});
