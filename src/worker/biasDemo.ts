// The implicit-bias demo inside the training worker: the deep linear MAE/JEPA pair of
// src/engine/deepLinear.ts (BiasDemo), advanced in small slices of plain-JS gradient descent
// (no tensors), its curves streamed to the page as 'bias-demo' events.
//
// Sharing the worker's one thread with the training loop: while a run trains, each slice takes
// about SLICE_MS and is followed by REST_MS of sleep, so the demo holds the thread at most
// ~SLICE_MS / (SLICE_MS + REST_MS) of the time (10 %) and a step waits for at most one slice;
// while no run trains, slices follow each other with only a yield to the event loop between them
// (commands still land). One demo at a time: starting another (a new depth, λ or ρ) stops the
// one before it.
import { BiasDemo, type DeepLinearSettings } from '../engine/deepLinear';
import type { WorkerEvent } from './protocol';
import { errText } from '../shared/errors';

export interface BiasDemoPacing {
  /** Target length of one slice of gradient steps. */
  sliceMs: number;
  /** Sleep after each slice while a run trains. */
  restMs: number;
  /** Send the curves at most this often (and once at the end). */
  emitEveryMs: number;
}

export const BIAS_DEMO_PACING: BiasDemoPacing = { sliceMs: 5, restMs: 45, emitEveryMs: 250 };

export interface BiasDemoHost {
  emit(e: WorkerEvent): void;
  /** Whether a run's training loop is going (then the demo rests between slices). */
  training(): boolean;
  /** Let queued work run (a macrotask), without the clamping of setTimeout(0). */
  yieldToEvents(): Promise<void>;
  sleep?(ms: number): Promise<void>;
  now?(): number;
}

interface Current {
  id: number;
  demo: BiasDemo;
  stopped: boolean;
}

export class BiasDemoRunner {
  private current: Current | null = null;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly host: BiasDemoHost,
    private readonly pacing: BiasDemoPacing = BIAS_DEMO_PACING,
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

  private async run(c: Current): Promise<void> {
    const now = this.host.now ?? (() => performance.now());
    const sleep = this.host.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const started = now();
    let steps = 100; // per slice; adapted to the slice's measured length
    let lastEmit = -Infinity;
    // Start on a later task: start() answers first, and the first slice follows it.
    await this.host.yieldToEvents();
    while (!c.stopped) {
      const t0 = now();
      let done: boolean;
      try {
        done = c.demo.advance(steps);
      } catch (e) {
        const field = (e as { field?: keyof DeepLinearSettings }).field;
        this.host.emit({ type: 'bias-demo-error', demoId: c.id, message: errText(e), ...(field ? { field } : {}) });
        return;
      }
      const dt = now() - t0;
      steps = Math.max(10, Math.min(200_000, Math.round((steps * this.pacing.sliceMs) / Math.max(dt, 0.05))));
      if (done || now() - lastEmit >= this.pacing.emitEveryMs) {
        lastEmit = now();
        this.host.emit({ type: 'bias-demo', demoId: c.id, result: c.demo.result(), done, ms: now() - started });
      }
      if (done) return;
      if (this.host.training()) await sleep(this.pacing.restMs);
      else await this.host.yieldToEvents();
    }
  }
}
