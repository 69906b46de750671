// Which read-out evaluates a frozen encoder: the paper's mean-pooled linear probe, V-JEPA's
// attentive probe over the patch tokens, or DINO's weighted k-NN classifier on the mean-pooled
// features. All return the same ProbeResult.
import type { DatasetSplits } from '../data/types';
import { probeEncoderAttentive, type AttentiveProbeOptions } from './attentiveProbe';
import { knnClassify, knnOptions, probeEncoderKnn, type KnnProbeOptions } from './knnProbe';
import { fitLinearProbe, pooledFeatures, probeEncoder, standardise, type PatchEncoder, type ProbeOptions, type ProbeResult } from './probe';

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
    case 'knn':
      return probeEncoderKnn(encoder, data, knnPart(opts), onProgress);
    case 'linear':
      return probeEncoder(encoder, data, linearPart(opts), onProgress);
  }
}

/** The k-NN probe's options of `opts` (nothing is fitted: epochs, lr and seed do not apply). */
function knnPart(opts: AnyProbeOptions): Partial<KnnProbeOptions> {
  const { k, temperature, sliceRows } = opts;
  return { ...(k === undefined ? {} : { k }), ...(temperature === undefined ? {} : { temperature }), ...(sliceRows === undefined ? {} : { sliceRows }) };
}

/** The linear probe's options of `opts`. */
function linearPart(opts: AnyProbeOptions): Partial<ProbeOptions> {
  const { queries: _q, heads: _h, k: _k, temperature: _t, sliceRows: _s, ...linear } = opts;
  return linear;
}

/** The read-outs of the mean-pooled features: they can share one encoding of the splits. */
export type PooledKind = 'linear' | 'knn';

/**
 * The linear and/or k-NN probe of one frozen encoder from one encoding of both splits (the same
 * pooledFeatures both probeEncoder and probeEncoderKnn compute, so the same numbers as each alone).
 */
export async function probePooledKinds(
  kinds: readonly PooledKind[],
  encoder: PatchEncoder,
  data: DatasetSplits,
  opts: AnyProbeOptions = {},
  onProgress?: (done: number) => void,
): Promise<Partial<Record<PooledKind, ProbeResult>>> {
  const knnOpts = knnOptions(knnPart(opts)); // refused before any encoding
  const share = (from: number, to: number) => (x: number) => onProgress?.(from + (to - from) * x);
  const train = await pooledFeatures(encoder, data.train, 128, share(0, 0.4));
  const test = await pooledFeatures(encoder, data.test, 128, share(0.4, 0.5));
  const C = data.train.classNames.length;
  const out: Partial<Record<PooledKind, ProbeResult>> = {};
  if (kinds.includes('linear')) {
    const s = standardise(train, test, encoder.dims.embedDim);
    out.linear = await fitLinearProbe(s.train, data.train.labels, s.test, data.test.labels, C, linearPart(opts), share(0.5, 0.95));
  }
  if (kinds.includes('knn')) out.knn = await knnClassify(train, data.train.labels, test, data.test.labels, C, knnOpts);
  onProgress?.(1);
  return out;
}
