// Bring a run trained outside the page (interop/pytorch/train.py, `npm run train`) into the Runs
// table: pick or drop its metrics.jsonl with its weights.safetensors (and config.json,
// probes.jsonl when there are some); then open its weights for Evaluate and the sharing views.
import { useId } from 'react';
import { importRunFiles, openImportedRun, openImportedRunWith } from '../../store/import/commands';
import { sourceLabel } from '../../store/import/rules';
import { useLab } from '../../store/run/state';
import { useDropZone } from '../dropZone';
import { FilesInput } from '../FilesInput';
import { BACKEND_LABELS } from '../format';
import { QueuedNote } from '../Queued';
import { useImport } from '../../store/import/state';
import { ErrorAlert } from '../ErrorAlert';
import type { RunRecord } from '../../worker/protocol';

/** The picked data an imported run trained on, asked for when the page cannot load it by itself. */
function PickRunData() {
  const id = useId();
  const needs = useImport((s) => s.needsData);
  if (!needs) return null;
  return (
    <div className="field">
      <label htmlFor={id}>Pick {needs.name} (the data it trained on)</label>
      <FilesInput id={id} multiple accept=".gz,.tgz,.tar,.bin,.zip" onFiles={(files) => void openImportedRunWith(needs.recordId, files)} />
    </div>
  );
}

export function ImportRun() {
  const id = useId();
  const { over, zone } = useDropZone((data) => void importRunFiles(Array.from(data.files)));
  const message = useImport((s) => s.message);
  const error = useImport((s) => s.error);
  const shownId = useLab((s) => s.run?.runId);
  return (
    <section
      className={`import-run${over ? ' drop-over' : ''}`}
      aria-label="Import a run"
      {...zone}
    >
      <div className="field">
        <label htmlFor={id}>Import a run (PyTorch, command line)</label>
        <FilesInput id={id} multiple accept=".jsonl,.safetensors,.json" onFiles={(files) => void importRunFiles(files)} />
        <small className="hint">its metrics.jsonl with its weights.safetensors (config.json and probes.jsonl too, if there are some), picked together or dropped here</small>
        <QueuedNote label="Import run" />
      </div>
      {message ? (
        <p className="info" aria-label="Import result" data-run-id={message.recordId}>
          {message.text}{' '}
          {message.recordId !== shownId ? (
            <button type="button" onClick={() => void openImportedRun(message.recordId)}>
              Open its weights
            </button>
          ) : null}
        </p>
      ) : null}
      <ErrorAlert error={error} label="Import error" />
      <PickRunData />
    </section>
  );
}

/** The Runs table's Source cell: where the run trained. */
export function RunSource({ r }: { r: RunRecord }) {
  const f = r.imported;
  if (!f) return <>browser{r.backend ? ` · ${BACKEND_LABELS[r.backend] ?? r.backend}` : ''}</>;
  const title = [f.torch ? `torch ${f.torch}` : '', `trained on ${f.dataset}`, `imported from ${f.files.join(', ')}`].filter(Boolean).join('; ');
  return <span title={title}>{sourceLabel(f)}</span>;
}

/** An imported row's action: open its weights (Evaluate, the sharing views). */
export function OpenImported({ r, current, busy }: { r: RunRecord; current: boolean; busy: boolean }) {
  if (!r.imported || current) return null;
  return (
    <button type="button" onClick={() => void openImportedRun(r.runId)} disabled={busy} aria-label={`Open ${r.name}`} title="Open its weights for Evaluate and the latent-sharing views (it does not train here)">
      Open
    </button>
  );
}
