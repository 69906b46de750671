// Opening --dataset for a command: any dataset openDataset takes (a built-in id, CIFAR binaries,
// an image folder / .zip / .tar(.gz)), with decoding progress and the files skipped on stderr.
import { openDataset, type LoadedDataset } from '../data/node';
import { showName } from '../data/types';

/** How many skipped files are listed by name before "… and N more". */
const LISTED_SKIPS = 10;

/** The dataset `spec` names; `note` gets the human-readable lines (progress, skipped files). */
export async function openForCommand(spec: string, seed: number, note: (line: string) => void = (l) => console.error(l)): Promise<LoadedDataset> {
  const start = performance.now();
  let shown = false;
  const d = await openDataset(spec, seed, {
    progressEveryMs: 2000,
    onProgress: ({ done, total, skipped }) => {
      // Only for folders that take a while; then to the end.
      if (!shown && performance.now() - start < 2000) return;
      shown = true;
      note(`decoding images: ${done}/${total}${skipped ? ` (${skipped} skipped)` : ''}`);
    },
  });
  if (d.skipped.length > 0) {
    note(`${showName(spec)}: skipped ${d.skipped.length} file${d.skipped.length === 1 ? '' : 's'}:`);
    for (const s of d.skipped.slice(0, LISTED_SKIPS)) note(`  ${showName(s.path)}: ${s.reason}`);
    if (d.skipped.length > LISTED_SKIPS) note(`  … and ${d.skipped.length - LISTED_SKIPS} more`);
  }
  return d;
}
