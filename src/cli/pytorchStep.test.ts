// Equivalence of one training step: the PyTorch trainer (interop/pytorch/lab_trainer.py, what
// train.py runs) takes the engine's checkpoint and the engine's batch and masks, and its loss
// terms, gradient norm and updated weights match the engine's own step within 1e-4 (relative),
// for JEPA, SparseJEPA with λ in the loss, the proximal option (W by SGD, or in AdamW), and MAE
// with its own random masks and with I-JEPA's blocks. Only the attention key biases are exempt
// (compareWeights says why).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticDataset } from '../data/synthetic';
import { encodeBatchFile } from '../engine/batchFile';
import type { LabConfigInput } from '../engine/config';
import * as tf from '../engine/tf';
import { Trainer } from '../engine/trainer';
import type { StepMetrics } from '../engine/types';
import { encodeCheckpoint } from '../io/checkpoint';
import { readSafetensors, type SafetensorsFile } from '../io/safetensors';
import { compareWeights, PY, torchWhyNot } from './pytorchTest';

const dir = mkdtempSync(join(tmpdir(), 'pytorch-step-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CASES: [string, LabConfigInput][] = [
  ['JEPA', { mode: 'jepa' }],
  ['SparseJEPA, λ in the loss, W by SGD', { mode: 'sparse', lambda: 0.05, beta: 1e-3 }],
  ['SparseJEPA, proximal shrink after the SGD step on W', { mode: 'sparse', proximal: true, lambda: 20, beta: 1e-3 }],
  ['SparseJEPA, W in AdamW, proximal, trunc-normal init', { mode: 'sparse', proximal: true, lambda: 0.5, groupOptimizer: 'adamw', groupInit: 'truncNormal' }],
  ['MAE, random masks (75 %), norm-pix targets', { mode: 'mae' }],
  ['MAE, I-JEPA blocks, raw pixels, the MSE reduction', { mode: 'mae', maskStrategy: 'blocks', maeNormPix: false, predictionReduction: 'mean' }],
];

interface Dumped {
  engine: SafetensorsFile;
  metrics: StepMetrics;
  files: { checkpoint: string; batch: string; out: (linears: string) => string };
}

// nn.Linear as PyTorch ships it (what GPUs run), and through oneDNN (what train.py picks on a CPU
// whose BLAS is the reference one, as Debian's is).
const LINEARS = ['blas', 'onednn'] as const;

describe.skipIf(torchWhyNot !== null)('one PyTorch step equals one engine step', () => {
  const data = syntheticDataset({ seed: 3, trainPerClass: 4, testPerClass: 1, numClasses: 4 });
  const dumped = new Map<string, Dumped>();

  // The engine's side of every case, then every PyTorch step in one process (torch starts once).
  beforeAll(async () => {
    await tf.setBackend('wasm');
    for (const [name, overrides] of CASES) {
      const trainer = Trainer.create({ preset: 'micro', batchSize: 4, steps: 20, seed: 5, ...overrides }, data);
      for (let i = 0; i < 2; i++) await trainer.step(); // AdamW moments and the EMA target under way
      const tag = name.replace(/\W+/g, '-');
      const files = { checkpoint: join(dir, `${tag}-ckpt.safetensors`), batch: join(dir, `${tag}-batch.safetensors`), out: (l: string) => join(dir, `${tag}-torch-${l}.safetensors`) };
      writeFileSync(files.checkpoint, encodeCheckpoint(await trainer.snapshot()));
      trainer.onBatch = (b) => writeFileSync(files.batch, encodeBatchFile(b));
      const metrics = await trainer.step();
      dumped.set(name, { engine: readSafetensors(await trainer.exportSafetensors()), metrics, files });
      trainer.dispose();
    }
    for (const linears of LINEARS) {
      const args = [...dumped.values()].flatMap(({ files: f }) => ['--checkpoint', f.checkpoint, '--batch', f.batch, '--out', f.out(linears)]);
      execFileSync(PY, ['interop/pytorch/step_check.py', '--cpu-linears', linears, ...args]);
    }
  }, 120_000);

  it.each(CASES.flatMap(([name]) => LINEARS.map((l) => [name, l] as const)))('%s (nn.Linear by %s)', (name, linears) => {
    const { engine, metrics: m, files } = dumped.get(name)!;
    const torch = readSafetensors(new Uint8Array(readFileSync(files.out(linears))));
    const tm = JSON.parse(torch.metadata.metrics);
    const terms = ['loss', 'predLoss', 'klLoss', 'groupPenalty', 'gradNorm', 'lr', 'wd', 'ema'] as const;
    const termDiffs = Object.fromEntries(terms.filter((k) => !Number.isNaN(m[k])).map((k) => [k, Math.abs(tm[k] - m[k]) / Math.max(Math.abs(m[k]), 1e-30)]));
    const { worst, problems } = compareWeights(torch, engine);
    console.log(`${name}, ${linears}: loss ${m.loss.toPrecision(6)} vs ${tm.loss.toPrecision(6)}; worst term ${Math.max(...Object.values(termDiffs)).toExponential(2)}; worst tensor ${worst.name} ${worst.diff.toExponential(2)}`);
    for (const k of Object.keys(termDiffs)) if (m[k as keyof StepMetrics] !== 0) expect(termDiffs[k], k).toBeLessThan(1e-4);
    if (Number.isNaN(m.ema)) expect(tm.ema, 'no EMA target: ema is null, as in metrics.jsonl').toBeNull();
    expect(problems).toEqual([]);
    expect(worst.diff, worst.name).toBeLessThan(1e-4);
    expect(tm.contextKept).toBe(m.contextKept);
    expect(tm.targetKept).toBe(m.targetKept);
    if (m.groupLr !== undefined) expect(Math.abs(tm.groupLr - m.groupLr) / m.groupLr).toBeLessThan(1e-12);
  });
});
