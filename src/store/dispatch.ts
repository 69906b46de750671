// The one place where the worker's events and the page's turning points reach the stores. Every
// worker event goes to each feature's handler, in a fixed order. The moments that reset features
// are carried out here, explicitly: another run shown (Reset, Resume, imported weights or an
// imported run, a new worker), a new worker starting, a new worker ready. No store subscribes
// to another to learn of them.
import type { RunInfo, WorkerEvent } from '../worker/protocol';
import {  handleBiasDemoEvent } from './biasDemo/state';
import { handleHealthEvent, healthOnRunShown } from './health/state';
import { handleKeepingEvent, keepingOnRunShown } from './keeping/state';
import { handleProbeEvent, probeOnRunShown } from './probe/state';
import { handleProjectorEvent, projectorOnWorkerStarting } from './projector/state';
import { handleWorkerEvent, useLab, type LabState } from './run/state';
import { tabLocks } from './tabs';
import { handleTransferEvent, transferOnRunShown, transferOnWorkerStarting } from './transfer/state';
import { biasDemoOnWorkerReady } from './biasDemo/commands';

/** A worker event, to every store that reads it. */
export function dispatchWorkerEvent(e: WorkerEvent): void {
  handleWorkerEvent(e);
  handleProbeEvent(e);
  handleHealthEvent(e);
  handleBiasDemoEvent(e);
  handleKeepingEvent(e);
  handleTransferEvent(e);
  handleProjectorEvent(e);
  // The other tabs' Runs tables learn of this tab's checkpoints.
  if (e.type === 'checkpoint' && e.saved) tabLocks().announce({ type: 'saved', info: e.saved });
  if (e.type === 'evicted') for (const r of e.evicted) tabLocks().announce({ type: 'deleted', runId: r.runId });
}

/** The page shows `patch.run` from now on (with the rest of `patch`); the stores of the run shown before start over. */
export function showRun(patch: Partial<LabState> & { run: RunInfo | null }): void {
  const prev = useLab.getState().run;
  useLab.setState(patch);
  if (patch.run === prev) return;
  probeOnRunShown(patch.run);
  healthOnRunShown(patch.run);
  keepingOnRunShown(prev, patch.run);
  transferOnRunShown(prev, patch.run);
}

/** A new worker is starting (start-up, a backend switch, a crash): no run is shown until it has one. */
export function workerStarting(patch: Partial<LabState>): void {
  showRun({ ...patch, run: null, workerStatus: 'starting' });
  transferOnWorkerStarting();
  projectorOnWorkerStarting();
}

/** The new worker is ready. */
export function workerReady(patch: Partial<LabState>): void {
  useLab.setState({ ...patch, workerStatus: 'ready' });
  biasDemoOnWorkerReady();
}
