// The worker side of the latent-sharing views: one train image seen through the model (μ per
// patch, the G×K norms, the grouping) and the last step's masks on one image of its batch.
// Runs between steps (trainWorker calls it through exclusive()), so it reads a settled model.
import { makeImageBatch } from '../data/batch';
import { classNameOf, IMAGE_SIZE, type ImageDataset } from '../data/types';
import { groupOfPatch } from '../engine/config';
import type { LastBatch, Trainer } from '../engine/trainer';
import type { BatchMaskSample, RunId, SharingRequest, SharingSample } from './protocol';

/** CIFAR's planar CHW bytes of one image as interleaved RGB (what a canvas wants). */
export function rgbBytes(ds: ImageDataset, index: number): Uint8Array {
  const plane = IMAGE_SIZE * IMAGE_SIZE;
  const src = ds.images.subarray(index * 3 * plane, (index + 1) * 3 * plane);
  const out = new Uint8Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    out[3 * i] = src[i];
    out[3 * i + 1] = src[plane + i];
    out[3 * i + 2] = src[2 * plane + i];
  }
  return out;
}

function checkIndex(what: string, i: number, size: number): void {
  if (!Number.isInteger(i) || i < 0 || i >= size) throw new RangeError(`${what} ${i} is outside 0…${size - 1}`);
}

/** The last step's context and target blocks for one image of that batch (null before any step). */
export function batchMaskSample(t: Trainer, batchItem: number, last: LastBatch | null = t.lastBatch): BatchMaskSample | null {
  if (!last) return null;
  checkIndex('batch image', batchItem, last.indices.length);
  const ds = t.data.train;
  const imageIndex = last.indices[batchItem];
  return {
    step: last.step,
    batchItem,
    batchSize: last.indices.length,
    imageIndex,
    label: classNameOf(ds, imageIndex),
    rgb: rgbBytes(ds, imageIndex),
    context: last.masks.context[batchItem].slice(),
    targets: last.masks.targets.map((rows) => rows[batchItem].slice()),
  };
}

/**
 * Everything the sharing views draw, for train image `imageIndex`. `lastBatch`: the batch of the
 * step the run stands at (the run keeps it also across a resume, when the trainer has none).
 */
export async function sharingSample(t: Trainer, runId: RunId, request: SharingRequest, lastBatch: LastBatch | null = t.lastBatch): Promise<SharingSample> {
  const ds = t.data.train;
  checkIndex('image index', request.imageIndex, ds.size);
  const { grid, patchSize, numGroups: G, latentDim: K } = t.dims;
  const mu = await t.patchLatents(makeImageBatch(ds, [request.imageIndex], patchSize));
  const norms = await t.groupNorms();
  const masks = lastBatch ? batchMaskSample(t, Math.min(request.batchItem, lastBatch.indices.length - 1), lastBatch) : null;
  return {
    runId,
    step: t.stepCount,
    mode: t.config.mode,
    imageIndex: request.imageIndex,
    trainSize: ds.size,
    label: classNameOf(ds, request.imageIndex),
    rgb: rgbBytes(ds, request.imageIndex),
    grid,
    patchSize,
    grouping: t.config.grouping,
    groupOfPatch: groupOfPatch(t.config.grouping, grid),
    G,
    K,
    // Copies: a read-back may be a view the backend still owns; ours can be transferred.
    mu: mu ? Float32Array.from(mu) : null,
    norms: norms ? Float32Array.from(norms.groupNorms.flat()) : null,
    masks,
  };
}

/** The sample's byte buffers, to transfer rather than copy. */
export function sampleTransferables(s: SharingSample): ArrayBuffer[] {
  const out = [s.rgb.buffer, s.groupOfPatch.buffer] as ArrayBuffer[];
  if (s.mu) out.push(s.mu.buffer as ArrayBuffer);
  if (s.norms) out.push(s.norms.buffer as ArrayBuffer);
  if (s.masks) out.push(s.masks.rgb.buffer as ArrayBuffer);
  return out;
}
