// The one config schema: the form, the URL, the command line and exported metadata all use it.
import { z } from 'zod';

export const PRESETS = {
  micro: { embedDim: 64, depth: 2, heads: 2, predictorDepth: 3 },
  small: { embedDim: 192, depth: 6, heads: 3, predictorDepth: 3 },
  'vit-tiny': { embedDim: 192, depth: 12, heads: 3, predictorDepth: 3 },
} as const;
export type PresetName = keyof typeof PRESETS;

export const GROUPINGS = ['blocks2x2', 'patch', 'rows', 'quadrants'] as const;
export type Grouping = (typeof GROUPINGS)[number];

/** 'random': He et al.'s MAE mask (a random maskRatio of each image's patches); 'blocks': I-JEPA's multi-block masks. */
export const MASK_STRATEGIES = ['random', 'blocks'] as const;
export type MaskStrategy = (typeof MASK_STRATEGIES)[number];

const range = (lo: number, hi: number) =>
  z.tuple([z.number(), z.number()]).refine(([a, b]) => a <= b && a >= lo && b <= hi, {
    message: `must be [lo, hi] with ${lo} <= lo <= hi <= ${hi}`,
  }).meta({ orderedWithin: [lo, hi] }); // the refinement, spelled out for the JSON Schema the PyTorch trainer reads

export const SubsetSchema = z.object({
  /** Fine class indices or names to keep; empty = all. */
  classes: z.array(z.union([z.number().int().nonnegative(), z.string()])).default([]),
  /** CIFAR-100 superclass (coarse) indices or names to keep; empty = all. */
  superclasses: z.array(z.union([z.number().int().nonnegative(), z.string()])).default([]),
  /** Images kept per class (0 = all). */
  perClass: z.number().int().nonnegative().default(0),
});
export type Subset = z.infer<typeof SubsetSchema>;

export const ConfigSchema = z.object({
  /** 'jepa': I-JEPA; 'sparse': SparseJEPA; 'mae': He et al.'s masked autoencoder (the same encoder; a decoder reconstructs the masked patches' pixels; its masks: maskStrategy). */
  mode: z.enum(['jepa', 'sparse', 'mae']).default('sparse'),
  preset: z.enum(['micro', 'small', 'vit-tiny']).default('small'),
  seed: z.number().int().nonnegative().default(0),

  // Data
  dataset: z.string().min(1).default('synthetic'),
  subset: SubsetSchema.default({ classes: [], superclasses: [], perClass: 0 }),
  flip: z.boolean().default(true),
  /** Random-crop padding in pixels (0 = no crop). */
  cropPad: z.number().int().min(0).max(8).default(4),

  // Model (preset gives width/depth/heads; these are shared by all presets)
  imageSize: z.literal(32).default(32),
  patchSize: z.union([z.literal(2), z.literal(4), z.literal(8)]).default(4),
  mlpRatio: z.number().int().min(1).max(8).default(4),
  /** Predictor width as a fraction of the encoder width. */
  predictorWidthRatio: z.number().positive().max(1).default(0.5),
  latentDim: z.number().int().min(1).max(1024).default(32),
  /**
   * Std of the patch embedding's truncated-normal init. 0.02 is I-JEPA's; with 4×4 patches
   * (48 inputs, vs 768 for I-JEPA's 16×16) it leaves ~89 % of each token's variance to the fixed
   * position embedding at init, which short runs may collapse onto (docs/results.md, linear probe).
   */
  patchEmbedStd: z.number().positive().max(1).default(0.02),
  grouping: z.enum(GROUPINGS).default('blocks2x2'),

  // Loss
  /**
   * Defaults for the paper's loss scale (predictionReduction 'paper'), measured on the built-in
   * data (docs/results.md, "What λ does"): λ = 1 leaves ~60 % of W's columns under 0.01 after 300 micro
   * steps at the prediction loss of λ = 0; β = 1e-2 keeps β·KL a few % of the loss.
   */
  lambda: z.number().min(0).max(100).default(1),
  beta: z.number().min(0).max(100).default(1e-2),
  proximal: z.boolean().default(false),
  /** 'paper': Σ over a block's patches and features (MAE: pixels), mean over blocks (the paper's scale of β and λ); 'mean': MSE. */
  predictionReduction: z.enum(['paper', 'mean']).default('paper'),

  /**
   * Where JEPA's targets come from (not used by MAE, whose targets are pixels). 'ema': f_θ̄, an
   * EMA copy of the context encoder behind a stop-gradient (I-JEPA). 'online-no-stopgrad': the
   * context encoder itself on the whole image, gradients flowing through the targets too — the
   * setting that lets the representation collapse (there is then no target encoder). EMA momentum
   * 0 (emaMomentum [0, 0]) is the other ablation: a stop-gradient copy of the current encoder.
   */
  targetEncoder: z.enum(['ema', 'online-no-stopgrad']).default('ema'),
  /**
   * MAE: reconstruct each target patch's pixels normalised by that patch's own mean and variance
   * (the MAE paper's "norm pix" targets, which it finds give better representations) rather than
   * the raw pixels. Default on: without it the loss is dominated by each patch's brightness and
   * colour, the high-variance, low-information part of the image.
   */
  maeNormPix: z.boolean().default(true),

  // The group head's W^(g), optimised as oi-VAE does (no weight decay in either optimiser)
  /** 'sgd': plain gradient steps at groupLr (oi-VAE; the proximal step is then a true proximal-gradient step); 'adamw': Adam at the lr schedule. */
  groupOptimizer: z.enum(['sgd', 'adamw']).default('sgd'),
  /** Peak step size η_W of W's plain gradient steps; it follows the lr schedule's warm-up/cosine shape. */
  groupLr: z.number().positive().max(100).default(1e-2),
  /**
   * 'truncNormal': std 0.02 like every other layer (the default: measured, it fits as well as λ = 0
   * and shows sparsity within a few hundred micro steps); 'unitNormal': W ~ N(0, 1), oi-VAE's init
   * "so that proximal gradient descent doesn't prematurely kill them" — here the noise u = μ + σε
   * (σ ≈ 1 at init) through a unit-normal W makes the first predictions ~30× the target's scale,
   * and after 300 micro steps the prediction loss is still ~25× that of truncNormal (docs/results.md).
   */
  groupInit: z.enum(['unitNormal', 'truncNormal']).default('truncNormal'),

  // Masks
  /**
   * 'random' (He et al.'s MAE): per image, a random maskRatio of the N patches is masked; the
   * encoder sees the other round((1 − maskRatio)·N) and the decoder reconstructs every masked
   * patch in one pass. 'blocks': I-JEPA's multi-block masks (numTargets, the scales below).
   * Unset, it is the mode's own: 'random' for MAE, 'blocks' for JEPA and SparseJEPA, which only
   * train on blocks (parseConfig refuses 'random' for them).
   */
  maskStrategy: z.enum(MASK_STRATEGIES).optional(),
  /** maskStrategy 'random': the share of each image's patches masked (MAE's 0.75). */
  maskRatio: z.number().gt(0).lt(1).default(0.75),
  // I-JEPA multi-block (maskStrategy 'blocks')
  numTargets: z.number().int().min(1).max(8).default(4),
  targetScale: range(0, 1).default([0.15, 0.2]),
  targetAspect: range(0.1, 10).default([0.75, 1.5]),
  contextScale: range(0, 1).default([0.85, 1.0]),
  minKeep: z.number().int().min(1).default(4),

  // Optimiser and schedules
  steps: z.number().int().min(1).max(10_000_000).default(1000),
  batchSize: z.number().int().min(1).max(4096).default(32),
  lr: z.number().positive().max(1).default(1e-3),
  startLr: z.number().nonnegative().max(1).default(2e-4),
  finalLr: z.number().nonnegative().max(1).default(1e-6),
  warmupFraction: z.number().min(0).max(1).default(0.1),
  weightDecay: range(0, 10).default([0.04, 0.4]),
  emaMomentum: range(0, 1).default([0.996, 1.0]),

  // Metrics
  /** Send the G×K norm matrix every n steps. */
  normsEvery: z.number().int().min(1).default(10),
  /** A latent column with ‖W^(g)_{·,k}‖₂ under this counts as (near) zero. */
  zeroThreshold: z.number().nonnegative().default(1e-2),
  /** Run the linear probe every n steps (0 = only when asked). */
  probeEvery: z.number().int().min(0).default(0),
  /** Measure representation health (per-dimension std, RankMe) every n steps (0 = only when asked). */
  healthEvery: z.number().int().min(0).default(0),

  // Keeping work
  /** Save the full training state every n steps (0 = only on Pause). */
  checkpointEvery: z.number().int().min(0).default(50),
});

/** A parsed config: every field filled in, maskStrategy with its mode's default (parseConfig). */
export type LabConfig = Omit<z.infer<typeof ConfigSchema>, 'maskStrategy'> & { maskStrategy: MaskStrategy };
export type LabConfigInput = z.input<typeof ConfigSchema>;

/**
 * What changing a setting means, for every field of the schema (a field missing here is a type
 * error, so a new setting has to be placed):
 * - `live`: changes reach a training run between two steps; the run stays the same run.
 * - `arch`: decides the model's tensor names and shapes (weights of another `arch` do not load).
 * - `run`: fixes the run's numbers (data, init, schedules, metrics); changing it means a new run.
 */
export type FieldRole = 'live' | 'arch' | 'run';
export const FIELD_ROLES = {
  mode: 'arch',
  preset: 'arch',
  seed: 'run',
  dataset: 'run',
  subset: 'run',
  flip: 'run',
  cropPad: 'run',
  imageSize: 'arch',
  patchSize: 'arch',
  mlpRatio: 'arch',
  predictorWidthRatio: 'arch',
  latentDim: 'arch',
  patchEmbedStd: 'run',
  grouping: 'arch',
  lambda: 'live',
  beta: 'live',
  proximal: 'run',
  predictionReduction: 'run',
  groupOptimizer: 'run',
  groupLr: 'run',
  groupInit: 'run',
  // No target encoder without the stop-gradient: the file has no target_encoder.* tensors.
  targetEncoder: 'arch',
  maeNormPix: 'run',
  maskStrategy: 'run',
  maskRatio: 'run',
  numTargets: 'run',
  targetScale: 'run',
  targetAspect: 'run',
  contextScale: 'run',
  minKeep: 'run',
  steps: 'run',
  batchSize: 'run',
  lr: 'live',
  startLr: 'run',
  finalLr: 'run',
  warmupFraction: 'run',
  weightDecay: 'run',
  emaMomentum: 'run',
  normsEvery: 'run',
  zeroThreshold: 'run',
  probeEvery: 'live',
  healthEvery: 'live',
  checkpointEvery: 'run',
} as const satisfies Record<keyof LabConfig, FieldRole>;

type FieldsOf<R extends FieldRole> = { [K in keyof typeof FIELD_ROLES]: (typeof FIELD_ROLES)[K] extends R ? K : never }[keyof typeof FIELD_ROLES];
const fieldsOf = <R extends FieldRole>(role: R) => (Object.keys(FIELD_ROLES) as (keyof LabConfig)[]).filter((k) => FIELD_ROLES[k] === role) as FieldsOf<R>[];

/** Settings that change while a run trains (λ, β, lr through setHyper; the probe and health intervals). */
export const LIVE_FIELDS: readonly FieldsOf<'live'>[] = fieldsOf('live');
/** Settings that decide the architecture: tensor names and shapes. */
export const ARCH_FIELDS: readonly FieldsOf<'arch'>[] = fieldsOf('arch');
/** The live settings the trainer takes between steps (LiveHyper): λ, β and the peak learning rate. */
export const HYPER_FIELDS = ['lambda', 'beta', 'lr'] as const satisfies readonly FieldsOf<'live'>[];
/**
 * Settings the target encoder at step 0 and the probe's images depend on (the probe's floor is
 * shared by runs that agree on these: a run and its JEPA twin). The encoder is drawn first from
 * the seed's stream, before the predictor and head, so mode, K and grouping do not change it.
 */
export const ENCODER_FLOOR_FIELDS = ['preset', 'imageSize', 'patchSize', 'mlpRatio', 'patchEmbedStd', 'seed', 'dataset', 'subset'] as const satisfies readonly (keyof LabConfig)[];

const sameValue = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The settings (other than the live ones) in which two configs differ. */
export function runFieldsChanged(a: LabConfig, b: LabConfig): (keyof LabConfig)[] {
  return (Object.keys(FIELD_ROLES) as (keyof LabConfig)[]).filter((k) => FIELD_ROLES[k] !== 'live' && !sameValue(a[k], b[k]));
}

/** Two configs describe the same run: equal apart from the live settings (a checkpoint of one continues the other). */
export function sameRun(a: LabConfig, b: LabConfig): boolean {
  return runFieldsChanged(a, b).length === 0;
}

/** `base` with the architecture of `from` (weights of `from`'s shape load into the result). */
export function withArchitecture(base: LabConfig, from: LabConfig): LabConfig {
  const out = { ...base } as Record<string, unknown>;
  for (const k of ARCH_FIELDS) out[k] = from[k];
  return out as LabConfig;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
  /** The config field a cross-field rule refused (the command line names its flag), if one. */
  constructor(message: string, readonly field?: keyof LabConfig) {
    super(message);
  }
}

/** The mask a mode trains on when maskStrategy is unset: MAE is He et al.'s (random), JEPA and SparseJEPA are I-JEPA's (blocks). */
export const defaultMaskStrategy = (mode: LabConfig['mode']): MaskStrategy => (mode === 'mae' ? 'random' : 'blocks');

/** Visible (context) patches per image under maskStrategy 'random': round((1 − maskRatio)·N). */
export const visiblePatches = (maskRatio: number, numPatches: number): number => Math.round((1 - maskRatio) * numPatches);

/** `c` as a run of `mode`: a change of mode takes that mode's mask strategy (the strategy belongs to the mode). */
export function withMode(c: LabConfigInput, mode: LabConfig['mode']): LabConfigInput {
  return { ...c, mode, maskStrategy: c.mode === mode ? c.maskStrategy : undefined };
}

/** Parse and validate a (partial) config; throws ConfigError naming each bad field. */
export function parseConfig(input: unknown): LabConfig {
  const r = ConfigSchema.safeParse(input ?? {});
  if (!r.success) {
    const msg = r.error.issues
      .map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`)
      .join('; ');
    throw new ConfigError(`invalid config: ${msg}`);
  }
  // In the schema's key order whether or not maskStrategy was given (configs are compared and hashed as JSON).
  const strategy = r.data.maskStrategy ?? defaultMaskStrategy(r.data.mode);
  const c = Object.fromEntries(Object.keys(ConfigSchema.shape).map((k) => [k, k === 'maskStrategy' ? strategy : r.data[k as keyof typeof r.data]])) as LabConfig;
  const grid = c.imageSize / c.patchSize;
  if (c.grouping === 'blocks2x2' && grid % 2 !== 0) throw new ConfigError('grouping blocks2x2 needs an even patch grid');
  if (c.maskStrategy === 'random' && c.mode !== 'mae') {
    throw new ConfigError(`maskStrategy 'random' is MAE's (He et al.); ${c.mode} trains on I-JEPA's multi-block masks: use maskStrategy 'blocks' or mode 'mae'`, 'maskStrategy');
  }
  const visible = visiblePatches(c.maskRatio, grid * grid);
  if (c.maskStrategy === 'random' && (visible < 1 || visible >= grid * grid)) {
    throw new ConfigError(`maskRatio ${c.maskRatio} leaves ${visible} of the ${grid * grid} patches visible: the encoder needs at least one and the decoder at least one masked patch`, 'maskRatio');
  }
  return c;
}

/**
 * A config the lab saved (checkpoints, weights files, run folders, stored runs: every field
 * filled in). One saved before maskStrategy existed was trained on blocks, MAE's included.
 */
export function parseSavedConfig(saved: unknown): LabConfig {
  const old = saved !== null && typeof saved === 'object' && !Array.isArray(saved) && !('maskStrategy' in saved);
  return parseConfig(old ? { ...saved, maskStrategy: 'blocks' } : saved);
}

export const defaultConfig = (): LabConfig => parseConfig({});

/** Architecture sizes derived from a config (preset + shared settings). */
export interface ModelDims {
  imageSize: number;
  patchSize: number;
  grid: number; // patches per side
  numPatches: number; // N
  patchDim: number; // 3·p·p
  embedDim: number; // D
  depth: number;
  heads: number;
  mlpRatio: number;
  predictorDim: number; // D_p
  predictorDepth: number;
  predictorHeads: number;
  latentDim: number; // K
  numGroups: number; // G
  patchEmbedStd?: number; // init std of the patch embedding (config.patchEmbedStd)
}

export function modelDims(c: LabConfig): ModelDims {
  const p = PRESETS[c.preset];
  const grid = c.imageSize / c.patchSize;
  const predictorDim = Math.max(p.heads, Math.round((p.embedDim * c.predictorWidthRatio) / p.heads) * p.heads);
  return {
    imageSize: c.imageSize,
    patchSize: c.patchSize,
    grid,
    numPatches: grid * grid,
    patchDim: 3 * c.patchSize * c.patchSize,
    embedDim: p.embedDim,
    depth: p.depth,
    heads: p.heads,
    mlpRatio: c.mlpRatio,
    predictorDim,
    predictorDepth: p.predictorDepth,
    predictorHeads: p.heads,
    latentDim: c.latentDim,
    numGroups: groupCount(c.grouping, grid),
    patchEmbedStd: c.patchEmbedStd,
  };
}

export function groupCount(g: Grouping, grid: number): number {
  switch (g) {
    case 'patch': return grid * grid;
    case 'rows': return grid;
    case 'quadrants': return 4;
    case 'blocks2x2': return (grid / 2) * (grid / 2);
  }
}

/** Group index of each patch (row-major over the grid): the partition g(p). */
export function groupOfPatch(g: Grouping, grid: number): Int32Array {
  const out = new Int32Array(grid * grid);
  const half = Math.ceil(grid / 2);
  for (let r = 0; r < grid; r++) {
    for (let c = 0; c < grid; c++) {
      const i = r * grid + c;
      switch (g) {
        case 'patch': out[i] = i; break;
        case 'rows': out[i] = r; break;
        case 'quadrants': out[i] = (r < half ? 0 : 2) + (c < half ? 0 : 1); break;
        case 'blocks2x2': out[i] = (r >> 1) * (grid / 2) + (c >> 1); break;
      }
    }
  }
  return out;
}
