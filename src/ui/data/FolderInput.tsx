// "Pick a folder": an <input type="file" webkitdirectory> (Chrome, Edge, Firefox, Safari).
import { useId } from 'react';
import { folderOfInput, type PickedFolder } from '../../store/dataset/folderSource';
import { FilesInput } from '../FilesInput';

export function FolderInput({ label, disabled, onFolder, onRefused, hint }: { label: string; disabled?: boolean; onFolder: (f: PickedFolder) => void; onRefused: (message: string) => void; hint?: string }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <FilesInput
        id={id}
        folder
        disabled={disabled}
        onFiles={(files) => {
          if (!files.length) return onRefused('the folder is empty (a browser lists no empty folders, and none of its files)');
          const folder = folderOfInput(files);
          if (folder) onFolder(folder);
          else onRefused('this browser gave files without their folder paths; drop the folder instead');
        }}
      />
      {hint ? <small className="hint">{hint}</small> : null}
    </div>
  );
}
