// npm run embed -- --weights FILE.safetensors [--dataset ID|PATH] [subset flags] --out DIR
// The probed encoder's embedding of the test split (mean-pooled patch outputs, the linear probe's
// features), for looking at: DIR/embeddings.tsv and DIR/metadata.tsv in TensorBoard Projector's
// format (load them there as they are), DIR/pca.svg (the first two principal components, coloured
// by class) and DIR/neighbours.json (each image's nearest test images by cosine similarity).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cosineNeighbours, sameClassShare } from '../engine/neighbours';
import { pca } from '../engine/pca';
import { pooledFeatures } from '../engine/probe';
import { pcaSvg } from '../io/pcaSvg';
import { embeddingsTsv, metadataTsv } from '../io/projector';
import { UsageError, wholeFlag } from './args';
import { useBackend } from './backend';
import { configFromWeights, trainerWithWeights } from './weightsRun';

export const EMBED_FLAGS = ['weights', 'out', 'backend', 'test-per-class', 'neighbours'] as const;

export interface EmbedSummary {
  out: string;
  dataset: string;
  images: number;
  dim: number;
  /** Share of the variance on the first two principal components. */
  explained: number[];
  neighbours: number;
  /** Share of all images' neighbours that are of the image's own class (chance: about 1 / classes). */
  sameClass: number;
  step: number;
}

/** Run the embed command; returns what it printed. */
export async function embedCommand(argv: string[], log: (line: string) => void = console.log): Promise<EmbedSummary> {
  const { config, extra, weights } = configFromWeights(argv, EMBED_FLAGS);
  if (!extra.out) throw new UsageError('--out DIR is required');
  const testPerClass = wholeFlag('test-per-class', extra['test-per-class'], 0, 0);
  const k = wholeFlag('neighbours', extra.neighbours, 10, 1);
  await useBackend(extra.backend ?? 'wasm');

  const { data, trainer: model } = await trainerWithWeights(config, weights, testPerClass);
  try {
    const test = data.test;
    const D = model.dims.embedDim;
    const features = await pooledFeatures(model, test);
    const p = pca(features, test.size, D, 2, config.seed);
    const nb = cosineNeighbours(features, test.size, D, k);
    const className = (i: number) => test.classNames[test.labels[i]] ?? String(test.labels[i]);
    mkdirSync(extra.out, { recursive: true });
    writeFileSync(join(extra.out, 'embeddings.tsv'), embeddingsTsv(features, test.size, D));
    writeFileSync(join(extra.out, 'metadata.tsv'), metadataTsv(test.labels, test.classNames));
    const title = `${config.mode} ${config.preset} seed ${config.seed}, step ${weights.step}: ${test.name} (${test.size} test images)`;
    writeFileSync(join(extra.out, 'pca.svg'), pcaSvg(p, test.labels, test.classNames, title));
    const neighbours = Array.from({ length: test.size }, (_, i) => ({
      index: i,
      class: className(i),
      neighbours: Array.from(nb.index.subarray(i * nb.k, (i + 1) * nb.k), (j, r) => ({ index: j, class: className(j), similarity: nb.similarity[i * nb.k + r] })),
    }));
    writeFileSync(join(extra.out, 'neighbours.json'), JSON.stringify({ k: nb.k, similarity: 'cosine', images: neighbours }) + '\n');
    const sameClass = sameClassShare(nb, test.labels);
    const summary: EmbedSummary = { out: extra.out, dataset: test.name, images: test.size, dim: D, explained: p.explained, neighbours: nb.k, sameClass, step: weights.step };
    log(JSON.stringify(summary));
    return summary;
  } finally {
    model.dispose();
  }
}
