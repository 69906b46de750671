// Runs kept in this browser (IndexedDB), and the overlay of the ones picked.
import { useEffect } from 'react';
import { startRunsRecorder, useRuns } from '../../store/runs/state';
import { StorageBudget } from '../RunKeeping';
import { ImportRun } from './ImportRun';
import { RunsCompare } from './RunsCompare';
import { RunsTable } from './RunsTable';
import { ErrorAlert } from '../ErrorAlert';

export function RunsPanel() {
  useEffect(() => {
    void startRunsRecorder();
  }, []);
  const persistent = useRuns((s) => s.persistent);
  const error = useRuns((s) => s.error);
  return (
    <section className="runs" aria-label="Runs kept">
      <h2>Runs</h2>
      <p className="hint">
        {persistent ? 'Kept in this browser (IndexedDB)' : 'Kept in this tab'}: config, loss series (every step up to 2000, then thinned to every 2nd, 4th, …
        step) and probe results. A run with a checkpoint here can be resumed.
      </p>
      <StorageBudget />
      <ErrorAlert error={error} />
      <ImportRun />
      <RunsTable />
      <RunsCompare />
    </section>
  );
}
