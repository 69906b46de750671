// One small patch-grid map per latent dimension, in the heatmap's column order: each patch is
// shaded by ‖W^(g)_{·,k}‖₂ of its group, blue where latent k is active for that group. The
// selected patch is marked in every map, and maps of latents its group uses get an orange frame.
import { memo, useEffect, useRef } from 'react';
import { latentAtPatches } from '../../engine/sharing';
import { useSharing } from '../../store/sharing/state';
import { context2d, normColour, paintCells, whiteImage } from './draw';
import type { SharingData } from './useSharingData';
import { ViewFrame } from './ViewFrame';

const PER_ROW = 8;
const LABEL = 13;
const GAP = 6;

function mapCell(grid: number): number {
  return Math.max(2, Math.floor(56 / grid));
}

function drawMultiples(canvas: HTMLCanvasElement, d: SharingData, grid: number, groups: Int32Array, selected: number | null): void {
  const cell = mapCell(grid);
  const side = cell * grid;
  const boxW = side + GAP;
  const boxH = side + LABEL + GAP;
  const cols = Math.min(PER_ROW, d.K);
  const ctx = context2d(canvas, cols * boxW + 2, Math.ceil(d.K / cols) * boxH + 2);
  if (!ctx) return;
  const img = whiteImage(canvas.width, canvas.height);
  d.colOrder.forEach((k, j) => {
    const values = latentAtPatches(d.rows, groups, k);
    const x0 = (j % cols) * boxW + 1;
    const y0 = Math.floor(j / cols) * boxH + 1 + LABEL;
    paintCells(img, x0, y0, grid, grid, cell, cell, (r, c) => normColour(values[r * grid + c], d.max, d.active[groups[r * grid + c]][k]));
  });
  ctx.putImageData(img, 0, 0);
  ctx.font = '10px system-ui, sans-serif';
  ctx.textBaseline = 'top';
  const selGroup = selected !== null ? groups[selected] : null;
  d.colOrder.forEach((k, j) => {
    const x0 = (j % cols) * boxW + 1;
    const y0 = Math.floor(j / cols) * boxH + 1;
    ctx.fillStyle = '#333';
    ctx.fillText(`k${k} · ${d.summary.groupsPerLatent[k]}g`, x0, y0);
    const used = selGroup !== null && d.active[selGroup][k];
    ctx.strokeStyle = used ? '#ff7800' : '#ccc';
    ctx.lineWidth = used ? 2 : 1;
    ctx.strokeRect(x0 - 0.5, y0 + LABEL - 0.5, side + 1, side + 1);
    if (selected !== null) {
      ctx.strokeStyle = '#000';
      ctx.lineWidth = 1;
      ctx.strokeRect(x0 + (selected % grid) * cell + 0.5, y0 + LABEL + Math.floor(selected / grid) * cell + 0.5, cell - 1, cell - 1);
    }
  });
}

export const SmallMultiples = memo(function SmallMultiples({ data, grid, groups }: { data: SharingData | null; grid: number; groups: Int32Array }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const selected = useSharing((s) => s.selectedPatch);
  useEffect(() => {
    if (canvas.current && data && data.G === groups.reduce((m, g) => Math.max(m, g + 1), 0)) drawMultiples(canvas.current, data, grid, groups, selected);
  }, [data, grid, groups, selected]);
  return (
    <ViewFrame
      title="Latents by patch (small multiples)"
      file={`latent-small-multiples-step${data?.step ?? 0}`}
      canvas={canvas}
      className="multiples"
      data={data ? { step: data.step, order: data.colOrder.join(',') } : undefined}
      description={
        <>
          One map of the patch grid per latent k (heatmap column order; “n g” = groups using it): a patch is blue where its group uses k (‖W⁽ᵍ⁾·ₖ‖ ≥ τ),
          grey where it does not. Orange frame: latents the selected patch’s group uses; the selected patch is outlined.
        </>
      }
    >
      {data ? <canvas ref={canvas} /> : <div className="chart-empty">no norms yet</div>}
    </ViewFrame>
  );
});
