// The Latents view's pure parts: a sample's rows (one per latent or dimension) and a group's latents.
import type { LatentsSample } from '../../worker/protocol';

/** One row of the view: a unit, its top patches with their crops' offsets and classes, its groups. */
export interface LatentRow {
  unit: number;
  groups: number[];
  patches: { row: number; col: number; imageIndex: number; value: number; label: string; cropOffset: number }[];
}

/** Bytes of one crop: side² interleaved RGB pixels. */
export const cropBytes = (s: Pick<LatentsSample, 'cropSide'>): number => s.cropSide * s.cropSide * 3;

/** The view's rows, in the sample's order; crop j of unit i starts at (i · topN + j) · cropBytes (protocol.ts). */
export function latentRows(s: LatentsSample): LatentRow[] {
  // The worker gives every unit topN slots (latentsSample.ts), full or not.
  const topN = s.result.units.length ? s.labels.length / s.result.units.length : 0;
  return s.result.units.map((u, i) => ({
    unit: u.unit,
    groups: u.groups,
    patches: u.top.map((x, j) => ({ row: x.row, col: x.col, imageIndex: x.imageIndex, value: x.value, label: s.labels[i * topN + j], cropOffset: (i * topN + j) * cropBytes(s) })),
  }));
}

/** Group g's latents' rows: those it reads (‖W^(g)_{·,k}‖₂ ≥ zeroThreshold); [] for a group it does not have. */
export function groupRows(s: LatentsSample, g: number): LatentRow[] {
  const latents = new Set(s.result.groups.find((x) => x.group === g)?.latents ?? []);
  return latentRows(s).filter((r) => latents.has(r.unit));
}
