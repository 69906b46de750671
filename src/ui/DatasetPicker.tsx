// Dataset: built-in shapes, the archive under public/data/ (npm run data:cifar100), or a file
// the user drops or picks (cifar-100-binary.tar.gz, or train.bin / test.bin).
import { useId, useState } from 'react';
import { SERVED_ARCHIVE, loadDatasetFiles, useBuiltInData, useServedArchive } from '../store/runActions';
import { useLab } from '../store/runStore';

export function DatasetPicker() {
  const selectId = useId();
  const fileId = useId();
  const dataset = useLab((s) => s.dataset);
  const loading = useLab((s) => s.datasetLoading);
  const error = useLab((s) => s.datasetError);
  const served = useLab((s) => s.servedArchive);
  // Switching data resets the run; a picked or dropped file is only read while training (Reset applies it).
  const running = useLab((s) => s.runState === 'running' || Boolean(s.busy));
  const [over, setOver] = useState(false);
  const id = dataset?.id ?? 'synthetic';
  const isFile = id.startsWith('file:');
  return (
    <fieldset
      className={`dataset${over ? ' drop-over' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        void loadDatasetFiles(Array.from(e.dataTransfer.files));
      }}
    >
      <legend>Data</legend>
      <div className="field">
        <label htmlFor={selectId}>Dataset</label>
        <select
          id={selectId}
          value={isFile ? 'file' : id}
          disabled={Boolean(loading) || running}
          onChange={(e) => {
            if (e.target.value === 'synthetic') void useBuiltInData();
            else if (e.target.value === 'cifar-100') void useServedArchive();
          }}
        >
          <option value="synthetic">Built-in shapes (no download)</option>
          <option value="cifar-100" disabled={!served}>
            CIFAR-100 (public/data/{SERVED_ARCHIVE}){served ? '' : ' — not present'}
          </option>
          {isFile ? <option value="file">{id.slice(5)}</option> : null}
        </select>
      </div>
      <div className="field">
        <label htmlFor={fileId}>CIFAR file(s)</label>
        <input
          id={fileId}
          type="file"
          multiple
          accept=".gz,.tgz,.tar,.bin"
          disabled={Boolean(loading)}
          onChange={(e) => {
            const files = Array.from(e.target.files ?? []);
            e.target.value = '';
            void loadDatasetFiles(files);
          }}
        />
        <small className="hint">or drop {SERVED_ARCHIVE}, or train.bin and test.bin, here</small>
      </div>
      {loading ? <p className="info">{loading}</p> : null}
      {dataset && !loading ? (
        <p className="info" aria-label="Loaded images">
          {dataset.name}: {dataset.trainSize.toLocaleString()} train / {dataset.testSize.toLocaleString()} test images, {dataset.numClasses} classes
          {dataset.numSuperclasses ? `, ${dataset.numSuperclasses} superclasses` : ''}
        </p>
      ) : null}
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
