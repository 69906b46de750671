// The worker side of the embedding projector (issue 23): the run's test split seen through the
// probed encoder (mean-pooled patch outputs, the linear probe's features), its first two principal
// components, each image's nearest neighbours by cosine similarity, and the images themselves to
// show on hover. Runs between steps (through exclusive()), so it reads a settled model; UMAP is
// laid out afterwards in slices (umapRunner.ts), from these features.
import { IMAGE_BYTES, type ImageDataset } from '../data/types';
import { cosineNeighbours } from '../engine/neighbours';
import { pca } from '../engine/pca';
import { pooledFeatures } from '../engine/probe';
import { UMAP_NEIGHBOURS } from '../engine/umapLayout';
import type { Trainer } from '../engine/trainer';
import type { EmbeddingRequest, EmbeddingSample, RunId } from './protocol';
import { rgbBytes } from './sharingSample';

/** Most test images one request may embed (the cosine neighbours are n² work on the worker). */
export const MAX_EMBEDDING_IMAGES = 4_000;

/** `count` of ds's images spread evenly over it (splits are often in class order), as a dataset. */
export function spreadImages(ds: ImageDataset, count: number): { images: ImageDataset; indices: Int32Array } {
  const n = Math.min(count, ds.size);
  const indices = Int32Array.from({ length: n }, (_, i) => Math.floor((i * ds.size) / n));
  const images = new Uint8Array(n * IMAGE_BYTES);
  indices.forEach((j, i) => images.set(ds.images.subarray(j * IMAGE_BYTES, (j + 1) * IMAGE_BYTES), i * IMAGE_BYTES));
  return { images: { ...ds, images, labels: Int32Array.from(indices, (j) => ds.labels[j]), coarseLabels: undefined, size: n }, indices };
}

/** The projector's embedding of run `runId` at its current step. */
export async function embeddingSample(t: Trainer, runId: RunId, request: EmbeddingRequest): Promise<EmbeddingSample> {
  const { images: count, neighbours: k } = request;
  if (!Number.isInteger(count) || count < 2 || count > MAX_EMBEDDING_IMAGES) throw new RangeError(`images must be a whole number in 2…${MAX_EMBEDDING_IMAGES}, got ${count}`);
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`neighbours must be a whole number ≥ 1, got ${k}`);
  const { images: ds, indices } = spreadImages(t.data.test, count);
  const D = t.dims.embedDim;
  const features = await pooledFeatures(t, ds);
  const p = pca(features, ds.size, D, 2, t.config.seed);
  // Enough neighbours for UMAP's graph too (umapRunner.ts), so it need not search them again.
  const nb = cosineNeighbours(features, ds.size, D, Math.max(k, UMAP_NEIGHBOURS - 1));
  const rgb = new Uint8Array(ds.size * IMAGE_BYTES);
  for (let i = 0; i < ds.size; i++) rgb.set(rgbBytes(ds, i), i * IMAGE_BYTES);
  return {
    runId,
    step: t.stepCount,
    mode: t.config.mode,
    seed: t.config.seed,
    dataset: t.data.test.name,
    n: ds.size,
    dim: D,
    testIndices: indices,
    features,
    labels: ds.labels,
    classNames: ds.classNames,
    pca: Float32Array.from(p.coords),
    explained: p.explained,
    neighbours: nb,
    rgb,
  };
}

/** The sample's byte buffers, to transfer rather than copy. */
export function embeddingTransferables(s: EmbeddingSample): ArrayBuffer[] {
  return [s.testIndices, s.features, s.labels, s.pca, s.neighbours.index, s.neighbours.similarity, s.rgb].map((a) => a.buffer as ArrayBuffer);
}
