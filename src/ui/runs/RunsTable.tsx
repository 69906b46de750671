// Every run kept in this browser: pick two or more to compare, resume one from its checkpoint,
// delete one (record and checkpoint), or train a JEPA twin.
import { useKeeping } from '../../store/keeping/state';
import { bestTop1, percent } from '../../store/probe/state';
import { dataAvailable } from '../../store/run/rules';
import { deleteRun, resumeRun } from '../../store/keeping/commands';
import { toggleSelected, useRuns } from '../../store/runs/state';
import { useLab } from '../../store/run/state';
import type { SavedRunInfo, RunRecord } from '../../worker/protocol';
import { formatNumber } from '../format';
import { OpenImported, RunSource } from './ImportRun';
import { RunName } from './RunName';
import { startJepaTwin } from '../../store/runs/commands';
import { hasJepaTwin } from '../../store/runs/twin';

const MODE = { sparse: 'SparseJEPA', jepa: 'JEPA', mae: 'MAE' } as const;

function BestProbe({ r }: { r: RunRecord }) {
  const best = bestTop1(r.probes);
  if (!best) return <>–</>;
  return (
    <span title={`top-5 ${percent(best.top5)}; random init top-1 ${percent(best.randomInitTop1)}`}>
      {percent(best.top1)} <small>(floor {percent(best.randomInitTop1)}, step {best.step})</small>
    </span>
  );
}

/** The run's checkpoint in this browser: Resume when its data can be had, else what to pick. */
function Saved({ r, saved, current }: { r: RunRecord; saved: SavedRunInfo | undefined; current: boolean }) {
  const loadedId = useLab((s) => s.dataset?.id);
  const served = useLab((s) => s.servedArchive);
  const running = useLab((s) => s.runState === 'running');
  if (!saved) return <small>–</small>;
  if (current) return <small>step {saved.step}</small>;
  if (!dataAvailable(saved.dataset.id, loadedId, served)) return <small title="Resume needs its dataset file">step {saved.step}; pick {saved.dataset.name} to resume</small>;
  return (
    <>
      <small>step {saved.step} </small>
      <button type="button" onClick={() => void resumeRun(r.runId)} disabled={running} aria-label={`Resume ${r.name}`} title={running ? 'Pause the run that trains first' : `Continue from step ${saved.step}`}>
        Resume
      </button>
    </>
  );
}

function Row({ r, current, selected, busy }: { r: RunRecord; current: boolean; selected: boolean; busy: boolean }) {
  const saved = useKeeping((s) => s.savedRuns[r.runId]);
  return (
    <tr
      data-run-id={r.runId}
      data-mode={r.config.mode}
      data-seed={r.config.seed}
      data-step={r.step}
      data-probes={r.probes.length}
      data-best-top1={bestTop1(r.probes)?.top1 ?? ''}
      data-checkpoint-step={saved?.step ?? ''}
      data-source={r.imported?.source ?? 'browser'}
      className={current ? 'current' : undefined}
    >
      <td>
        <input type="checkbox" checked={selected} onChange={() => toggleSelected(r.runId)} aria-label={`Compare ${r.name}`} />
      </td>
      <td>
        <RunName r={r} />
        {current ? <small> (this run)</small> : null}
      </td>
      <td>{MODE[r.config.mode]}</td>
      <td>{r.config.preset}</td>
      <td>{r.dataset.name}</td>
      <td>
        <RunSource r={r} />
      </td>
      <td>{r.config.seed}</td>
      <td>
        {r.step} / {r.config.steps}
      </td>
      <td>{formatNumber(r.lastLoss ?? undefined, 4)}</td>
      <td>
        <BestProbe r={r} />
      </td>
      <td>
        <Saved r={r} saved={saved} current={current} />
      </td>
      <td className="row-actions">
        <OpenImported r={r} current={current} busy={busy} />
        {hasJepaTwin(r.config) && !r.imported ? (
          // Not "Start …": the lab's Start button is found by that name.
          <button type="button" onClick={() => void startJepaTwin(r.runId)} disabled={busy} aria-label={`Train JEPA twin of ${r.name}`}>
            Train JEPA twin
          </button>
        ) : null}
        <button type="button" onClick={() => void deleteRun(r.runId)} aria-label={`Delete ${r.name}`}>
          Delete
        </button>
      </td>
    </tr>
  );
}

export function RunsTable() {
  const runs = useRuns((s) => s.runs);
  const selected = useRuns((s) => s.selected);
  const currentId = useRuns((s) => s.currentId);
  const busy = useLab((s) => Boolean(s.busy) || s.workerStatus !== 'ready');
  if (!runs.length) return <p className="info">No runs yet: a run is kept here once it has trained a step.</p>;
  return (
    <div className="runs-table">
      <table aria-label="Runs">
        <thead>
          <tr>
            <th>Compare</th>
            <th>Name</th>
            <th>Mode</th>
            <th>Preset</th>
            <th>Dataset</th>
            <th>Source</th>
            <th>Seed</th>
            <th>Steps</th>
            <th>Last loss</th>
            <th>Best probe top-1</th>
            <th>Checkpoint</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {[...runs].reverse().map((r) => (
            <Row key={r.runId} r={r} current={r.runId === currentId} selected={selected.includes(r.runId)} busy={busy} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
