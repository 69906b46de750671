// The latest G×K matrix of column norms ‖W^(g)_{·,k}‖₂ as a heat map, ordered so that groups
// sharing latents sit together (rows: a greedy chain by shared active latents; columns: latents
// by their strongest group in that order). Cells at or above the threshold τ are "active".
import { memo, useEffect, useRef } from 'react';
import { formatNumber } from './format';
import { context2d, normColour, paintCells, whiteImage } from './sharing/draw';
import type { SharingData } from './sharing/useSharingData';
import { ViewFrame } from './sharing/ViewFrame';

const LEFT = 30;
const TOP = 22;

function cellSize(K: number, G: number): number {
  return Math.max(3, Math.min(16, Math.floor(520 / K), Math.floor(420 / G)));
}

function drawHeatmap(canvas: HTMLCanvasElement, d: SharingData, selectedGroup: number | null): void {
  const cell = cellSize(d.K, d.G);
  const ctx = context2d(canvas, LEFT + d.K * cell + 2, TOP + d.G * cell + 2);
  if (!ctx) return;
  const img = whiteImage(canvas.width, canvas.height);
  paintCells(img, LEFT, TOP, d.G, d.K, cell, cell, (i, j) => {
    const [g, k] = [d.rowOrder[i], d.colOrder[j]];
    return normColour(d.rows[g][k], d.max, d.active[g][k]);
  });
  ctx.putImageData(img, 0, 0);
  ctx.strokeStyle = '#ccc';
  ctx.strokeRect(LEFT - 0.5, TOP - 0.5, d.K * cell + 1, d.G * cell + 1);
  // Labels: groups on the left, latents on top (every one when there is room).
  ctx.fillStyle = '#444';
  ctx.font = `${Math.min(10, Math.max(7, cell - 2))}px system-ui, sans-serif`;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  const rowEvery = cell >= 8 ? 1 : Math.ceil(8 / cell);
  d.rowOrder.forEach((g, i) => {
    if (i % rowEvery === 0) ctx.fillText(`g${g}`, LEFT - 3, TOP + (i + 0.5) * cell);
  });
  const colEvery = cell >= 12 ? 1 : Math.ceil(16 / cell);
  ctx.save();
  ctx.textAlign = 'left';
  d.colOrder.forEach((k, j) => {
    if (j % colEvery) return;
    ctx.save();
    ctx.translate(LEFT + (j + 0.5) * cell, TOP - 3);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText(String(k), 0, 0);
    ctx.restore();
  });
  ctx.restore();
  if (selectedGroup !== null) {
    const i = d.rowOrder.indexOf(selectedGroup);
    ctx.strokeStyle = '#ff7800';
    ctx.lineWidth = 2;
    ctx.strokeRect(LEFT - 1, TOP + i * cell - 1, d.K * cell + 2, cell + 2);
  }
}

export const NormsHeatmap = memo(function NormsHeatmap({ data, selectedGroup, onSelectGroup }: { data: SharingData | null; selectedGroup: number | null; onSelectGroup: (g: number) => void }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (canvas.current && data) drawHeatmap(canvas.current, data, selectedGroup);
  }, [data, selectedGroup]);
  const attrs = data ? { step: data.step, threshold: data.threshold, rows: data.rowOrder.join(','), cols: data.colOrder.join(',') } : undefined;
  return (
    <ViewFrame
      title="Latent-to-group heatmap"
      file={`latent-group-heatmap-step${data?.step ?? 0}`}
      canvas={canvas}
      className="heatmap"
      data={attrs}
      description={
        <>
          ‖W⁽ᵍ⁾·ₖ‖₂ at step {data?.step ?? '–'}{data ? ` (max ${formatNumber(data.max, 3)})` : ''}. Blue: active (≥ τ), darker = larger; grey: under τ;
          white: exactly 0. Ordering: rows are groups chained so that each is followed by the group sharing the most active latents with it
          (start: the group with the most; ties by index); columns are latents by their strongest group in that row order, then by norm;
          latents active nowhere come last. Click a row to select its group.
        </>
      }
    >
      {data ? (
        <canvas
          ref={canvas}
          onClick={(e) => {
            const cell = cellSize(data.K, data.G);
            const box = e.currentTarget.getBoundingClientRect();
            const y = ((e.clientY - box.top) * e.currentTarget.height) / box.height;
            const i = Math.floor((y - TOP) / cell);
            if (i >= 0 && i < data.G) onSelectGroup(data.rowOrder[i]);
          }}
        />
      ) : (
        <div className="chart-empty">no norms yet: take a step</div>
      )}
    </ViewFrame>
  );
});
