// MAE's reconstruction view: which train image, and the worker's last reconstruction of it.
// Asked for like the sharing views' samples: on demand and, while an MAE run goes on, after new
// steps arrive (at most every REFRESH_MS, never two at once, only while the view is on screen).
// The worker makes it between two steps, so the loop is never blocked by it.
import { create } from 'zustand';
import type { ReconstructionSample } from '../worker/protocol';
import { workerApi } from './commands';
import { useLab } from './runStore';

export const REFRESH_MS = 2500;

export interface ReconstructionState {
  imageIndex: number;
  sample: ReconstructionSample | null;
  error: string | null;
  loading: boolean;
}

export const useReconstruction = create<ReconstructionState>()(() => ({ imageIndex: 0, sample: null, error: null, loading: false }));

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));
const maeRun = () => {
  const run = useLab.getState().run;
  return run?.config.mode === 'mae' ? run : null;
};

/** Show another train image (0 … trainSize − 1); refused with a message when out of range. */
export function setReconstructionImage(i: number): string | null {
  const size = useLab.getState().run?.trainSize ?? 0;
  if (!Number.isInteger(i) || i < 0 || i >= size) return `image must be a whole number in 0…${size - 1}, got ${i}`;
  useReconstruction.setState({ imageIndex: i });
  void refreshReconstruction();
  return null;
}

let inFlight = false;
let again = false;
let visible = true;
let stale = false;
let lastAsked = -Infinity;
let timer: ReturnType<typeof setTimeout> | null = null;

/** Ask the worker for the reconstruction now (it waits for the step in flight). */
export async function refreshReconstruction(): Promise<void> {
  const run = maeRun();
  if (!run) return;
  if (inFlight) {
    again = true;
    return;
  }
  inFlight = true;
  lastAsked = performance.now();
  useReconstruction.setState({ loading: true });
  try {
    const sample = await workerApi().reconstruction(run.runId, { imageIndex: useReconstruction.getState().imageIndex });
    // One of a run that was replaced meanwhile is dropped.
    if (sample && useLab.getState().run?.runId === sample.runId) useReconstruction.setState({ sample, error: null });
  } catch (e) {
    if (useLab.getState().run?.runId === run.runId) useReconstruction.setState({ error: `Could not reconstruct the image: ${errText(e)}` });
  } finally {
    inFlight = false;
    useReconstruction.setState({ loading: false });
    if (again) {
      again = false;
      scheduleRefresh();
    }
  }
}

function scheduleRefresh(): void {
  if (timer) return;
  timer = setTimeout(() => {
    timer = null;
    void refreshReconstruction();
  }, Math.max(0, REFRESH_MS - (performance.now() - lastAsked)));
}

/** The view scrolled in or out of sight: coming back with a stale reconstruction refreshes it. */
export function setReconstructionVisible(now: boolean): void {
  visible = now;
  if (now && stale) {
    stale = false;
    scheduleRefresh();
  }
}

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
    if (visible) scheduleRefresh();
    else stale = true;
  });
  return () => {
    unsubscribe();
    if (timer) clearTimeout(timer);
    timer = null;
  };
}
