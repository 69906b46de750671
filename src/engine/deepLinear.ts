// The implicit-bias demo of Littwin et al. 2024 ("How JEPA avoids noisy features: the implicit
// bias of deep linear self distillation networks"): a deep linear MAE and a deep linear JEPA
// trained side by side by plain gradient descent on the population (expected) loss, so every
// run is deterministic and sampling noise never decides which feature is learned first.
//
// Data: x, y ∈ R^d (y the other view), Σ_xx = diag(λ), Σ_yx = diag(ρ_i λ_i), Σ_yy = diag(λ)
// (both views vary alike, so ρ_i is also their correlation along feature i and must lie in (0, 1]).
// Model: encoder W̄ = W_L ⋯ W_1 (square d×d layers), predictor/decoder V, P = V·W̄.
//   MAE:  L = ½ E‖y − P x‖²                → ∂L/∂P = P Σ_xx − Σ_yx
//   JEPA: L = ½ E‖P x − sg(W̄) y‖²          → ∂L/∂P = P Σ_xx − W̄ Σ_yx   (no gradient through the target)
// Initialisation: small, balanced and aligned with the features, as the paper's analysis assumes;
// here W̄(0) = ε·I, i.e. every layer and V start at ε^{1/L}·I (a fixed encoder gain ε across
// depths; with a fixed per-layer scale instead, the depth effect saturates — checked while
// choosing the defaults). Gradient flow keeps the L+1 factors equal (each θ_j² changes by
// −2P·∂L/∂P alike), so feature i's per-layer scale a_i obeys, derived here from the losses above,
//   MAE:  ȧ = λ a^L (ρ − a^{L+1}),   encoder gain g = a^L → ρ^{L/(L+1)}
//   JEPA: ȧ = λ a^{2L} (ρ − a),       encoder gain g = a^L → ρ^L
// and integrating the JEPA one from a(0) = s = ε^{1/L} gives the critical time
//   t*_JEPA ≈ (1/λ) Σ_{n=1}^{2L−1} 1 / (n ρ^{2L−n} s^n)   (+ logarithmic terms),
// against MAE's (1/λ) Σ_{n=1}^{L−1} 1 / (n ρ^{1+(L−1−n)/(L+1)} s^n) (+ log terms; ln(·)/(λρ) at L = 1):
// the leading terms are alike (1/λρ), but JEPA's depend on ρ through powers up to 2L−1 and, as
// s = ε^{1/L} grows with depth, weigh more — the paper's result that JEPA's preference for high-ρ
// (influential) features grows with depth while MAE's order follows λρ, i.e. mostly λ.
//
// The simulation below does not use these scalar equations: it runs gradient descent on the
// full matrices; the unit tests hold it to them.

export type Objective = 'mae' | 'jepa';
export const OBJECTIVES: readonly Objective[] = ['mae', 'jepa'];

/** Settings of one demo; field names are the command line's flags (`--lambdas`, `--depth`, …). */
export interface DeepLinearSettings {
  /** λ_i: each feature's variance (Σ_xx = diag(λ)). */
  lambdas: number[];
  /** ρ_i: each feature's regression coefficient from x to y (Σ_yx = diag(ρ λ)), in (0, 1]. */
  rhos: number[];
  /** Encoder depth L (number of layers W_1 … W_L). */
  depth: number;
  /** ε: the encoder's initial gain, W̄(0) = ε·I (each factor ε^{1/L}). */
  init: number;
  /** Gradient-descent step size η; gradient-flow time is t = η · step. */
  lr: number;
  /** The most steps either objective runs (each stops earlier once every feature is learned). */
  steps: number;
  /** About how many points each curve keeps (halved by dropping every other point when full). */
  points: number;
}

/** Defaults where the orders disagree: feature 1 varies more (λ), feature 2 predicts more (ρ). */
export const DEFAULT_DEEP_LINEAR: DeepLinearSettings = {
  lambdas: [1, 0.5],
  rhos: [0.5, 0.9],
  depth: 3,
  init: 0.003,
  lr: 0.2,
  steps: 2_000_000,
  points: 400,
};

export const MAX_FEATURES = 8;
export const MAX_DEPTH = 5;

/** Critical time: the first step at which a feature's gain reaches this share of its final gain. */
export const CRITICAL_FRACTION = 0.5;
/** An objective is done once every feature's gain reached this share of its final gain. */
export const LEARNED_FRACTION = 0.95;

/** A bad setting; `field` is the settings field (and command-line flag) at fault. */
export class DeepLinearSettingError extends Error {
  override name = 'DeepLinearSettingError';
  constructor(
    readonly field: keyof DeepLinearSettings,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** The settings with defaults filled in, checked; errors name the field. */
export function deepLinearSettings(partial: Partial<DeepLinearSettings> = {}): DeepLinearSettings {
  const s = { ...DEFAULT_DEEP_LINEAR, ...partial };
  const fail = (field: keyof DeepLinearSettings, msg: string): never => {
    throw new DeepLinearSettingError(field, msg);
  };
  const d = s.lambdas.length;
  if (d < 1 || d > MAX_FEATURES) fail('lambdas', `expected 1 to ${MAX_FEATURES} features, got ${d}`);
  if (s.rhos.length !== d) fail('rhos', `expected one ρ per feature (${d} λ values), got ${s.rhos.length}`);
  s.lambdas.forEach((l, i) => (Number.isFinite(l) && l > 0) || fail('lambdas', `feature ${i + 1}: λ must be a number > 0, got ${l}`));
  s.rhos.forEach((r, i) => (Number.isFinite(r) && r > 0 && r <= 1) || fail('rhos', `feature ${i + 1}: ρ must be in (0, 1] (Σ_yy = diag(λ), so ρ is the views' correlation), got ${r}`));
  if (!Number.isInteger(s.depth) || s.depth < 1 || s.depth > MAX_DEPTH) fail('depth', `expected a whole number from 1 to ${MAX_DEPTH}, got ${s.depth}`);
  if (!Number.isInteger(s.steps) || s.steps < 1) fail('steps', `expected a whole number ≥ 1, got ${s.steps}`);
  if (!Number.isInteger(s.points) || s.points < 10) fail('points', `expected a whole number ≥ 10, got ${s.points}`);
  if (!(Number.isFinite(s.lr) && s.lr > 0)) fail('lr', `expected a number > 0, got ${s.lr}`);
  if (!(Number.isFinite(s.init) && s.init > 0)) fail('init', `expected a number > 0, got ${s.init}`);
  // A feature whose gain starts at or above half its final value has no critical time to find.
  const lowest = Math.min(...OBJECTIVES.flatMap((o) => s.rhos.map((r) => finalGain(o, r, s.depth))));
  if (s.init >= CRITICAL_FRACTION * lowest) {
    fail('init', `ε = ${s.init} must be below half of every feature's final gain (smallest: ${lowest.toPrecision(3)} at depth ${s.depth}), or its critical time is step 0`);
  }
  // Plain GD near MAE's fixed point contracts iff η·λ(L+1)ρ^{2L/(L+1)} < 2 (JEPA's rate λρ^{2L} is smaller).
  const stiffest = Math.max(...s.lambdas.map((l, i) => l * (s.depth + 1) * s.rhos[i] ** ((2 * s.depth) / (s.depth + 1))));
  if (s.lr * stiffest >= 2) fail('lr', `η = ${s.lr} is too large: gradient descent diverges near MAE's solution unless η < ${(2 / stiffest).toPrecision(3)}`);
  return { ...s, lambdas: [...s.lambdas], rhos: [...s.rhos] };
}

/** The encoder's final gain along a feature, the fixed point of the balanced dynamics above. */
export function finalGain(objective: Objective, rho: number, depth: number): number {
  return objective === 'mae' ? rho ** (depth / (depth + 1)) : rho ** depth;
}

// --- small dense matrices (d×d, row-major Float64Array) -----------------------------------------

function identity(d: number, scale = 1): Float64Array {
  const m = new Float64Array(d * d);
  for (let i = 0; i < d; i++) m[i * d + i] = scale;
  return m;
}

/** a·b. */
function mul(a: Float64Array, b: Float64Array, d: number): Float64Array {
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let k = 0; k < d; k++) {
    const aik = a[i * d + k];
    if (aik !== 0) for (let j = 0; j < d; j++) out[i * d + j] += aik * b[k * d + j];
  }
  return out;
}

/** aᵀ·b. */
function mulTA(a: Float64Array, b: Float64Array, d: number): Float64Array {
  const out = new Float64Array(d * d);
  for (let k = 0; k < d; k++) for (let i = 0; i < d; i++) {
    const aki = a[k * d + i];
    if (aki !== 0) for (let j = 0; j < d; j++) out[i * d + j] += aki * b[k * d + j];
  }
  return out;
}

/** a·bᵀ. */
function mulTB(a: Float64Array, b: Float64Array, d: number): Float64Array {
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += a[i * d + k] * b[j * d + k];
    out[i * d + j] = s;
  }
  return out;
}

function trace(a: Float64Array, d: number): number {
  let s = 0;
  for (let i = 0; i < d; i++) s += a[i * d + i];
  return s;
}

/** The population moments of the two views. */
export interface ViewMoments {
  d: number;
  sxx: Float64Array;
  syx: Float64Array;
  syy: Float64Array;
}

export function viewMoments(lambdas: number[], rhos: number[]): ViewMoments {
  const d = lambdas.length;
  const sxx = new Float64Array(d * d);
  const syx = new Float64Array(d * d);
  const syy = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    sxx[i * d + i] = lambdas[i];
    syx[i * d + i] = rhos[i] * lambdas[i];
    syy[i * d + i] = lambdas[i];
  }
  return { d, sxx, syx, syy };
}

/** The weights of one deep linear model: encoder layers W_1 … W_L and the predictor/decoder V. */
export interface DeepLinearWeights {
  layers: Float64Array[];
  V: Float64Array;
}

/** Balanced, feature-aligned small init: W̄(0) = ε·I, every factor ε^{1/L}·I. */
export function balancedInit(d: number, depth: number, init: number): DeepLinearWeights {
  const s = init ** (1 / depth);
  return { layers: Array.from({ length: depth }, () => identity(d, s)), V: identity(d, s) };
}

/** W̄ = W_L ⋯ W_1. */
export function encoderProduct(w: DeepLinearWeights, d: number): Float64Array {
  let prod = identity(d);
  for (const W of w.layers) prod = mul(W, prod, d);
  return prod;
}

/**
 * The objective's population loss: MAE ½E‖y − Px‖², JEPA ½E‖Px − T y‖² with T the target
 * encoder — W̄ itself unless a frozen copy is given (what the stop-gradient holds fixed).
 */
export function populationLoss(objective: Objective, w: DeepLinearWeights, m: ViewMoments, target?: Float64Array): number {
  const { d, sxx, syx, syy } = m;
  const enc = encoderProduct(w, d);
  const P = mul(w.V, enc, d);
  const T = objective === 'mae' ? identity(d) : (target ?? enc); // the target's map from y
  // E‖Px − Ty‖² = tr(P Σxx Pᵀ) − 2 tr(P Σxy Tᵀ) + tr(T Σyy Tᵀ), Σxy = Σ_yxᵀ.
  const fit = trace(mulTB(mul(P, sxx, d), P, d), d);
  const cross = trace(mulTB(P, mul(T, syx, d), d), d); // tr(P (T Σyx)ᵀ) = tr(P Σxy Tᵀ)
  const spread = trace(mulTB(mul(T, syy, d), T, d), d);
  return 0.5 * (fit - 2 * cross + spread);
}

/**
 * ∂L/∂W_l and ∂L/∂V for P = V·W_L⋯W_1 given G = ∂L/∂P:
 *   ∂L/∂W_l = (V W_L ⋯ W_{l+1})ᵀ G (W_{l−1} ⋯ W_1)ᵀ,   ∂L/∂V = G W̄ᵀ.
 * For JEPA the target W̄ y is held fixed (stop-gradient): only the online branch is differentiated.
 */
export function populationGradients(objective: Objective, w: DeepLinearWeights, m: ViewMoments): DeepLinearWeights {
  const { d, sxx, syx } = m;
  const L = w.layers.length;
  const below: Float64Array[] = [identity(d)]; // below[l] = W_l ⋯ W_1 (below[0] = I)
  for (let l = 0; l < L; l++) below.push(mul(w.layers[l], below[l], d));
  const enc = below[L];
  const P = mul(w.V, enc, d);
  const G = mul(P, sxx, d);
  const pull = objective === 'mae' ? syx : mul(enc, syx, d); // Σ_yx, or sg(W̄) Σ_yx
  for (let i = 0; i < d * d; i++) G[i] -= pull[i];
  const layers = new Array<Float64Array>(L);
  let above = w.V; // V W_L ⋯ W_{l+1}
  for (let l = L - 1; l >= 0; l--) {
    layers[l] = mulTB(mulTA(above, G, d), below[l], d);
    above = mul(above, w.layers[l], d);
  }
  return { layers, V: mulTB(G, enc, d) };
}

/** ‖W̄ e_i‖₂ for every feature i: how strongly the encoder passes feature i on. */
export function featureGains(enc: Float64Array, d: number): number[] {
  return Array.from({ length: d }, (_, i) => {
    let s = 0;
    for (let r = 0; r < d; r++) s += enc[r * d + i] ** 2;
    return Math.sqrt(s);
  });
}

/** A curve that keeps about `points` samples however long the run: when full, every other one goes. */
class CurveRecorder {
  readonly step: number[] = [];
  readonly gains: number[][];
  readonly loss: number[] = [];
  private stride = 1;

  constructor(
    d: number,
    private readonly points: number,
  ) {
    this.gains = Array.from({ length: d }, () => []);
  }

  offer(step: number, gains: () => number[], loss: () => number, force = false): void {
    if (!force && step % this.stride !== 0) return;
    if (this.step.length > 0 && this.step[this.step.length - 1] === step) return;
    this.step.push(step);
    gains().forEach((g, i) => this.gains[i].push(g));
    this.loss.push(loss());
    if (this.step.length >= 2 * this.points) this.thin();
  }

  /** Keep the samples on the doubled stride (the first point always survives). */
  private thin(): void {
    this.stride *= 2;
    const keep = this.step.map((s, i) => (s % this.stride === 0 || i === this.step.length - 1 ? i : -1)).filter((i) => i >= 0);
    const pick = (a: number[]) => keep.map((i) => a[i]);
    const steps = pick(this.step);
    this.step.splice(0, this.step.length, ...steps);
    for (const g of this.gains) g.splice(0, g.length, ...pick(g));
    this.loss.splice(0, this.loss.length, ...pick(this.loss));
  }
}

/** Where one objective's run stands. */
export interface ObjectiveTrace {
  objective: Objective;
  /** Steps taken so far. */
  steps: number;
  /** Every feature reached LEARNED_FRACTION of its final gain (or the step budget ran out). */
  done: boolean;
  /** g*_i, the gain each feature tends to. */
  finalGains: number[];
  /** Sampled curves: steps, each feature's gain ‖W̄ e_i‖ at those steps, and the loss. */
  curve: { step: number[]; gains: number[][]; loss: number[] };
  /** First step with gain_i ≥ ½ g*_i; null while not reached. */
  criticalSteps: (number | null)[];
  /** The same in gradient-flow time, t = η·step. */
  criticalTimes: (number | null)[];
  /** Feature indices (0-based) by critical step; features not yet learned are left out. */
  order: number[];
}

/** One objective's deep linear model under gradient descent, a step at a time. */
export class DeepLinearRun {
  private weights: DeepLinearWeights;
  private readonly moments: ViewMoments;
  private readonly recorder: CurveRecorder;
  private stepCount = 0;
  private gains: number[];
  readonly finalGains: number[];
  readonly criticalSteps: (number | null)[];

  constructor(
    readonly objective: Objective,
    readonly settings: DeepLinearSettings,
  ) {
    const { lambdas, rhos, depth, init, points } = settings;
    const d = lambdas.length;
    this.moments = viewMoments(lambdas, rhos);
    this.weights = balancedInit(d, depth, init);
    this.finalGains = rhos.map((r) => finalGain(objective, r, depth));
    this.criticalSteps = rhos.map(() => null);
    this.recorder = new CurveRecorder(d, points);
    this.gains = featureGains(encoderProduct(this.weights, d), d);
    this.record(true);
  }

  get steps(): number {
    return this.stepCount;
  }

  get done(): boolean {
    return this.stepCount >= this.settings.steps || this.gains.every((g, i) => g >= LEARNED_FRACTION * this.finalGains[i]);
  }

  /** Up to n gradient-descent steps (fewer once done); returns whether the run is done. */
  advance(n: number): boolean {
    const { lr } = this.settings;
    const d = this.moments.d;
    for (let k = 0; k < n && !this.done; k++) {
      const g = populationGradients(this.objective, this.weights, this.moments);
      const step = (w: Float64Array, dw: Float64Array) => w.map((v, i) => v - lr * dw[i]);
      this.weights = { layers: this.weights.layers.map((W, l) => step(W, g.layers[l])), V: step(this.weights.V, g.V) };
      this.stepCount++;
      this.gains = featureGains(encoderProduct(this.weights, d), d);
      this.checkFinite();
      this.gains.forEach((gain, i) => {
        if (this.criticalSteps[i] === null && gain >= CRITICAL_FRACTION * this.finalGains[i]) this.criticalSteps[i] = this.stepCount;
      });
      this.record(false);
    }
    this.record(true); // the latest state, so a streamed curve ends where the run stands
    return this.done;
  }

  private checkFinite(): void {
    const worst = Math.max(...this.gains.map((g, i) => g / this.finalGains[i]));
    if (!Number.isFinite(worst) || worst > 10) {
      throw new DeepLinearSettingError('lr', `η = ${this.settings.lr}: ${this.objective.toUpperCase()} diverged at step ${this.stepCount} (a gain reached ${worst.toPrecision(3)}× its final value); lower it`);
    }
  }

  private record(force: boolean): void {
    this.recorder.offer(this.stepCount, () => [...this.gains], () => populationLoss(this.objective, this.weights, this.moments), force);
  }

  trace(): ObjectiveTrace {
    const { lr } = this.settings;
    const order = this.criticalSteps
      .map((s, i) => [s, i] as const)
      .filter((p): p is readonly [number, number] => p[0] !== null)
      .sort((a, b) => a[0] - b[0] || a[1] - b[1])
      .map(([, i]) => i);
    return {
      objective: this.objective,
      steps: this.stepCount,
      done: this.done,
      finalGains: [...this.finalGains],
      curve: { step: [...this.recorder.step], gains: this.recorder.gains.map((g) => [...g]), loss: [...this.recorder.loss] },
      criticalSteps: [...this.criticalSteps],
      criticalTimes: this.criticalSteps.map((s) => (s === null ? null : Number((s * lr).toPrecision(12)))),
      order,
    };
  }
}

export interface BiasDemoResult {
  settings: DeepLinearSettings;
  mae: ObjectiveTrace;
  jepa: ObjectiveTrace;
  /** Which feature each objective learned first, in words. */
  sentence: string;
  /** How the critical time is defined, for the JSON's reader. */
  criticalTimeDefinition: string;
}

export const CRITICAL_TIME_DEFINITION =
  `critical time of feature i: the first gradient-descent step at which the encoder's gain ‖W̄ e_i‖ reaches ${CRITICAL_FRACTION} of its final value g*_i ` +
  '(MAE ρ_i^{L/(L+1)}, JEPA ρ_i^L), reported also as gradient-flow time t = lr·step: the midpoint of the mode\'s sigmoidal rise, ' +
  'as Saxe et al. (2014) time a mode of a deep linear network; from a small init any fixed fraction gives the same leading-order time (Littwin et al. 2024)';

/** The MAE/JEPA pair, advanced in lockstep so a worker can stream both curves as they grow. */
export class BiasDemo {
  readonly settings: DeepLinearSettings;
  readonly mae: DeepLinearRun;
  readonly jepa: DeepLinearRun;

  constructor(partial: Partial<DeepLinearSettings> = {}) {
    this.settings = deepLinearSettings(partial);
    this.mae = new DeepLinearRun('mae', this.settings);
    this.jepa = new DeepLinearRun('jepa', this.settings);
  }

  get done(): boolean {
    return this.mae.done && this.jepa.done;
  }

  /** Up to n more steps of each objective; returns whether both are done. */
  advance(n: number): boolean {
    this.mae.advance(n);
    this.jepa.advance(n);
    return this.done;
  }

  result(): BiasDemoResult {
    const mae = this.mae.trace();
    const jepa = this.jepa.trace();
    return { settings: this.settings, mae, jepa, sentence: describeOrders(this.settings, mae, jepa), criticalTimeDefinition: CRITICAL_TIME_DEFINITION };
  }
}

/** Run the pair to the end (both done or the step budget spent). */
export function runBiasDemo(partial: Partial<DeepLinearSettings> = {}, chunk = 10_000): BiasDemoResult {
  const demo = new BiasDemo(partial);
  while (!demo.advance(chunk));
  return demo.result();
}

/** 3 significant digits, whole numbers from 100 up with thousands separators. */
const fmt = (x: number) => (Math.abs(x) >= 100 ? Math.round(x).toLocaleString('en-US') : String(Number(x.toPrecision(3))));

/** "feature 2 (λ = 0.5, ρ = 0.9)". */
function featureName(s: DeepLinearSettings, i: number): string {
  return `feature ${i + 1} (λ = ${fmt(s.lambdas[i])}, ρ = ${fmt(s.rhos[i])})`;
}

/** Feature indices from largest to smallest value (ties: none strictly ordered → null). */
function rankedBy(values: number[]): number[] | null {
  const idx = values.map((_, i) => i).sort((a, b) => values[b] - values[a]);
  for (let k = 1; k < idx.length; k++) if (values[idx[k]] === values[idx[k - 1]]) return null;
  return idx;
}

/** One objective's order in words, with its critical times. */
function describeOne(s: DeepLinearSettings, t: ObjectiveTrace): string {
  const name = t.objective.toUpperCase();
  const time = (i: number) => fmt(t.criticalTimes[i] as number);
  const missing = t.criticalSteps.map((c, i) => (c === null ? i : -1)).filter((i) => i >= 0);
  if (t.order.length === 0) return `${name} learned no feature within ${t.steps} steps`;
  const [first, ...rest] = t.order;
  let text = `${name} learned ${featureName(s, first)} first (t* = ${time(first)})`;
  if (rest.length) text += `, then ${rest.map((i) => `feature ${i + 1} (t* = ${time(i)})`).join(', then ')}`;
  if (missing.length) text += `; ${missing.map((i) => `feature ${i + 1}`).join(', ')} not within ${t.steps} steps`;
  if (t.order.length === s.lambdas.length && s.lambdas.length > 1) {
    const byL = rankedBy(s.lambdas);
    const byR = rankedBy(s.rhos);
    const same = (r: number[] | null) => r !== null && r.every((v, k) => v === t.order[k]);
    if (same(byL) && !same(byR)) text += ' — in order of λ';
    else if (same(byR) && !same(byL)) text += ' — in order of ρ';
  }
  return text;
}

/** The demo's sentence: which feature each objective learned first, at this depth. */
export function describeOrders(s: DeepLinearSettings, mae: ObjectiveTrace, jepa: ObjectiveTrace): string {
  return `Depth ${s.depth}: ${describeOne(s, mae)}. ${describeOne(s, jepa)}.`;
}

/**
 * The critical time the gradient flow predicts for one feature (t = η·step in the limit η → 0):
 * ∫ da / ȧ(a) from a(0) = ε^{1/L} to the per-layer scale at which the gain a^L reaches
 * `fraction`·g*, with ȧ the balanced dynamics in the header. Simpson's rule in ln a.
 */
export function flowCriticalTime(objective: Objective, lambda: number, rho: number, depth: number, init: number, fraction = CRITICAL_FRACTION, intervals = 20_000): number {
  const L = depth;
  const rate = objective === 'mae' ? (a: number) => lambda * a ** L * (rho - a ** (L + 1)) : (a: number) => lambda * a ** (2 * L) * (rho - a);
  const from = Math.log(init) / L;
  const to = Math.log((fraction * finalGain(objective, rho, L)) ** (1 / L));
  const f = (u: number) => Math.exp(u) / rate(Math.exp(u)); // dt/d(ln a)
  const n = intervals + (intervals % 2);
  const h = (to - from) / n;
  let s = f(from) + f(to);
  for (let k = 1; k < n; k++) s += (k % 2 ? 4 : 2) * f(from + k * h);
  return (s * h) / 3;
}

/**
 * JEPA's critical time in closed form (the integral above done by partial fractions, u = a/ρ):
 *   t = (1/(λρ^{2L})) [ Σ_{n=1}^{2L−1} (u0^{−n} − u1^{−n})/n + ln(u1(1 − u0) / (u0(1 − u1))) ],
 * whose u0^{−n} terms are the series (1/λ) Σ 1/(n ρ^{2L−n} s^n) of the header.
 */
export function jepaCriticalTime(lambda: number, rho: number, depth: number, init: number, fraction = CRITICAL_FRACTION): number {
  const L = depth;
  const u0 = init ** (1 / L) / rho;
  const u1 = fraction ** (1 / L);
  let sum = Math.log((u1 * (1 - u0)) / (u0 * (1 - u1)));
  for (let n = 1; n <= 2 * L - 1; n++) sum += (u0 ** -n - u1 ** -n) / n;
  return sum / (lambda * rho ** (2 * L));
}
