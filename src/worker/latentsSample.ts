// The worker side of the Latents view: each latent's top patches over the run's test split
// (engine/latentPatches.ts) with their crops, for the page to draw. Runs between steps (through
// the worker's command queue, like the sharing views' samples), so it reads a settled model.
import { classNameOf } from '../data/types';
import { groupOfPatch } from '../engine/config';
import { latentPatches, patchCrop } from '../engine/latentPatches';
import type { Trainer } from '../engine/trainer';
import type { LatentsRequest, LatentsSample, RunId } from './protocol';

/** Patches of surroundings on each side of a crop's patch. */
export const CROP_MARGIN = 1;
/** Most test images one request may read (the view's default is far below). */
export const MAX_LATENT_IMAGES = 10_000;

/** What each latent responds to, for run `runId` at its current step. */
export async function latentsSample(t: Trainer, runId: RunId, request: LatentsRequest): Promise<LatentsSample> {
  const { topN, images } = request;
  if (!Number.isInteger(images) || images < 1 || images > MAX_LATENT_IMAGES) throw new RangeError(`images must be a whole number in 1…${MAX_LATENT_IMAGES}, got ${images}`);
  const test = t.data.test;
  const result = await latentPatches(t.model, t.dims, test, { topN, images });
  const { patchSize, grid } = t.dims;
  const cropSide = (1 + 2 * CROP_MARGIN) * patchSize;
  const per = cropSide * cropSide * 3;
  const crops = new Uint8Array(result.units.length * topN * per);
  // Crop j of unit i and its class at slot i · topN + j (protocol.ts), also where a unit has fewer than topN.
  const labels = new Array<string>(result.units.length * topN).fill('');
  result.units.forEach((u, i) =>
    u.top.forEach((x, j) => {
      crops.set(patchCrop(test, x.imageIndex, x.row, x.col, patchSize, CROP_MARGIN), (i * topN + j) * per);
      labels[i * topN + j] = classNameOf(test, x.imageIndex);
    }),
  );
  return { runId, step: t.stepCount, result, cropSide, crops, labels, groupOfPatch: groupOfPatch(t.config.grouping, grid) };
}

/** The sample's byte buffers, to transfer rather than copy. */
export function latentsTransferables(s: LatentsSample): ArrayBuffer[] {
  return [s.crops.buffer, s.groupOfPatch.buffer] as ArrayBuffer[];
}
