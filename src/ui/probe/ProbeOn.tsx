// "Probe on": which dataset Evaluate fits and scores the probe on — the run's training data, the
// counting set, or an archive or folder picked for probing only (loaded beside the training data,
// which stays as it is) — and the newest transfer probe, beside its floor on that dataset.
import { useEffect, useId, useState } from 'react';
import { percent } from '../../store/probe/state';
import { useLab } from '../../store/run/state';
import {  probeChoices, useTransfer } from '../../store/transfer/state';
import { FolderInput } from '../data/FolderInput';
import { SkippedFiles } from '../data/SkippedFiles';
import { loadProbeFiles, loadProbeFolder, refuseProbeFolder, setProbeOn } from '../../store/transfer/commands';

const PICK = '\u0000pick';

function TransferResult() {
  const latest = useTransfer((s) => s.latest);
  if (!latest) return null;
  return (
    <p
      className="probe-result"
      aria-label="Transfer result"
      data-step={latest.step}
      data-probe-dataset={latest.probeDataset.id}
      data-pretrain-dataset={latest.pretrainDataset.id}
      data-top1={latest.top1}
      data-random-init-top1={latest.randomInitTop1}
      data-num-classes={latest.numClasses}
    >
      Step {latest.step}, pretrained on {latest.pretrainDataset.name}, probed on {latest.probeDataset.name}: <strong>top-1 {percent(latest.top1)}</strong> (random init{' '}
      {percent(latest.randomInitTop1)}) · top-5 {percent(latest.top5)} (random init {percent(latest.randomInitTop5)}) · chance {percent(1 / latest.numClasses)} ·{' '}
      {latest.testCount} test images, probe fitted on {latest.trainCount} · {(latest.ms / 1000).toFixed(1)} s{latest.floorCached ? ' (floor cached)' : ''}
    </p>
  );
}

export function ProbeOn() {
  const selectId = useId();
  const fileId = useId();
  const on = useTransfer((s) => s.on);
  const sets = useTransfer((s) => s.sets);
  const loading = useTransfer((s) => s.loading);
  const loadError = useTransfer((s) => s.loadError);
  const progress = useTransfer((s) => s.progress);
  const error = useTransfer((s) => s.error);
  const runDataset = useLab((s) => s.run?.config.dataset);
  const trainingName = useLab((s) => (s.dataset && s.dataset.id === s.run?.config.dataset ? s.dataset.name : (s.run?.config.dataset ?? 'none yet')));
  const [picking, setPicking] = useState(false);
  const choices = probeChoices(runDataset, sets);
  // A choice the run shown cannot take (it trained on that dataset, or the worker lost it) falls back to the training data.
  const ids = choices.map((c) => c.id).join('\n');
  useEffect(() => {
    if (on && !ids.split('\n').includes(on)) setProbeOn('');
  }, [on, ids]);
  const chosen = sets.find((d) => d.id === on);
  return (
    <div className="probe-on">
      <div className="field">
        <label htmlFor={selectId}>Probe on</label>
        <select
          id={selectId}
          value={picking ? PICK : on}
          disabled={Boolean(loading)}
          onChange={(e) => {
            if (e.target.value === PICK) return setPicking(true);
            setPicking(false);
            setProbeOn(e.target.value);
          }}
        >
          <option value="">The training data ({trainingName})</option>
          {choices.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
          <option value={PICK}>Another archive or folder…</option>
        </select>
        <small className="hint">Evaluate fits and scores the probe there; the run and its training data stay as they are. Probe every N steps uses the training data.</small>
      </div>
      {picking ? (
        <>
          <div className="field">
            <label htmlFor={fileId}>Probe dataset file</label>
            <input
              id={fileId}
              type="file"
              multiple
              accept=".gz,.tgz,.tar,.zip,.bin"
              disabled={Boolean(loading)}
              onChange={(e) => {
                const files = Array.from(e.target.files ?? []);
                e.target.value = '';
                setPicking(false);
                void loadProbeFiles(files);
              }}
            />
          </div>
          <FolderInput
            label="Probe dataset folder"
            disabled={Boolean(loading)}
            onFolder={(f) => {
              setPicking(false);
              void loadProbeFolder(f);
            }}
            onRefused={refuseProbeFolder}
          />
        </>
      ) : null}
      {loading ? <p className="info">{loading}</p> : null}
      {chosen && !loading ? (
        <>
          <p className="info" aria-label="Loaded for probing">
            {chosen.name}: {chosen.trainSize.toLocaleString()} train / {chosen.testSize.toLocaleString()} test images, {chosen.numClasses} classes (for probing only)
          </p>
          <SkippedFiles skipped={chosen.skipped} label="Files left out of the probe dataset" />
        </>
      ) : null}
      {loadError ? (
        <p className="error" role="alert">
          {loadError}
        </p>
      ) : null}
      {progress ? (
        <div className="button-row">
          <progress aria-label="Transfer progress" max={1} value={progress.done} />
          <span className="hint">
            on {progress.probeDataset}: {progress.phase === 'trained' ? 'trained encoder' : 'random-init encoder'} {Math.round(100 * progress.done)} %
          </span>
        </div>
      ) : null}
      <TransferResult />
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
