// A file input that hands over what was picked and empties itself at once, so picking the same
// files again is a change again. `folder`: a whole folder (webkitdirectory, set on the element
// itself: React's typings do not know it).
export function FilesInput({ id, accept, multiple, folder, disabled, onFiles }: { id: string; accept?: string; multiple?: boolean; folder?: boolean; disabled?: boolean; onFiles: (files: File[]) => void }) {
  return (
    <input
      id={id}
      type="file"
      multiple={multiple}
      accept={accept}
      ref={folder ? (el) => el?.setAttribute('webkitdirectory', '') : undefined}
      disabled={disabled}
      onChange={(e) => {
        const files = Array.from(e.target.files ?? []);
        e.target.value = '';
        onFiles(files);
      }}
    />
  );
}
