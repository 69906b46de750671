// npm run latents -- --weights FILE.safetensors [--dataset ID|PATH] [subset flags] --out DIR
//   [--top N] [--images N] [--dimensions M] [--test-per-class N] [--backend wasm|cpu|webgpu]
// What each latent responds to (engine/latentPatches.ts), on the test split: DIR/latents.json (for
// every latent, or the top M encoder dimensions of a JEPA / MAE run, its top patches and the groups
// that read it; each group's latents) and DIR/latents.png (latentsPng.ts: a row per unit).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { classNameOf } from '../data/types';
import { groupOfPatch } from '../engine/config';
import { LATENT_PATCH_DEFAULTS, latentPatches, type LatentPatches } from '../engine/latentPatches';
import { UsageError, wholeFlag } from './args';
import { useBackend } from './backend';
import { encodePng, latentsRaster } from './latentsPng';
import { configFromWeights, trainerWithWeights } from './weightsRun';

export const LATENTS_FLAGS = ['weights', 'out', 'backend', 'test-per-class', 'top', 'images', 'dimensions'] as const;

export interface LatentsSummary {
  out: string;
  dataset: string;
  mode: string;
  kind: LatentPatches['kind'];
  /** Rows of the grid: K latents, or the top M dimensions. */
  units: number;
  top: number;
  images: number;
  /** SparseJEPA: latents read by no group (‖W^(g)_{·,k}‖₂ < zeroThreshold in every g). */
  unread?: number;
  png: { width: number; height: number };
  step: number;
}

/** Run the latents command; returns what it printed. */
export async function latentsCommand(argv: string[], log: (line: string) => void = console.log): Promise<LatentsSummary> {
  const { config, extra, weights } = configFromWeights(argv, LATENTS_FLAGS);
  if (!extra.out) throw new UsageError('--out DIR is required');
  const testPerClass = wholeFlag('test-per-class', extra['test-per-class'], 0, 0);
  const top = wholeFlag('top', extra.top, LATENT_PATCH_DEFAULTS.topN, 1);
  const images = wholeFlag('images', extra.images, LATENT_PATCH_DEFAULTS.images, 1);
  const dimensions = wholeFlag('dimensions', extra.dimensions, LATENT_PATCH_DEFAULTS.dimensions, 1);
  await useBackend(extra.backend ?? 'wasm');

  const { data, trainer } = await trainerWithWeights(config, weights, testPerClass);
  try {
    const test = data.test;
    const r = await latentPatches(trainer.model, trainer.dims, test, { topN: top, images, dimensions });
    const png = latentsRaster(r, test, groupOfPatch(config.grouping, trainer.dims.grid), top);
    mkdirSync(extra.out, { recursive: true });
    writeFileSync(join(extra.out, 'latents.png'), encodePng(png.width, png.height, png.rgba));
    const json = {
      ...r,
      dataset: test.name,
      step: weights.step,
      units: r.units.map((u) => ({ ...u, top: u.top.map((t) => ({ ...t, class: classNameOf(test, t.imageIndex) })) })),
    };
    writeFileSync(join(extra.out, 'latents.json'), JSON.stringify(json) + '\n');
    const summary: LatentsSummary = {
      out: extra.out,
      dataset: test.name,
      mode: config.mode,
      kind: r.kind,
      units: r.units.length,
      top,
      images: r.images,
      ...(r.norms ? { unread: r.units.filter((u) => u.groups.length === 0).length } : {}),
      png: { width: png.width, height: png.height },
      step: weights.step,
    };
    log(JSON.stringify(summary));
    return summary;
  } finally {
    trainer.dispose();
  }
}
