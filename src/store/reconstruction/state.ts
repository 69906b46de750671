// MAE's reconstruction view: which train image, and the worker's last reconstruction of it.
// Asked for like the sharing views' samples: on demand and, while an MAE run goes on, after new
// steps arrive (at most every REFRESH_MS, never two at once, only while the view is on screen).
// The worker makes it between two steps, so the loop is never blocked by it.
import { create } from 'zustand';
import type { ReconstructionSample } from '../../worker/protocol';

export const REFRESH_MS = 2500;

export interface ReconstructionState {
  imageIndex: number;
  sample: ReconstructionSample | null;
  error: string | null;
  loading: boolean;
}

export const useReconstruction = create<ReconstructionState>()(() => ({ imageIndex: 0, sample: null, error: null, loading: false }));


