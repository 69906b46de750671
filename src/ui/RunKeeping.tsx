// What happened to the run (resumed, rolled back, recovered from a lost GPU) and the run saved
// in this browser: the notices at the top of the page, and the "saved at step S" line.
import { discardSaved, dismissNotice, resumeOffered, useKeeping } from '../store/keeping';
import { useLab } from '../store/runStore';

function describe(c: { mode: string; preset: string; steps: number }): string {
  return `${c.mode === 'sparse' ? 'SparseJEPA' : 'JEPA'}, ${c.preset}, ${c.steps} steps`;
}

/** Notices: resumed / rolled back / device lost, and a saved run the page did not continue. */
export function RunNotices() {
  const notice = useKeeping((s) => s.notice);
  const offer = useKeeping((s) => s.offer);
  const offerError = useKeeping((s) => s.offerError);
  const saveError = useKeeping((s) => s.saveError);
  const datasetId = useLab((s) => s.dataset?.id);
  const running = useLab((s) => s.runState === 'running');
  const pickAgain = offer && offer.dataset.id.startsWith('file:') && datasetId !== offer.dataset.id;
  return (
    <>
      {notice ? (
        <div className={notice.kind === 'resumed' ? 'note' : 'notices'} role={notice.kind === 'resumed' ? 'note' : 'alert'} aria-label="Run notice" data-kind={notice.kind}>
          <p>{notice.text}</p>
          <button type="button" onClick={dismissNotice}>
            Dismiss
          </button>
        </div>
      ) : null}
      {offer ? (
        <div className="note" role="note" aria-label="Saved run">
          <p>
            A run saved in this browser was not resumed: step {offer.step} of {describe(offer.config)} on {offer.dataset.name}, saved at{' '}
            {new Date(offer.savedAt).toLocaleTimeString()}.{' '}
            {pickAgain ? `Pick ${offer.dataset.name} again (Data, CIFAR file(s)) to resume it.` : 'Its settings differ from these.'} Training another
            run replaces it.
          </p>
          <div className="button-row">
            {pickAgain ? null : (
              <button type="button" onClick={() => void resumeOffered()} disabled={running}>
                Resume saved run
              </button>
            )}
            <button type="button" onClick={() => void discardSaved()}>
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
  const every = useLab((s) => s.run?.config.checkpointEvery);
  if (!saved) {
    return <p className="hint">{every ? `Saved in this browser every ${every} steps and on Pause.` : 'Saved in this browser on Pause.'}</p>;
  }
  return (
    <p className="hint" aria-label="Last checkpoint" data-step={saved.step}>
      Saved in this browser at step {saved.step} ({new Date(saved.savedAt).toLocaleTimeString()}).{' '}
      <button type="button" onClick={() => void discardSaved()} title="Forget the saved copy; a run in progress saves again at its next checkpoint">
        Discard saved run
      </button>
    </p>
  );
}
