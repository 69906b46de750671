// What happened to the run (resumed, rolled back, recovered from a lost GPU, checkpoints evicted
// or off) and the runs saved in this browser: the notices at the top of the page, and the
// "saved at step S" line with the storage budget.
import { useId, useState } from 'react';
import { isFileDataset } from '../data/datasetId';
import { sameRun } from '../engine/config';
import { dismissNotice, useKeeping } from '../store/keeping/state';
import { discardSaved, resumeOffered, retryCheckpoints, setStorageBudget } from '../store/keeping/commands';
import { describeConfig, megabytes } from '../store/run/rules';
import { useRuns } from '../store/runs/state';
import { useLab } from '../store/run/state';
import { tabName } from '../store/tabs';

/** Notices: resumed / rolled back / device lost / evicted, checkpoints off, and a saved run the page did not continue. */
export function RunNotices() {
  const notice = useKeeping((s) => s.notice);
  const off = useKeeping((s) => s.off);
  const offer = useKeeping((s) => s.offer);
  const offerError = useKeeping((s) => s.offerError);
  const saveError = useKeeping((s) => s.saveError);
  const datasetId = useLab((s) => s.dataset?.id);
  const config = useLab((s) => s.config);
  const running = useLab((s) => s.runState === 'running');
  const pickAgain = offer && isFileDataset(offer.dataset.id) && datasetId !== offer.dataset.id;
  const quiet = notice?.kind === 'resumed' || notice?.kind === 'evicted';
  return (
    <>
      {notice ? (
        <div className={quiet ? 'note' : 'notices'} role={quiet ? 'note' : 'alert'} aria-label="Run notice" data-kind={notice.kind}>
          <p>{notice.text}</p>
          <button type="button" onClick={dismissNotice}>
            Dismiss
          </button>
        </div>
      ) : null}
      {off ? (
        <div className="notices" role="alert" aria-label="Checkpoints off" data-last-good={off.lastGood?.step ?? ''}>
          <p>{off.reason}</p>
          <button type="button" onClick={() => void retryCheckpoints()}>
            Try again
          </button>
        </div>
      ) : null}
      {offer ? (
        <div className="note" role="note" aria-label="Saved run" data-run-id={offer.runId}>
          <p>
            A run saved in this browser was not resumed: step {offer.step} of {describeConfig(offer.config)} on {offer.dataset.name}, saved at{' '}
            {new Date(offer.savedAt).toLocaleTimeString()}.{' '}
            {pickAgain
              ? `Pick ${offer.dataset.name} again (Data: its file or folder) to resume it.`
              : sameRun(offer.config, config)
                ? ''
                : 'Its settings differ from these.'}{' '}
            It stays saved (Runs, below) until you discard it.
          </p>
          <div className="button-row">
            {pickAgain ? null : (
              <button type="button" onClick={() => void resumeOffered()} disabled={running}>
                Resume saved run
              </button>
            )}
            <button type="button" onClick={() => void discardSaved(offer.runId)}>
              Discard saved run
            </button>
          </div>
        </div>
      ) : null}
      {offerError || saveError ? (
        <p className="error" role="alert" aria-label="Saved run problem">
          {offerError ?? saveError}
        </p>
      ) : null}
    </>
  );
}

/** The newest checkpoint of this run in the browser's storage, and a way to forget it. */
export function SavedLine() {
  const saved = useKeeping((s) => s.saved);
  const runId = useLab((s) => s.run?.runId);
  const every = useLab((s) => s.run?.config.checkpointEvery);
  const imported = useRuns((s) => s.runs.find((r) => r.runId === runId)?.imported);
  if (imported) return <p className="hint">Imported ({imported.source}): no checkpoint of it is saved here; it does not train in the page. Its record is in the Runs table.</p>;
  if (!saved) {
    return <p className="hint">{every ? `Saved in this browser every ${every} steps and on Pause.` : 'Saved in this browser on Pause.'}</p>;
  }
  return (
    <p className="hint" aria-label="Last checkpoint" data-step={saved.step}>
      Saved in this browser at step {saved.step} ({new Date(saved.savedAt).toLocaleTimeString()}).{' '}
      <button type="button" onClick={() => void discardSaved(runId)} title="Forget the saved copy; a run in progress saves again at its next checkpoint">
        Discard saved run
      </button>
    </p>
  );
}

/** The storage budget of all checkpoints together (oldest evicted first), and which tab this is. */
export function StorageBudget() {
  const id = useId();
  const budget = useKeeping((s) => s.budgetBytes);
  const used = useKeeping((s) => Object.values(s.savedRuns).reduce((n, r) => n + r.bytes, 0));
  const count = useKeeping((s) => Object.keys(s.savedRuns).length);
  const [text, setText] = useState(String(Math.round(budget / (1024 * 1024))));
  const [error, setError] = useState<string | null>(null);
  // Applied when the value is complete, not per keystroke: typing "300" must not pass through a 3 MB budget.
  const apply = () => {
    const mb = text.trim() === '' ? NaN : Number(text);
    if (Math.round(mb * 1024 * 1024) === budget) return setError(null);
    void setStorageBudget(mb).then(setError);
  };
  return (
    <div className="field storage-budget">
      <label htmlFor={id}>Checkpoint storage (MB)</label>
      <input
        id={id}
        type="number"
        min={1}
        step={1}
        value={text}
        aria-invalid={Boolean(error)}
        title="Applied on Enter or when you leave the field (a lower budget deletes old checkpoints at once)"
        onChange={(e) => setText(e.target.value)}
        onBlur={apply}
        onKeyDown={(e) => {
          if (e.key === 'Enter') apply();
        }}
      />
      <small className="hint" aria-label="Checkpoint storage use">
        {count} checkpoint{count === 1 ? '' : 's'} saved, {megabytes(used)} of {megabytes(budget)}; past the budget the oldest are deleted first (never one open in a tab). This
        is {tabName()}.
      </small>
      {error ? <small className="error">{error}</small> : null}
    </div>
  );
}
