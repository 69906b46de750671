// State of the latent-sharing views: the "active" threshold, the selected patch, which images
// to show, and the last sample the worker sent (an image through the model, the last batch's
// masks). The samples are asked for by sharing/commands.ts.
import { create } from 'zustand';
import type { SharingSample } from '../../worker/protocol';
import { useLab } from '../run/state';

export interface SharingState {
  /** Column norm at or above which a latent counts as active; null = the run's zeroThreshold. */
  threshold: number | null;
  /** Patch the sharing is shown for (clicked), and the one under the pointer (previewed). */
  selectedPatch: number | null;
  hoverPatch: number | null;
  /** Train image for the patch views, and which image of the last batch the masks view shows. */
  imageIndex: number;
  batchItem: number;
  sample: SharingSample | null;
  error: string | null;
  loading: boolean;
}

const initial = (): SharingState => ({
  threshold: null,
  selectedPatch: null,
  hoverPatch: null,
  imageIndex: 0,
  batchItem: 0,
  sample: null,
  error: null,
  loading: false,
});

export const useSharing = create<SharingState>()(initial);

/** The threshold in force: the user's, else the run's zeroThreshold. */
export function effectiveThreshold(s: SharingState = useSharing.getState()): number {
  const lab = useLab.getState();
  return s.threshold ?? (lab.run?.config ?? lab.config).zeroThreshold;
}

export function useThreshold(): number {
  const own = useSharing((s) => s.threshold);
  const fallback = useLab((s) => (s.run?.config ?? s.config).zeroThreshold);
  return own ?? fallback;
}

/** Set the "active" threshold; a bad value is refused with a message and the old one stays. */
export function setThreshold(value: number): string | null {
  if (!Number.isFinite(value) || value < 0) return `threshold must be a number ≥ 0, got ${value}`;
  useSharing.setState({ threshold: value });
  return null;
}

export function selectPatch(patch: number | null): void {
  useSharing.setState({ selectedPatch: patch });
}

export function hoverPatch(patch: number | null): void {
  if (useSharing.getState().hoverPatch !== patch) useSharing.setState({ hoverPatch: patch });
}

