// The implicit-bias demo panel's state: the person's features (λ, ρ) and depth, the demo the
// worker runs for them (by id: a newer one replaces an older one, and events of an older one
// are dropped), and its curves as they stream in. Settings are checked here with the engine's own
// rules before they are sent, so a bad value is named at once and the running pair goes on.
import { create } from 'zustand';
import { DEFAULT_DEEP_LINEAR, deepLinearSettings, type BiasDemoResult, type DeepLinearSettings } from '../../engine/deepLinear';
import type { WorkerEvent } from '../../worker/protocol';

export interface FeatureRow {
  lambda: number;
  rho: number;
}

export interface BiasDemoState {
  features: FeatureRow[];
  depth: number;
  /** The demo the worker runs (0: none started yet). */
  demoId: number;
  /** The id the next demo gets (ids only grow: an older demo's late events are told apart). */
  nextDemoId: number;
  result: BiasDemoResult | null;
  done: boolean;
  /** Worker time since the demo started. */
  ms: number;
  error: string | null;
  /** The setting an error is about (the form marks it). */
  errorField: keyof DeepLinearSettings | null;
}

export const defaultFeatures = (): FeatureRow[] => DEFAULT_DEEP_LINEAR.lambdas.map((lambda, i) => ({ lambda, rho: DEFAULT_DEEP_LINEAR.rhos[i] }));

export const useBiasDemo = create<BiasDemoState>()(() => ({
  features: defaultFeatures(),
  depth: DEFAULT_DEEP_LINEAR.depth,
  demoId: 0,
  nextDemoId: 1,
  result: null,
  done: false,
  ms: 0,
  error: null,
  errorField: null,
}));

/** The settings of a form state, checked (throws DeepLinearSettingError naming the field). */
export function demoSettings(features: readonly FeatureRow[], depth: number): DeepLinearSettings {
  return deepLinearSettings({ lambdas: features.map((f) => f.lambda), rhos: features.map((f) => f.rho), depth });
}

export function handleBiasDemoEvent(e: WorkerEvent): void {
  if (e.type !== 'bias-demo' && e.type !== 'bias-demo-error') return;
  if (e.demoId !== useBiasDemo.getState().demoId) return; // an older demo's last words
  if (e.type === 'bias-demo') useBiasDemo.setState({ result: e.result, done: e.done, ms: e.ms });
  else useBiasDemo.setState({ error: e.message, errorField: e.field ?? null, done: true });
}

