// The Latents view: what each latent responds to (worker/latentsSample.ts), asked for with its
// Compute button — one request, answered between two steps, so training is never blocked.
import { create } from 'zustand';
import type { LatentsSample } from '../../worker/protocol';

/** Top patches per latent, and test images read, per request. */
export const LATENTS_TOP_N = 8;
export const LATENTS_IMAGES = 256;

export interface LatentsState {
  sample: LatentsSample | null;
  /** The group whose latents the group selector shows. */
  group: number;
  error: string | null;
  loading: boolean;
}

export const useLatents = create<LatentsState>()(() => ({ sample: null, group: 0, error: null, loading: false }));
