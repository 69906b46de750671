// UMAP (McInnes et al. 2018) of an embedding, the projector's second view, through umap-js: its
// fuzzy graph is built on our cosine neighbours (neighbours.ts), so UMAP and the "click a point"
// strip agree on who is near whom, and it is advanced a few epochs at a time, so the worker can
// lay it out in slices between training steps. Plain JS, no tensors.
import { UMAP } from 'umap-js';
import { cosineNeighbours, type Neighbours } from './neighbours';
import { Rng } from '../shared/rng';

/** UMAP's own defaults (umap-learn: 15 neighbours, min_dist 0.1). */
export const UMAP_NEIGHBOURS = 15;
export const UMAP_MIN_DIST = 0.1;

export class UmapLayout {
  private readonly umap: UMAP;
  /** Epochs UMAP runs in all (umap-js: 500 below 10,000 points). */
  readonly epochs: number;
  private done = 0;

  /**
   * Rows of x [n, D] to lay out; `nb` their cosine neighbours if already computed (at least
   * UMAP_NEIGHBOURS − 1 each). Needs n > UMAP_NEIGHBOURS.
   */
  constructor(x: Float32Array, readonly n: number, D: number, seed: number, nb?: Neighbours) {
    const k = UMAP_NEIGHBOURS;
    if (n <= k) throw new RangeError(`UMAP needs more than ${k} points, got ${n}`);
    const near = nb && nb.k >= k - 1 ? nb : cosineNeighbours(x, n, D, k - 1);
    // umap-js counts each point as its own nearest neighbour (distance 0), as umap-learn does.
    const indices: number[][] = [];
    const distances: number[][] = [];
    for (let i = 0; i < n; i++) {
      const row = [i];
      const dist = [0];
      for (let r = 0; r < k - 1; r++) {
        row.push(near.index[i * near.k + r]);
        dist.push(Math.max(0, 1 - near.similarity[i * near.k + r])); // cosine distance
      }
      indices.push(row);
      distances.push(dist);
    }
    const rng = new Rng(seed);
    this.umap = new UMAP({ nComponents: 2, nNeighbors: k, minDist: UMAP_MIN_DIST, random: () => rng.next() });
    this.umap.setPrecomputedKNN(indices, distances);
    // The rows themselves only feed umap-js's transform() search graph, which we never use.
    this.epochs = this.umap.initializeFit(Array.from({ length: n }, (_, i) => Array.from(x.subarray(i * D, (i + 1) * D))));
  }

  /** Epochs run so far. */
  get epoch(): number {
    return this.done;
  }

  get finished(): boolean {
    return this.done >= this.epochs;
  }

  /** Run up to `count` more epochs of UMAP's layout optimisation; returns whether it has finished. */
  advance(count: number): boolean {
    for (let e = 0; e < count && this.done < this.epochs; e++) this.done = this.umap.step();
    return this.finished;
  }

  /** The layout now: [n, 2] coordinates. */
  coords(): Float32Array {
    const out = new Float32Array(this.n * 2);
    this.umap.getEmbedding().forEach((p, i) => {
      out[2 * i] = p[0];
      out[2 * i + 1] = p[1];
    });
    return out;
  }
}
