// The metrics so far of the run in the worker: saved with each checkpoint, so the charts come
// back after a reload, and cut back to the checkpoint's step on a rollback.
import type { LiveHyper } from '../engine/types';
import type { HealthPoint, HyperChange, NormsMatrix, RunHistoryData, StepScalars } from './protocol';

export class RunHistory {
  private metrics: StepScalars[] = [];
  private norms: NormsMatrix[] = [];
  private hyper: HyperChange[] = [];
  private health: HealthPoint[] = [];

  static from(data: RunHistoryData): RunHistory {
    const h = new RunHistory();
    h.metrics = data.metrics.slice();
    h.norms = data.norms.slice();
    h.hyper = data.hyper.slice();
    h.health = Array.isArray(data.health) ? data.health.slice() : [];
    return h;
  }

  /** One step's scalars, and its norm matrix when it has one (copied: the original is transferred). */
  addStep(metrics: StepScalars, norms?: NormsMatrix): void {
    this.metrics.push(metrics);
    if (norms) this.norms.push({ ...norms, data: norms.data.slice() });
  }

  addHyper(atStep: number, hyper: LiveHyper): void {
    this.hyper = this.hyper.filter((h) => h.atStep < atStep); // a later change for the same step supersedes
    this.hyper.push({ atStep, hyper: { ...hyper } });
  }

  /** A representation-health measurement (a repeat at the same step replaces the earlier one). */
  addHealth(point: HealthPoint): void {
    this.health = this.health.filter((p) => p.step !== point.step);
    this.health.push(point);
  }

  /** Forget everything after `step` (the run went back to a checkpoint taken after that step). */
  truncate(step: number): void {
    this.metrics = this.metrics.filter((m) => m.step <= step);
    this.norms = this.norms.filter((n) => n.step <= step);
    this.hyper = this.hyper.filter((h) => h.atStep <= step);
    this.health = this.health.filter((p) => p.step <= step);
  }

  /** Everything up to `step` (a checkpoint's view), as plain data that structured clone can store. */
  upTo(step: number): RunHistoryData {
    return {
      metrics: this.metrics.filter((m) => m.step <= step),
      norms: this.norms.filter((n) => n.step <= step),
      // A change for step+1 on is not in the checkpoint's λ/β/lr; the restored values are re-announced.
      hyper: this.hyper.filter((h) => h.atStep <= step),
      health: this.health.filter((p) => p.step <= step),
    };
  }
}
