// Sparsity at a glance: active latents per group (rows in the heatmap's order), groups per
// latent (columns in its order), and how many columns are exactly zero (the proximal option).
import { memo, useEffect, useRef } from 'react';
import { useLab } from '../../store/run/state';
import { formatNumber } from '../format';
import { context2d } from './draw';
import type { SharingData } from './useSharingData';
import { ViewFrame } from './ViewFrame';

const W = 440;
const BAR_H = 70;

function stats(xs: number[]): { mean: number; min: number; max: number } {
  if (!xs.length) return { mean: 0, min: 0, max: 0 };
  return { mean: xs.reduce((a, b) => a + b, 0) / xs.length, min: Math.min(...xs), max: Math.max(...xs) };
}

function bars(ctx: CanvasRenderingContext2D, y0: number, title: string, values: number[], top: number, colour: string): void {
  ctx.fillStyle = '#222';
  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'top';
  ctx.fillText(title, 2, y0);
  const y = y0 + 16;
  const w = (W - 30) / Math.max(values.length, 1);
  ctx.strokeStyle = '#ccc';
  ctx.strokeRect(28.5, y - 0.5, W - 29, BAR_H + 1);
  ctx.fillStyle = '#666';
  ctx.font = '9px system-ui, sans-serif';
  ctx.textAlign = 'right';
  ctx.fillText(String(top), 25, y);
  ctx.fillText('0', 25, y + BAR_H - 9);
  values.forEach((v, i) => {
    const h = top > 0 ? (BAR_H * v) / top : 0;
    ctx.fillStyle = colour;
    ctx.fillRect(29 + i * w + 0.5, y + BAR_H - h, Math.max(1, w - 1), h);
  });
  ctx.textAlign = 'left';
}

export const SparsityView = memo(function SparsityView({ data }: { data: SharingData | null }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const proximal = useLab((s) => s.run?.config.proximal ?? false);
  useEffect(() => {
    const c = canvas.current;
    if (!c || !data) return;
    const ctx = context2d(c, W, 2 * (BAR_H + 32) + 4);
    if (!ctx) return;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, c.width, c.height);
    const { latentsPerGroup, groupsPerLatent } = data.summary;
    bars(ctx, 2, `Active latents per group (of ${data.K}), heatmap row order`, data.rowOrder.map((g) => latentsPerGroup[g]), data.K, '#1f77b4');
    bars(ctx, BAR_H + 36, `Groups using each latent (of ${data.G}), heatmap column order`, data.colOrder.map((k) => groupsPerLatent[k]), data.G, '#2ca02c');
  }, [data]);
  const perGroup = stats(data?.summary.latentsPerGroup ?? []);
  const perLatent = stats(data?.summary.groupsPerLatent ?? []);
  const cells = data ? data.G * data.K : 0;
  return (
    <ViewFrame
      title="Sparsity at a glance"
      file={`sparsity-step${data?.step ?? 0}`}
      canvas={canvas}
      className="sparsity"
      data={data ? { step: data.step, 'latents-per-group': data.summary.latentsPerGroup.join(','), 'exact-zeros': data.summary.exactZeros } : undefined}
      description={data ? `At step ${data.step}, τ = ${data.threshold}.` : undefined}
    >
      {data ? (
        <>
          <dl className="sparsity-numbers">
            <div>
              <dt>Active latents per group</dt>
              <dd>
                mean {formatNumber(perGroup.mean, 3)} of {data.K} (min {perGroup.min}, max {perGroup.max})
              </dd>
            </div>
            <div>
              <dt>Groups per latent</dt>
              <dd>
                mean {formatNumber(perLatent.mean, 3)} of {data.G} (min {perLatent.min}, max {perLatent.max})
              </dd>
            </div>
            <div>
              <dt>Exact zeros</dt>
              <dd>
                {data.summary.exactZeros} of {cells} columns
                {proximal ? ' (proximal on)' : ' (proximal off: the group lasso alone shrinks columns but leaves them non-zero)'}
              </dd>
            </div>
          </dl>
          <canvas ref={canvas} />
        </>
      ) : (
        <div className="chart-empty">no norms yet</div>
      )}
    </ViewFrame>
  );
});
