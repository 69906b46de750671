// Dataset: built-in shapes, the counting set, the archive under public/data/ (npm run
// data:cifar100), or a file or folder the user drops or picks (cifar-100-binary.tar.gz, train.bin /
// test.bin, a .zip/.tar(.gz) of image folders, or the folder itself).
import { useId, useState } from 'react';
import { fileDatasetName, isBuiltInDataset, SERVED_ARCHIVE } from '../data/datasetId';
import { folderRefused, loadDatasetFolder } from '../store/dataset/commands';
import { loadDatasetFiles, useBuiltInData, useCountingSet, useServedArchive } from '../store/keeping/commands';
import { useLab } from '../store/run/state';
import { dropOnData } from './data/dropOnData';
import { FolderInput } from './data/FolderInput';
import { SkippedFiles } from './data/SkippedFiles';

/** The built-in datasets the picker lists (others, e.g. synthetic:20 from the address, show as they are). */
const LISTED = ['synthetic', 'counting'];

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
  const fileName = fileDatasetName(id);
  const isFile = fileName !== undefined;
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
        dropOnData(e.dataTransfer);
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
            else if (e.target.value === 'counting') void useCountingSet();
            else if (e.target.value === 'cifar-100') void useServedArchive();
          }}
        >
          <option value="synthetic">Built-in shapes (no download)</option>
          <option value="counting">Counting set: how many objects, 1–8 (built in)</option>
          {isBuiltInDataset(id) && !LISTED.includes(id) ? <option value={id}>Built in: {id}</option> : null}
          <option value="cifar-100" disabled={!served}>
            CIFAR-100 (public/data/{SERVED_ARCHIVE}){served ? '' : ' — not present'}
          </option>
          {isFile ? <option value="file">{fileName}</option> : null}
        </select>
      </div>
      <div className="field">
        <label htmlFor={fileId}>Archive or CIFAR file(s)</label>
        <input
          id={fileId}
          type="file"
          multiple
          accept=".gz,.tgz,.tar,.zip,.bin"
          disabled={Boolean(loading)}
          onChange={(e) => {
            const files = Array.from(e.target.files ?? []);
            e.target.value = '';
            void loadDatasetFiles(files);
          }}
        />
        <small className="hint">a .zip, .tar or .tar.gz of image folders, a CIFAR archive ({SERVED_ARCHIVE}), or train.bin and test.bin; or drop it here</small>
      </div>
      <FolderInput
        label="Pick a folder"
        disabled={Boolean(loading)}
        onFolder={(f) => void loadDatasetFolder(f)}
        onRefused={folderRefused}
        hint="class folders (<class>/*.png|jpg|webp, or train/ and test/ of them); or drop the folder here"
      />
      {loading ? <p className="info">{loading}</p> : null}
      {dataset && !loading ? (
        <p className="info" aria-label="Loaded images">
          {dataset.name}: {dataset.trainSize.toLocaleString()} train / {dataset.testSize.toLocaleString()} test images, {dataset.numClasses} classes
          {dataset.numSuperclasses ? `, ${dataset.numSuperclasses} superclasses` : ''}
        </p>
      ) : null}
      {dataset && !loading ? <SkippedFiles skipped={dataset.skipped} /> : null}
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
