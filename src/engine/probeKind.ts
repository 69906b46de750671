// Which read-out evaluates a frozen encoder: the paper's mean-pooled linear probe, or V-JEPA's
// attentive probe over the patch tokens. Both return the same ProbeResult.
import type { DatasetSplits } from '../data/types';
import { probeEncoderAttentive, type AttentiveProbeOptions } from './attentiveProbe';
import { probeEncoder, type PatchEncoder, type ProbeOptions, type ProbeResult } from './probe';

export const PROBE_KINDS = ['linear', 'attentive'] as const;
export type ProbeKind = (typeof PROBE_KINDS)[number];

/** Options of either probe (the attentive one also reads `queries` and `heads`). */
export type AnyProbeOptions = Partial<ProbeOptions> & Partial<AttentiveProbeOptions>;

/** Probe a frozen encoder with the chosen read-out. */
export function probeEncoderOfKind(kind: ProbeKind, encoder: PatchEncoder, data: DatasetSplits, opts: AnyProbeOptions = {}, onProgress?: (done: number) => void): Promise<ProbeResult> {
  if (kind === 'attentive') return probeEncoderAttentive(encoder, data, opts, onProgress);
  const { queries: _q, heads: _h, ...linear } = opts;
  return probeEncoder(encoder, data, linear, onProgress);
}
