// What a sweep row needs from a finished run that only the worker has: the prediction losses of
// its last steps (from the run's own history, which a resumed run carries over from its
// checkpoint), the share of W's columns under the zero threshold at its end and the groups'
// multi-information there (read from the trainer now, as `npm run sweep` reads them after its last
// step), with the λ/β/lr changes its history logged (a row stands for the sweep's setting only
// when none changed them mid-run).
import type { SweepNumbers } from './protocol';
import type { Run } from './run';

/** Steps of prediction loss a row averages (engine/sweep.ts's sweepRow: the last min(10, steps)). */
const TAIL = 10;

/** Read between steps (the caller queues it on the worker's tensor queue: it reads W). */
export async function sweepNumbers(run: Run): Promise<SweepNumbers> {
  const { metrics, hyper } = run.history.upTo(run.step);
  const norms = await run.trainer.groupNorms();
  const information = await run.trainer.totalCorrelation(); // I(G_1; …; G_G); MAE: null
  return {
    runId: run.id,
    step: run.step,
    predLosses: metrics.slice(-TAIL).map((m) => m.predLoss),
    zeroShare: norms ? norms.zeroShare : null,
    totalCorrelation: information ? information.groups : null,
    hyper,
  };
}
