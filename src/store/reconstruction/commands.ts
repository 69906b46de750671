// MAE's reconstruction view's commands: pick the image, ask the worker for its reconstruction
// (paced: at most every REFRESH_MS, never two at once, only while the view is on screen).
import { errText } from '../../shared/errors';
import { pacedRefresh } from '../pacedRefresh';
import { pickIndex } from '../pickIndex';
import { workerApi } from '../workerLine';
import { useLab } from '../run/state';
import { REFRESH_MS, useReconstruction } from './state';

const maeRun = () => {
  const run = useLab.getState().run;
  return run?.config.mode === 'mae' ? run : null;
};

/** Show another train image (0 … trainSize − 1); refused with a message when out of range. */
export const setReconstructionImage = (i: number): string | null =>
  pickIndex('image', i, useLab.getState().run?.trainSize ?? 0, (imageIndex) => {
    useReconstruction.setState({ imageIndex });
    void refreshReconstruction();
  });

/** Ask the worker for the reconstruction (it waits for the step in flight); paced, see pacedRefresh. */
async function askReconstruction(): Promise<void> {
  const run = maeRun();
  if (!run) return;
  useReconstruction.setState({ loading: true });
  try {
    const sample = await workerApi().reconstruction(run.runId, { imageIndex: useReconstruction.getState().imageIndex });
    // One of a run that was replaced meanwhile is dropped.
    if (sample && useLab.getState().run?.runId === sample.runId) useReconstruction.setState({ sample, error: null });
  } catch (e) {
    if (useLab.getState().run?.runId === run.runId) useReconstruction.setState({ error: `Could not reconstruct the image: ${errText(e)}` });
  } finally {
    useReconstruction.setState({ loading: false });
  }
}

const refresh = pacedRefresh(askReconstruction, REFRESH_MS);

/** Ask the worker for the reconstruction now (it waits for the step in flight). */
export const refreshReconstruction = (): Promise<void> => (maeRun() ? refresh.now() : Promise.resolve());

/** The view scrolled in or out of sight: coming back with a stale reconstruction refreshes it. */
export const setReconstructionVisible = (now: boolean): void => refresh.setVisible(now);

/** Keep the reconstruction current while the view is shown; returns the unsubscribe. */
export function followReconstruction(): () => void {
  let runId = useLab.getState().run?.runId;
  let step = useLab.getState().metrics.at(-1)?.step ?? 0;
  let state = useLab.getState().runState;
  void refreshReconstruction();
  const unsubscribe = useLab.subscribe((s) => {
    if (s.run?.runId !== runId) {
      runId = s.run?.runId;
      step = 0;
      const i = useReconstruction.getState().imageIndex;
      useReconstruction.setState({ sample: null, error: null, imageIndex: i < (s.run?.trainSize ?? 0) ? i : 0 });
      void refreshReconstruction();
      return;
    }
    const now = s.metrics.at(-1)?.step ?? 0;
    const settled = s.runState !== state && (s.runState === 'paused' || s.runState === 'done');
    state = s.runState;
    if (now === step && !settled) return;
    step = now;
    refresh.changed();
  });
  return () => {
    unsubscribe();
    refresh.cancel();
  };
}
