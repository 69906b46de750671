// A region files can be dropped on: `over` while something is dragged over it (for its
// highlight), and the drop's DataTransfer handed to `onDrop`; the browser's own handling (open
// the file) is prevented.
import { useState, type DragEvent } from 'react';

export function useDropZone(onDrop: (data: DataTransfer) => void) {
  const [over, setOver] = useState(false);
  const zone = {
    onDragOver: (e: DragEvent) => {
      e.preventDefault();
      setOver(true);
    },
    onDragLeave: () => setOver(false),
    onDrop: (e: DragEvent) => {
      e.preventDefault();
      setOver(false);
      onDrop(e.dataTransfer);
    },
  };
  return { over, zone };
}
