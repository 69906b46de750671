// Device-loss recovery: the WebGPU device went away (deviceLoss.ts notices). Stop the runs'
// loops, drop the dead backend, pick one again (a new WebGPU device, or the next backend in line),
// rebuild each run's trainer there from its last checkpoint, and carry on as before (training or
// not). A run that cannot be rebuilt is closed with the reason and where its checkpoint is.
import { Trainer } from '../engine/trainer';
import type { BackendInfo, MemoryInfo, RunId, WorkerEvent } from './protocol';
import type { Run } from './run';
import type { WorkQueue } from './workQueue';
import { errText } from '../shared/errors';

/** How long a run's step in flight may take to fail before the loop is given up on. */
const STOP_WAIT_MS = 10_000;

export interface RecoveryEnv {
  /** The runs open in the worker; one that cannot be rebuilt is taken out. */
  runs: Map<RunId, Run>;
  /** The worker's tensor queue (reset when a step hangs on the lost device). */
  tensors: WorkQueue;
  /** Drop the dead backend and pick one again, watching the new device (its trainers are disposed first). */
  reselectBackend(): Promise<BackendInfo>;
  emit(e: WorkerEvent): void;
  memory(): MemoryInfo;
}

const ON = { webgpu: 'a new WebGPU device', wasm: 'WASM', webgl: 'WebGL', cpu: 'the CPU backend' } as const;

/** Rebuild the runs open in `env` after `lost`; resolves once each trains again (or stands paused, done, or closed). */
export async function recoverRuns(lost: GPUDeviceLostInfo, env: RecoveryEnv): Promise<void> {
  const { runs, tensors, emit } = env;
  const was = [...runs.values()].map((run) => ({ run, training: run.running, lostAt: run.step }));
  // The step in flight fails (its read-back is rejected). If it hangs instead, stop waiting for it.
  for (const { run } of was) if (!(await run.stop(STOP_WAIT_MS))) tensors.reset();
  await tensors
    .run(async () => {
      for (const { run } of was) run.trainer.dispose(); // its tensors lived on the lost device
      const backend = await env.reselectBackend();
      for (const { run, lostAt } of was) {
        const old = run.trainer;
        await run.rebuild(Trainer.create(old.config, old.data));
        const message =
          `The GPU device was lost at step ${lostAt} (${lost.reason}${lost.message ? `: ${lost.message}` : ''}); ` +
          `recovered on ${ON[backend.backend]} from the checkpoint at step ${run.step}.`;
        emit({ type: 'rollback', runId: run.id, step: run.step, reason: 'device-lost', message, hyper: run.trainer.hyper(), backend });
      }
      emit({ type: 'memory', memory: env.memory() });
    })
    .catch((e) => {
      for (const { run, lostAt } of was) {
        runs.delete(run.id);
        emit({
          type: 'state',
          runId: run.id,
          state: 'error',
          step: lostAt,
          message: `The GPU device was lost at step ${lostAt} and the run could not be rebuilt: ${errText(e)}. Its last checkpoint is saved in this browser: reload the page to resume it.`,
        });
      }
    });
  for (const { run, training } of was) {
    if (!runs.has(run.id)) continue;
    if (training && !run.done) await run.start();
    else run.emitState(run.done ? 'done' : 'paused');
  }
}
