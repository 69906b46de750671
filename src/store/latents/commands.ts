// The Latents view's commands: Compute (one request to the worker, answered between steps) and
// the group selector.
import { errText } from '../../shared/errors';
import { workerApi } from '../workerLine';
import { useLab } from '../run/state';
import { LATENTS_IMAGES, LATENTS_TOP_N, useLatents } from './state';

/** Ask the worker what each latent responds to at the run's current step (it waits for the step in flight). */
export async function computeLatents(): Promise<void> {
  const run = useLab.getState().run;
  if (!run || useLatents.getState().loading) return;
  useLatents.setState({ loading: true, error: null });
  try {
    const sample = await workerApi().latentsSample(run.runId, { topN: LATENTS_TOP_N, images: LATENTS_IMAGES });
    // One of a run that was replaced meanwhile is dropped.
    if (useLab.getState().run?.runId === sample.runId) {
      const g = useLatents.getState().group;
      useLatents.setState({ sample, group: g < sample.result.groups.length ? g : 0 });
    }
  } catch (e) {
    if (useLab.getState().run?.runId === run.runId) useLatents.setState({ error: `Could not compute the latents: ${errText(e)}` });
  } finally {
    useLatents.setState({ loading: false });
  }
}

/** Show group g's latents in the group selector. */
export const setLatentsGroup = (g: number): void => useLatents.setState({ group: g });
