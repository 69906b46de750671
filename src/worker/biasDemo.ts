// The implicit-bias demo inside the training worker: the deep linear MAE/JEPA pair of
// src/engine/deepLinear.ts (BiasDemo), advanced in small slices of plain-JS gradient descent
// (no tensors), its curves streamed to the page as 'bias-demo' events.
//
// It shares the worker's one thread with the training loop as slicedWork.ts paces all such work.
// One demo at a time: starting another (a new depth, λ or ρ) stops the one before it.
import { BiasDemo, type DeepLinearSettings } from '../engine/deepLinear';
import { errText } from '../shared/errors';
import { clockOf, runInSlices, SLICE_PACING, type SliceHost, type SlicePacing } from './slicedWork';

interface Current {
  id: number;
  demo: BiasDemo;
  stopped: boolean;
}

export class BiasDemoRunner {
  private current: Current | null = null;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly host: SliceHost,
    private readonly pacing: SlicePacing = SLICE_PACING,
  ) {}

  /** Start demo `id` with `settings` (checked: a bad one throws DeepLinearSettingError naming the field, and the demo before goes on). */
  start(id: number, settings: Partial<DeepLinearSettings>): DeepLinearSettings {
    const demo = new BiasDemo(settings);
    if (this.current) this.current.stopped = true;
    const c: Current = { id, demo, stopped: false };
    this.current = c;
    this.loop = this.run(c);
    return demo.settings;
  }

  /** Stop demo `id` (a later one is left alone). */
  stop(id: number): void {
    if (this.current?.id === id) this.current.stopped = true;
  }

  /** Resolves when the demo in progress has stopped or finished (tests). */
  settled(): Promise<void> {
    return this.loop;
  }

  /** Demo `c` in slices until done or stopped; a failing step ends it with an error event instead of a rejection. */
  private async run(c: Current): Promise<void> {
    const now = clockOf(this.host);
    const started = now();
    // Start on a later task: start() answers first, and the first slice follows it.
    await this.host.yieldToEvents();
    try {
      await runInSlices(this.host, this.pacing, {
        advance: (steps) => c.demo.advance(steps),
        units: { start: 100, min: 10, max: 200_000 }, // gradient steps per slice
        progress: (done) => this.host.emit({ type: 'bias-demo', demoId: c.id, result: c.demo.result(), done, ms: now() - started }),
        stopped: () => c.stopped,
      });
    } catch (e) {
      const field = (e as { field?: keyof DeepLinearSettings }).field;
      this.host.emit({ type: 'bias-demo-error', demoId: c.id, message: errText(e), ...(field ? { field } : {}) });
    }
  }
}
