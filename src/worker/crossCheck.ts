// Cross-check: the loss of one fixed batch on the backend in use and on tfjs's CPU backend, with
// the same weights, so a backend that computes wrong (a WebGPU driver, a kernel bug) shows as a
// relative difference. Tensor work: the caller runs it in the worker's tensor queue.
import * as tf from '../engine/tf';
import { Trainer } from '../engine/trainer';
import type { BackendName, CrossCheckResult, FixedBatchLoss } from './protocol';

const TERMS = ['loss', 'predLoss', 'klLoss', 'groupPenalty'] as const;

/** max over the four terms of |a − b| / max(|b|, 1e-3). */
export function maxRelDiff(value: FixedBatchLoss, reference: FixedBatchLoss): number {
  return Math.max(...TERMS.map((k) => Math.abs(value[k] - reference[k]) / Math.max(Math.abs(reference[k]), 1e-3)));
}

/** `t`'s loss on the batch of `seed` here (backend `backend`) and on the CPU backend; the backend in use is set back after. */
export async function crossCheck(t: Trainer, seed: number, backend: BackendName): Promise<CrossCheckResult> {
  const t0 = performance.now();
  const value = await t.evaluateFixedBatch(seed);
  const weights = await t.exportSafetensors();
  const original = tf.getBackend();
  let reference: FixedBatchLoss;
  try {
    if (original !== 'cpu') await tf.setBackend('cpu');
    const ref = Trainer.create(t.config, t.data);
    try {
      ref.setHyper(t.hyper());
      await ref.importSafetensors(weights);
      reference = await ref.evaluateFixedBatch(seed);
    } finally {
      ref.dispose();
    }
  } finally {
    if (tf.getBackend() !== original) await tf.setBackend(original);
  }
  return { step: t.stepCount, seed, backend, value, reference, maxRelDiff: maxRelDiff(value, reference), ms: performance.now() - t0 };
}
