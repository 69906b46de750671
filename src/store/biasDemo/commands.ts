// The implicit-bias demo's commands: (re)start the pair with the person's features and depth (a
// bad setting is named and the running pair goes on), stop it, and start it again on a new worker.
import { DeepLinearSettingError, MAX_FEATURES, type DeepLinearSettings } from '../../engine/deepLinear';
import { workerApi } from '../workerLine';
import { demoSettings, useBiasDemo, type FeatureRow } from './state';
import { errText } from '../../shared/errors';

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

/** A new worker is ready (a backend switch, a crash): it has no demo, so the one that was running starts again there. */
export function biasDemoOnWorkerReady(): void {
  const { demoId, done } = useBiasDemo.getState();
  if (demoId && !done) void restartBiasDemo();
}
