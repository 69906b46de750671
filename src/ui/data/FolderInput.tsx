// "Pick a folder": an <input type="file" webkitdirectory> (Chrome, Edge, Firefox, Safari). The
// attribute is set on the element itself: React's typings do not know it.
import { useId } from 'react';
import { folderOfInput, type PickedFolder } from '../../store/dataset/folderSource';

export function FolderInput({ label, disabled, onFolder, onRefused, hint }: { label: string; disabled?: boolean; onFolder: (f: PickedFolder) => void; onRefused: (message: string) => void; hint?: string }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="file"
        ref={(el) => el?.setAttribute('webkitdirectory', '')}
        disabled={disabled}
        onChange={(e) => {
          const files = Array.from(e.target.files ?? []);
          e.target.value = '';
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
