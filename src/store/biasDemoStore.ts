// The implicit-bias demo panel's state: the person's features (λ, ρ) and depth, the demo the
// worker runs for them (by id: a newer one replaces an older one, and events of an older one
// are dropped), and its curves as they stream in. Settings are checked here with the engine's own
// rules before they are sent, so a bad value is named at once and the running pair goes on.
import { create } from 'zustand';
import { DEFAULT_DEEP_LINEAR, deepLinearSettings, DeepLinearSettingError, MAX_FEATURES, type BiasDemoResult, type DeepLinearSettings } from '../engine/deepLinear';
import type { WorkerEvent } from '../worker/protocol';
import { workerApi } from './commands';

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

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The settings of a form state, checked (throws DeepLinearSettingError naming the field). */
export function demoSettings(features: readonly FeatureRow[], depth: number): DeepLinearSettings {
  return deepLinearSettings({ lambdas: features.map((f) => f.lambda), rhos: features.map((f) => f.rho), depth });
}

/** (Re)start the pair with these features and depth; a bad setting is refused with its field and the running pair goes on. */
export async function restartBiasDemo(features: FeatureRow[] = useBiasDemo.getState().features, depth = useBiasDemo.getState().depth): Promise<void> {
  useBiasDemo.setState({ features, depth });
  let settings: DeepLinearSettings;
  try {
    settings = demoSettings(features, depth);
  } catch (e) {
    useBiasDemo.setState({ error: errText(e), errorField: e instanceof DeepLinearSettingError ? e.field : null });
    return;
  }
  const { demoId: previous, nextDemoId: id } = useBiasDemo.getState();
  useBiasDemo.setState({ demoId: id, nextDemoId: id + 1, result: null, done: false, ms: 0, error: null, errorField: null });
  try {
    await workerApi().startBiasDemo(id, { lambdas: settings.lambdas, rhos: settings.rhos, depth: settings.depth });
  } catch (e) {
    if (useBiasDemo.getState().demoId === id) useBiasDemo.setState({ demoId: previous, error: `The demo could not start: ${errText(e)}` });
  }
}

/** Stop the demo (the panel was closed). */
export function stopBiasDemo(): void {
  const { demoId, done } = useBiasDemo.getState();
  if (demoId && !done) void workerApi().stopBiasDemo(demoId).catch(() => undefined);
}

export function setFeature(i: number, row: FeatureRow): void {
  const features = useBiasDemo.getState().features.map((f, k) => (k === i ? row : f));
  void restartBiasDemo(features);
}

export function addFeature(): void {
  const { features } = useBiasDemo.getState();
  if (features.length >= MAX_FEATURES) return void useBiasDemo.setState({ error: `at most ${MAX_FEATURES} features`, errorField: 'lambdas' });
  void restartBiasDemo([...features, { lambda: 0.25, rho: 0.7 }]);
}

export function removeFeature(i: number): void {
  const { features } = useBiasDemo.getState();
  if (features.length <= 1) return;
  void restartBiasDemo(features.filter((_, k) => k !== i));
}

export function handleBiasDemoEvent(e: WorkerEvent): void {
  if (e.type !== 'bias-demo' && e.type !== 'bias-demo-error') return;
  if (e.demoId !== useBiasDemo.getState().demoId) return; // an older demo's last words
  if (e.type === 'bias-demo') useBiasDemo.setState({ result: e.result, done: e.done, ms: e.ms });
  else useBiasDemo.setState({ error: e.message, errorField: e.field ?? null, done: true });
}

/** A new worker is ready (a backend switch, a crash): it has no demo, so the one that was running starts again there. */
export function biasDemoOnWorkerReady(): void {
  const { demoId, done } = useBiasDemo.getState();
  if (demoId && !done) void restartBiasDemo();
}
