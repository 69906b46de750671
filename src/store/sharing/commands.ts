// Samples for the latent-sharing views (an image through the model, the last batch's masks):
// asked for on demand and, while a run goes on, after new steps arrive (at most every
// REFRESH_MS, never two at once, only while the region is on screen).
import { errText } from '../../shared/errors';
import { pacedRefresh } from '../pacedRefresh';
import { pickIndex } from '../pickIndex';
import { workerApi } from '../workerLine';
import { useLab } from '../run/state';
import { useSharing } from './state';

export const REFRESH_MS = 2500;

/** Show another train image (0 … trainSize − 1); refused with a message when out of range. */
export const setImageIndex = (i: number): string | null =>
  pickIndex('image', i, useLab.getState().run?.trainSize ?? 0, (imageIndex) => {
    useSharing.setState({ imageIndex });
    void refreshSample();
  });

/** Show the masks of another image of the last batch (0 … batchSize − 1). */
export const setBatchItem = (b: number): string | null =>
  pickIndex('batch image', b, useLab.getState().run?.config.batchSize ?? 0, (batchItem) => {
    useSharing.setState({ batchItem });
    void refreshSample();
  });

/** Ask the worker for a fresh sample (queued behind the step in flight); paced, see pacedRefresh. */
async function askSample(): Promise<void> {
  const run = useLab.getState().run;
  if (!run) return;
  const { imageIndex, batchItem } = useSharing.getState();
  useSharing.setState({ loading: true });
  try {
    const sample = await workerApi().sharingSample(run.runId, { imageIndex, batchItem });
    // A sample from a run that was replaced meanwhile is dropped.
    if (useLab.getState().run?.runId === sample.runId) useSharing.setState({ sample, error: null });
  } catch (e) {
    useSharing.setState({ error: `Could not read the example image: ${errText(e)}` });
  } finally {
    useSharing.setState({ loading: false });
  }
}

const refresh = pacedRefresh(askSample, REFRESH_MS);

/** Ask the worker for a fresh sample now (queued behind the step in flight). */
export const refreshSample = (): Promise<void> => (useLab.getState().run ? refresh.now() : Promise.resolve());

/** The region scrolled in or out of view (off screen, new steps only mark the sample stale). */
export const setRegionVisible = (now: boolean): void => refresh.setVisible(now);

/**
 * Keep the sample current while the views are shown: a new run clears it (and the selection);
 * new steps or a pause ask for a fresh one. Returns the unsubscribe.
 */
export function followRun(): () => void {
  let runId = useLab.getState().run?.runId;
  let step = useLab.getState().metrics.at(-1)?.step ?? 0;
  let state = useLab.getState().runState;
  if (runId !== undefined) void refreshSample();
  const unsubscribe = useLab.subscribe((s) => {
    if (s.run?.runId !== runId) {
      runId = s.run?.runId;
      step = 0;
      const sh = useSharing.getState();
      const keep = (i: number, size: number) => (i < size ? i : 0);
      useSharing.setState({
        sample: null,
        selectedPatch: null,
        hoverPatch: null,
        error: null,
        imageIndex: keep(sh.imageIndex, s.run?.trainSize ?? 0),
        batchItem: keep(sh.batchItem, s.run?.config.batchSize ?? 0),
      });
      if (s.run) void refreshSample();
      return;
    }
    const now = s.metrics.at(-1)?.step ?? 0;
    if (now !== step) {
      step = now;
      refresh.changed();
    }
    if (s.runState !== state) {
      state = s.runState;
      if (state === 'paused' || state === 'done') refresh.changed();
    }
  });
  return () => {
    unsubscribe();
    refresh.cancel();
  };
}
