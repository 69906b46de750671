// The patch view: the example image with its p×p patch grid (thick lines between groups).
// Pointing at or clicking a patch highlights every patch whose group shares active latents with
// that patch's group, shaded by how many (|A_g ∩ A_h|). Each patch is a button carrying
// data-shared (that count), so assistive tools and tests read what is drawn.
import { useEffect, useMemo, useRef, type KeyboardEvent } from 'react';
import { patchSharedCounts } from '../../engine/sharing';
import { hoverPatch, selectPatch, useSharing } from '../../store/sharing/state';
import type { SharingSample } from '../../worker/protocol';
import { context2d, drawImage, drawPatchGrid, SHARE_COLOUR } from './draw';
import type { SharingData } from './useSharingData';
import { ViewFrame } from './ViewFrame';

const SCALE = 9; // screen pixels per image pixel

function drawPatchView(canvas: HTMLCanvasElement, grid: number, groups: Int32Array, rgb: Uint8Array | null, counts: number[] | null, shown: number | null): void {
  const size = 32 * SCALE;
  const cell = size / grid;
  const ctx = context2d(canvas, size, size);
  if (!ctx) return;
  if (rgb) drawImage(ctx, rgb, 32, SCALE);
  else {
    ctx.fillStyle = '#ddd';
    ctx.fillRect(0, 0, size, size);
  }
  if (counts && shown !== null) {
    const own = counts[shown];
    ctx.font = `${Math.max(8, Math.min(14, cell / 3))}px system-ui, sans-serif`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    counts.forEach((n, q) => {
      const x = (q % grid) * cell;
      const y = Math.floor(q / grid) * cell;
      ctx.fillStyle = n === 0 ? 'rgba(0,0,0,0.6)' : `rgba(${SHARE_COLOUR},${(0.15 + (0.55 * n) / Math.max(own, 1)).toFixed(3)})`;
      ctx.fillRect(x, y, cell, cell);
      if (n > 0 && cell >= 20) {
        ctx.fillStyle = '#000';
        ctx.fillText(String(n), x + cell / 2, y + cell / 2);
      }
    });
  }
  drawPatchGrid(ctx, grid, cell, groups);
  if (shown !== null) {
    const x = (shown % grid) * cell;
    const y = Math.floor(shown / grid) * cell;
    ctx.lineWidth = 3;
    ctx.strokeStyle = '#000';
    ctx.strokeRect(x + 1.5, y + 1.5, cell - 3, cell - 3);
    ctx.lineWidth = 1.5;
    ctx.strokeStyle = '#fff';
    ctx.strokeRect(x + 1.5, y + 1.5, cell - 3, cell - 3);
  }
}

/** Groups sharing with `g`, most shared first: the sentence under the image. */
function shareSentence(data: SharingData, groups: Int32Array, grid: number, shown: number): string {
  const g = groups[shown];
  const own = data.active[g].filter(Boolean).length;
  const where = `Patch (row ${Math.floor(shown / grid) + 1}, column ${(shown % grid) + 1}) is in group ${g}, which has ${own} active latent${own === 1 ? '' : 's'} at τ = ${data.threshold}`;
  if (own === 0) return `${where}: it shares nothing.`;
  const counts = data.active.map((row, h) => ({ h, n: row.reduce((s, on, k) => s + (on && data.active[g][k] ? 1 : 0), 0) }));
  const others = counts.filter((c) => c.h !== g && c.n > 0).sort((a, b) => b.n - a.n || a.h - b.h);
  const patches = Array.from(groups).filter((h) => h !== g && others.some((o) => o.h === h)).length;
  if (!others.length) return `${where}; no other group uses any of them.`;
  return `${where}; ${others.length} other group${others.length === 1 ? '' : 's'} (${patches} patches) share some: ${others.map((o) => `group ${o.h} (${o.n})`).join(', ')}.`;
}

export function PatchView({ data, grid, groups, sample }: { data: SharingData | null; grid: number; groups: Int32Array; sample: SharingSample | null }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const buttons = useRef<HTMLDivElement>(null);
  const selected = useSharing((s) => s.selectedPatch);
  const hover = useSharing((s) => s.hoverPatch);
  const shown = hover ?? selected;
  const N = grid * grid;
  const counts = useMemo(() => (data && shown !== null && shown < N && data.active.length === Math.max(...groups) + 1 ? patchSharedCounts(data.active, groups, shown) : null), [data, groups, shown, N]);
  const rgb = sample && sample.grid === grid ? sample.rgb : null;
  useEffect(() => {
    if (canvas.current) drawPatchView(canvas.current, grid, groups, rgb, counts, shown);
  }, [grid, groups, rgb, counts, shown]);

  const focusPatch = (q: number) => {
    selectPatch(q);
    (buttons.current?.children[q] as HTMLElement | undefined)?.focus();
  };
  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const at = selected ?? 0;
    const move: Record<string, number> = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -grid, ArrowDown: grid };
    if (!(e.key in move)) return;
    e.preventDefault();
    const q = at + move[e.key];
    if (q >= 0 && q < N && (Math.abs(move[e.key]) === grid || Math.floor(q / grid) === Math.floor(at / grid))) focusPatch(q);
  };
  const cellButtons = useMemo(
    () =>
      Array.from({ length: N }, (_, q) => ({ q, label: `Patch row ${Math.floor(q / grid) + 1}, column ${(q % grid) + 1}, group ${groups[q]}` })),
    [N, grid, groups],
  );

  return (
    <ViewFrame
      title="Patch sharing"
      file={`patch-sharing-image${sample?.imageIndex ?? 0}-step${data?.step ?? 0}`}
      canvas={canvas}
      className="patch-view"
      data={{ selected: selected ?? '', shown: shown ?? '', step: data?.step ?? '', threshold: data?.threshold ?? '' }}
      description={
        <>
          {sample ? `Train image #${sample.imageIndex} (${sample.label}), ` : ''}
          {grid}×{grid} patches, thick lines between groups. Point at or click a patch: orange patches are in groups sharing active latents
          with its group (number and depth of colour = how many), dark ones share none. Arrow keys move the selection.
        </>
      }
      tools={
        <button type="button" onClick={() => selectPatch(null)} disabled={selected === null}>
          Clear selection
        </button>
      }
    >
      <div className="patch-stage" style={{ width: 32 * SCALE, height: 32 * SCALE }}>
        <canvas ref={canvas} />
        <div
          ref={buttons}
          className="patch-buttons"
          role="group"
          aria-label="Patches"
          style={{ gridTemplateColumns: `repeat(${grid}, 1fr)` }}
          onMouseLeave={() => hoverPatch(null)}
          onKeyDown={onKey}
        >
          {cellButtons.map(({ q, label }) => (
            <button
              key={q}
              type="button"
              aria-label={label}
              aria-pressed={selected === q}
              tabIndex={q === (selected ?? 0) ? 0 : -1}
              data-patch={q}
              data-group={groups[q]}
              data-shared={counts ? counts[q] : undefined}
              onMouseEnter={() => hoverPatch(q)}
              onClick={() => selectPatch(q)}
            />
          ))}
        </div>
      </div>
      <p className="share-summary" aria-live="polite">
        {data && shown !== null ? shareSentence(data, groups, grid, shown) : data ? 'Point at or click a patch.' : 'No norms yet: take a step.'}
      </p>
    </ViewFrame>
  );
}
