// Which latents are active at each patch of the shown image: |μ_{p,k}| · ‖W^(g(p))_{·,k}‖₂, one
// row per patch (row-major over the grid), columns in the heatmap's order. μ and the norms come
// from the same moment (the worker's sample), so the product is consistent.
import { useEffect, useMemo, useRef } from 'react';
import { latentUseMap, normRows } from '../../engine/sharing';
import { useSharing } from '../../store/sharing/state';
import type { SharingSample } from '../../worker/protocol';
import { formatNumber } from '../format';
import { blue, context2d, maxOf, paintCells, WHITE, whiteImage } from './draw';
import { ViewFrame } from './ViewFrame';

const TOP_N = 6;

function cellSizes(N: number, K: number): { cw: number; ch: number } {
  return { cw: Math.max(3, Math.min(14, Math.floor(448 / K))), ch: Math.max(2, Math.min(8, Math.floor(320 / N))) };
}

/** The N×K map once per sample and column order, off screen; pointing at patches only adds a frame. */
function drawUseBase(use: Float32Array, N: number, K: number, order: number[]): HTMLCanvasElement {
  const { cw, ch } = cellSizes(N, K);
  const base = document.createElement('canvas');
  const ctx = context2d(base, K * cw + 2, N * ch + 2);
  if (!ctx) return base;
  const max = maxOf(use);
  const img = whiteImage(base.width, base.height);
  paintCells(img, 1, 1, N, K, cw, ch, (p, j) => {
    const v = use[p * K + order[j]];
    return v === 0 ? WHITE : blue(max > 0 ? v / max : 0);
  });
  ctx.putImageData(img, 0, 0);
  return base;
}

function drawUse(canvas: HTMLCanvasElement, base: HTMLCanvasElement, N: number, K: number, shown: number | null): void {
  const { cw, ch } = cellSizes(N, K);
  const ctx = context2d(canvas, base.width, base.height);
  if (!ctx) return;
  ctx.drawImage(base, 0, 0);
  if (shown !== null) {
    ctx.strokeStyle = '#ff7800';
    ctx.lineWidth = 2;
    ctx.strokeRect(0.5, shown * ch, K * cw + 1, ch + 2);
  }
}

export function LatentUseView({ sample, order }: { sample: SharingSample | null; order: number[] | null }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const selected = useSharing((s) => s.selectedPatch);
  const hover = useSharing((s) => s.hoverPatch);
  const shown = hover ?? selected;
  const use = useMemo(
    () => (sample?.mu && sample.norms ? latentUseMap(sample.mu, normRows(sample.norms, sample.G, sample.K), sample.groupOfPatch) : null),
    [sample],
  );
  const N = sample ? sample.grid * sample.grid : 0;
  const K = sample?.K ?? 0;
  const columns = useMemo(() => (order && order.length === K ? order : Array.from({ length: K }, (_, k) => k)), [order, K]);
  const base = useMemo(() => (use ? drawUseBase(use, N, K, columns) : null), [use, N, K, columns]);
  useEffect(() => {
    if (canvas.current && base) drawUse(canvas.current, base, N, K, shown !== null && shown < N ? shown : null);
  }, [base, N, K, shown]);
  const top = useMemo(() => {
    if (!use || shown === null || shown >= N) return null;
    const row = Array.from(use.subarray(shown * K, (shown + 1) * K), (v, k) => ({ k, v }));
    return row.filter((x) => x.v > 0).sort((a, b) => b.v - a.v).slice(0, TOP_N);
  }, [use, shown, N, K]);
  return (
    <ViewFrame
      title="Active latents at each patch"
      file={`latent-use-image${sample?.imageIndex ?? 0}-step${sample?.step ?? 0}`}
      canvas={canvas}
      className="latent-use"
      data={sample ? { step: sample.step, image: sample.imageIndex } : undefined}
      description={
        sample ? (
          <>
            Train image #{sample.imageIndex} ({sample.label}) at step {sample.step}: one row per patch (row by row over the grid), one column per latent
            (heatmap order); darker = larger |μₚ,ₖ|·‖W⁽ᵍ⁽ᵖ⁾⁾·ₖ‖. The selected patch’s row is framed.
          </>
        ) : (
          'Waiting for the example image…'
        )
      }
    >
      {use ? <canvas ref={canvas} /> : <div className="chart-empty">{sample ? 'no μ for this run' : 'no sample yet'}</div>}
      {top ? (
        <p className="share-summary">
          Strongest at patch (row {Math.floor(shown! / sample!.grid) + 1}, column {(shown! % sample!.grid) + 1}):{' '}
          {top.length ? top.map((x) => `k${x.k} ${formatNumber(x.v, 2)}`).join(', ') : 'none (every weight is 0)'}
        </p>
      ) : null}
    </ViewFrame>
  );
}
