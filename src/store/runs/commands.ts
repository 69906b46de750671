// "Train JEPA twin": the SparseJEPA (or MAE) run's config as a JEPA baseline, built and started at once.
import { resetRun, start, syncUrl } from '../run/commands';
import { useLab } from '../run/state';
import { nameNextRun, useRuns } from './state';
import { hasJepaTwin, jepaTwinConfig } from './twin';

export async function startJepaTwin(id: string): Promise<void> {
  const rec = useRuns.getState().runs.find((r) => r.runId === id);
  if (!rec) return;
  if (!hasJepaTwin(rec.config)) {
    useRuns.setState({ error: `"${rec.name}" is already a JEPA run.` });
    return;
  }
  const dataset = useLab.getState().dataset;
  if (dataset?.id !== rec.config.dataset) {
    useRuns.setState({ error: `The twin of "${rec.name}" needs its dataset ${rec.dataset.name} (loaded now: ${dataset?.name ?? 'none'}); load it first.` });
    return;
  }
  useRuns.setState({ error: null });
  nameNextRun({ name: `JEPA twin of ${rec.name}`, twinOf: rec.runId });
  useLab.setState({ config: jepaTwinConfig(rec.config) });
  syncUrl();
  await resetRun();
  const run = useLab.getState().run;
  if (!run || run.config.mode !== 'jepa') {
    nameNextRun({});
    useRuns.setState({ error: `Could not build the twin: ${useLab.getState().runMessage ?? 'no model'}` });
    return;
  }
  await start();
}
