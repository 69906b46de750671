// The Transfer table: for the runs in the Runs table, top-1 on each dataset they were probed on
// beside its floor (the run's random-init encoder on that dataset) — rows = runs, columns =
// datasets, the shape of the paper's table I — each dataset's linear probe and, in the column
// beside it, its k-NN read-out. Each cell is the probe at the run's latest probed
// step on that dataset. Fed by the probes kept in each run's record (runsDb), nothing else.
import { Fragment, useMemo } from 'react';
import { percent } from '../../store/probe/state';
import { useRuns } from '../../store/runs/state';
import { transferTable, type TransferCell } from '../../store/transfer/rules';

const MODE = { sparse: 'SparseJEPA', jepa: 'JEPA', mae: 'MAE' } as const;

function Cell({ c, dataset, knn = false }: { c: TransferCell | undefined; dataset: string; knn?: boolean }) {
  // The k-NN column is named by data-knn-dataset, so that a dataset's data-dataset cell stays the linear probe's one.
  const where = knn ? { 'data-knn-dataset': dataset } : { 'data-dataset': dataset };
  if (!c) return <td {...where}>–</td>;
  return (
    <td
      {...where}
      data-top1={c.top1}
      data-floor-top1={c.floorTop1}
      data-step={c.step}
      data-own={c.own}
      title={`${knn ? 'k-NN ' : ''}top-5 ${percent(c.top5)} (floor ${percent(c.floorTop5)}); ${c.testCount} test images; ${c.own ? 'the training data' : 'transfer probe'}`}
    >
      <strong>{percent(c.top1)}</strong> <small>(floor {percent(c.floorTop1)}, step {c.step})</small>
    </td>
  );
}

export function TransferTable() {
  const runs = useRuns((s) => s.runs);
  const { columns, rows } = useMemo(() => transferTable(runs), [runs]);
  return (
    <section className="transfer" aria-label="Transfer">
      <h3>Transfer</h3>
      <p className="hint">
        Linear-probe top-1 of each run on each dataset it was probed on (choose one under "Probe on" and press Evaluate), beside its floor: the same probe
        of the run&apos;s encoder at random init; beside it, the k-NN read-out (DINO: the 20 most cosine-similar train images vote) and its floor — every
        transfer probe takes it, on the training data Evaluate with the k-NN read-out or probe every N steps. The latest probed step of each run; runs never
        probed are left out.
      </p>
      {rows.length === 0 ? (
        <p className="info">No probes yet.</p>
      ) : (
        <div className="runs-table">
          <table aria-label="Transfer">
            <thead>
              <tr>
                <th>Run</th>
                <th>Mode</th>
                <th>Pretrained on</th>
                {columns.map((c) => (
                  <Fragment key={c.key}>
                    <th data-dataset={c.key}>
                      {c.name}
                      {c.numClasses ? <small> ({c.numClasses} classes, chance {percent(1 / c.numClasses)})</small> : null}
                    </th>
                    <th data-knn-dataset={c.key}>
                      k-NN <small>({c.name})</small>
                    </th>
                  </Fragment>
                ))}
              </tr>
            </thead>
            <tbody>
              {[...rows].reverse().map((r) => (
                <tr key={r.run.runId} data-transfer-run={r.run.runId}>
                  <td>{r.run.name}</td>
                  <td>{MODE[r.run.config.mode]}</td>
                  <td>{r.run.dataset.name}</td>
                  {columns.map((c) => (
                    <Fragment key={c.key}>
                      <Cell c={r.cells[c.key]} dataset={c.key} />
                      <Cell c={r.knn[c.key]} dataset={c.key} knn />
                    </Fragment>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
