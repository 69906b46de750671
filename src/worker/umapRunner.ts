// The projector's UMAP inside the training worker (engine/umapLayout.ts), advanced a few epochs
// per slice and streamed to the page as 'umap-progress' events.
//
// Sharing the worker's one thread with the training loop as the bias demo does (biasDemo.ts):
// while a run trains, each slice takes about sliceMs and is followed by restMs of sleep, so a
// training step waits for at most one slice; while none trains, slices follow each other with only
// a yield to the event loop between them. The one longer piece is building UMAP's fuzzy graph from
// the precomputed neighbours, once per layout (tens of ms for a thousand points).
import { UmapLayout } from '../engine/umapLayout';
import { errText } from '../shared/errors';
import type { UmapInput } from './protocol';
import { BIAS_DEMO_PACING, type BiasDemoHost, type BiasDemoPacing } from './biasDemo';

export class UmapStopped extends Error {
  constructor(layoutId: number) {
    super(`UMAP layout ${layoutId} stopped`);
    this.name = 'UmapStopped';
  }
}

export class UmapRunner {
  private readonly stopped = new Set<number>();

  constructor(
    private readonly host: BiasDemoHost,
    private readonly pacing: BiasDemoPacing = BIAS_DEMO_PACING,
  ) {}

  /** Stop layout `id` at its next slice. */
  stop(id: number): void {
    this.stopped.add(id);
  }

  /** Lay out `input` as layout `id`; resolves with the final [n, 2] coordinates. */
  async layout(id: number, input: UmapInput): Promise<Float32Array> {
    const now = this.host.now ?? (() => performance.now());
    const sleep = this.host.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const rest = () => (this.host.training() ? sleep(this.pacing.restMs) : this.host.yieldToEvents());
    try {
      await this.host.yieldToEvents(); // answer the call's caller first
      const umap = new UmapLayout(input.features, input.n, input.dim, input.seed, input.neighbours);
      let epochs = 5; // per slice; adapted to the slice's measured length
      let lastEmit = -Infinity;
      for (;;) {
        await rest();
        if (this.stopped.has(id)) throw new UmapStopped(id);
        const t0 = now();
        const done = umap.advance(epochs);
        const dt = now() - t0;
        epochs = Math.max(1, Math.min(500, Math.round((epochs * this.pacing.sliceMs) / Math.max(dt, 0.05))));
        if (done || now() - lastEmit >= this.pacing.emitEveryMs) {
          lastEmit = now();
          this.host.emit({ type: 'umap-progress', layoutId: id, epoch: umap.epoch, epochs: umap.epochs, coords: umap.coords() });
        }
        if (done) return umap.coords();
      }
    } catch (e) {
      if (!(e instanceof UmapStopped)) this.host.emit({ type: 'umap-error', layoutId: id, message: errText(e) });
      throw e;
    } finally {
      this.stopped.delete(id);
    }
  }
}
