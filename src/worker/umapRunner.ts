// The projector's UMAP inside the training worker (engine/umapLayout.ts), advanced a few epochs
// per slice and streamed to the page as 'umap-progress' events.
//
// It shares the worker's one thread with the training loop as slicedWork.ts paces all such work,
// resting before each slice as well: the one longer piece, building UMAP's fuzzy graph from the
// precomputed neighbours once per layout (tens of ms for a thousand points), comes before the first.
import { UmapLayout } from '../engine/umapLayout';
import { errText } from '../shared/errors';
import type { UmapInput } from './protocol';
import { runInSlices, SLICE_PACING, type SliceHost, type SlicePacing } from './slicedWork';

export class UmapStopped extends Error {
  constructor(layoutId: number) {
    super(`UMAP layout ${layoutId} stopped`);
    this.name = 'UmapStopped';
  }
}

export class UmapRunner {
  private readonly stopped = new Set<number>();

  constructor(
    private readonly host: SliceHost,
    private readonly pacing: SlicePacing = SLICE_PACING,
  ) {}

  /** Stop layout `id` at its next slice. */
  stop(id: number): void {
    this.stopped.add(id);
  }

  /** Lay out `input` as layout `id`; resolves with the final [n, 2] coordinates. */
  async layout(id: number, input: UmapInput): Promise<Float32Array> {
    try {
      await this.host.yieldToEvents(); // answer the call's caller first
      const umap = new UmapLayout(input.features, input.n, input.dim, input.seed, input.neighbours);
      const done = await runInSlices(this.host, this.pacing, {
        advance: (epochs) => umap.advance(epochs),
        units: { start: 5, min: 1, max: 500 }, // epochs per slice
        progress: () => this.host.emit({ type: 'umap-progress', layoutId: id, epoch: umap.epoch, epochs: umap.epochs, coords: umap.coords() }),
        stopped: () => this.stopped.has(id),
        restFirst: true,
      });
      if (!done) throw new UmapStopped(id);
      return umap.coords();
    } catch (e) {
      if (!(e instanceof UmapStopped)) this.host.emit({ type: 'umap-error', layoutId: id, message: errText(e) });
      throw e;
    } finally {
      this.stopped.delete(id);
    }
  }
}
