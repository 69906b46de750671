// Which read-out evaluates a frozen encoder: the paper's mean-pooled linear probe, V-JEPA's
// attentive probe over the patch tokens, or DINO's weighted k-NN classifier on the mean-pooled
// features. All return the same ProbeResult.
import type { DatasetSplits } from '../data/types';
import { probeEncoderAttentive, type AttentiveProbeOptions } from './attentiveProbe';
import { probeEncoderKnn, type KnnProbeOptions } from './knnProbe';
import { probeEncoder, type PatchEncoder, type ProbeOptions, type ProbeResult } from './probe';

export const PROBE_KINDS = ['linear', 'attentive', 'knn'] as const;
export type ProbeKind = (typeof PROBE_KINDS)[number];

/** Options of any probe (the attentive one also reads `queries` and `heads`, the k-NN one only `k`, `temperature` and `sliceRows`). */
export type AnyProbeOptions = Partial<ProbeOptions> & Partial<AttentiveProbeOptions> & Partial<KnnProbeOptions>;

/** Probe a frozen encoder with the chosen read-out. */
export function probeEncoderOfKind(kind: ProbeKind, encoder: PatchEncoder, data: DatasetSplits, opts: AnyProbeOptions = {}, onProgress?: (done: number) => void): Promise<ProbeResult> {
  switch (kind) {
    case 'attentive': {
      const { k: _k, temperature: _t, sliceRows: _s, ...attentive } = opts;
      return probeEncoderAttentive(encoder, data, attentive, onProgress);
    }
    case 'knn': {
      const { k, temperature, sliceRows } = opts; // nothing is fitted: epochs, lr and seed do not apply
      return probeEncoderKnn(encoder, data, { ...(k === undefined ? {} : { k }), ...(temperature === undefined ? {} : { temperature }), ...(sliceRows === undefined ? {} : { sliceRows }) }, onProgress);
    }
    case 'linear': {
      const { queries: _q, heads: _h, k: _k, temperature: _t, sliceRows: _s, ...linear } = opts;
      return probeEncoder(encoder, data, linear, onProgress);
    }
  }
}
