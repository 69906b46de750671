// One view of the latent-sharing region: a titled figure (its accessible name) with a line
// saying what it shows and a "Save PNG" button for its canvas.
import { useState, type ReactNode, type RefObject } from 'react';
import { savePng } from './draw';

export function ViewFrame({
  title,
  description,
  file,
  canvas,
  className,
  data,
  tools,
  children,
}: {
  title: string;
  description?: ReactNode;
  /** File name without ".png". */
  file: string;
  canvas: RefObject<HTMLCanvasElement | null>;
  className?: string;
  /** data-* attributes for tests and tools (keys without the "data-" prefix). */
  data?: Record<string, string | number>;
  tools?: ReactNode;
  children: ReactNode;
}) {
  const [error, setError] = useState<string | null>(null);
  const attrs = Object.fromEntries(Object.entries(data ?? {}).map(([k, v]) => [`data-${k}`, String(v)]));
  return (
    <figure className={`chart sharing-view ${className ?? ''}`} role="figure" aria-label={title} {...attrs}>
      <figcaption>
        <span>{title}</span>
        <button
          type="button"
          className="save-png"
          aria-label={`Save ${title} as PNG`}
          onClick={() => {
            setError(null);
            savePng(canvas.current, file).catch((e: unknown) => setError(`Could not save: ${e instanceof Error ? e.message : String(e)}`));
          }}
        >
          Save PNG
        </button>
      </figcaption>
      {description ? <p className="hint">{description}</p> : null}
      {tools ? <div className="sharing-tools">{tools}</div> : null}
      {children}
      {error ? <p className="error">{error}</p> : null}
    </figure>
  );
}
