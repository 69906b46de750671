// What a training step reports, and what can change between steps.

/** Hyper-parameters that may change between any two steps, without rebuilding anything. */
export interface LiveHyper {
  /** Group-lasso weight λ. */
  lambda: number;
  /** KL weight β. */
  beta: number;
  /** Peak learning rate; the warm-up/cosine schedule scales it. */
  lr: number;
}

export interface StepMetrics {
  step: number; // 1-based index of the step just taken
  epoch: number; // images seen / train size
  loss: number; // total
  predLoss: number; // (1/M) Σ_i Σ_{j∈B_i} ‖ŝ_j − s_j‖² ('paper') or the MSE ('mean'): config.predictionReduction; MAE: the same over target pixels
  klLoss: number; // mean_p KL(N(μ_p, σ_p²) ‖ N(0, I)), before β
  groupPenalty: number; // Σ_g Σ_k ‖W^(g)_{·,k}‖₂, before λ
  gradNorm: number; // ‖∇L‖₂ over every trained parameter
  lr: number; // learning rate used by this step
  wd: number; // weight decay used by this step
  ema: number; // EMA momentum used by this step; NaN when the run has no EMA target (MAE, online-no-stopgrad)
  groupLr?: number; // η_W of the group head's W this step (sparse mode)
  contextKept?: number; // context patches per image after truncation to the batch minimum
  targetKept?: number; // patches per target block after truncation
  imgPerSec: number;
  lambda: number;
  beta: number;
  /** G arrays of K numbers: ‖W^(g)_{·,k}‖₂, every `normsEvery` steps (sparse mode only). */
  groupNorms?: number[][];
  /** Share of the G·K columns whose norm is under `zeroThreshold`. */
  zeroShare?: number;
}
