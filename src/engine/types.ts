// What a training step reports, and what can change between steps.
import { z } from 'zod';

/** Hyper-parameters that may change between any two steps, without rebuilding anything. */
export interface LiveHyper {
  /** Group-lasso weight λ. */
  lambda: number;
  /** KL weight β. */
  beta: number;
  /** Peak learning rate; the warm-up/cosine schedule scales it. */
  lr: number;
}

/**
 * One step's metrics: the one schema, from which StepMetrics is inferred. A line of
 * metrics.jsonl is the same with `ema` null where it is NaN (src/io/runFiles.ts: JSON has no NaN).
 */
export const StepMetricsSchema = z.object({
  /** 1-based index of the step just taken. */
  step: z.number().int().min(1),
  /** Images seen / train size. */
  epoch: z.number().nonnegative(),
  /** Total. */
  loss: z.number(),
  /** (1/M) Σ_i Σ_{j∈B_i} ‖ŝ_j − s_j‖² ('paper') or the MSE ('mean'): config.predictionReduction; MAE: the same over target pixels. */
  predLoss: z.number(),
  /** mean_p KL(N(μ_p, σ_p²) ‖ N(0, I)), before β. */
  klLoss: z.number(),
  /** Σ_g Σ_k ‖W^(g)_{·,k}‖₂, before λ. */
  groupPenalty: z.number(),
  /** ‖∇L‖₂ over every trained parameter. */
  gradNorm: z.number().nonnegative(),
  /** Learning rate used by this step. */
  lr: z.number(),
  /** Weight decay used by this step. */
  wd: z.number(),
  /** EMA momentum used by this step; NaN when the run has no EMA target (MAE, online-no-stopgrad). */
  ema: z.union([z.number(), z.nan()]),
  /** η_W of the group head's W this step (sparse mode). */
  groupLr: z.number().optional(),
  /** Context patches per image after truncation to the batch minimum. */
  contextKept: z.number().int().nonnegative().optional(),
  /** Patches per target block after truncation. */
  targetKept: z.number().int().nonnegative().optional(),
  imgPerSec: z.number().nonnegative(),
  lambda: z.number(),
  beta: z.number(),
  /** G arrays of K numbers: ‖W^(g)_{·,k}‖₂, every `normsEvery` steps (sparse mode only). */
  groupNorms: z.array(z.array(z.number())).optional(),
  /** Share of the G·K columns whose norm is under `zeroThreshold`. */
  zeroShare: z.number().min(0).max(1).optional(),
});

export type StepMetrics = z.infer<typeof StepMetricsSchema>;
