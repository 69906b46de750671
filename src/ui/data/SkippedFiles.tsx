// The files of an image folder that were left out, each with why (not an image, corrupt, …).
import type { SkippedFile } from '../../data/imageFolder';

/** Shown in full up to this many; a folder of thousands of bad files lists the first ones and says how many more. */
const SHOWN = 200;

export function SkippedFiles({ skipped, label = 'Skipped files' }: { skipped: readonly SkippedFile[]; label?: string }) {
  if (!skipped.length) return null;
  return (
    <details className="skipped" aria-label={label} data-count={skipped.length}>
      <summary>
        {skipped.length.toLocaleString()} file{skipped.length === 1 ? '' : 's'} skipped
      </summary>
      <ul>
        {skipped.slice(0, SHOWN).map((s, i) => (
          <li key={i}>
            <code>{s.path}</code>: {s.reason}
          </li>
        ))}
        {skipped.length > SHOWN ? <li>… and {(skipped.length - SHOWN).toLocaleString()} more</li> : null}
      </ul>
    </details>
  );
}
