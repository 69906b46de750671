// The latest G×K matrix of column norms ‖W^(g)_{·,k}‖₂ as a heat map (rows: groups, columns:
// latent dims). A dark column used by few groups is a latent dimension those patches share.
import { useEffect, useRef } from 'react';
import { useLab } from '../store/runStore';
import { useSeriesVersion } from './useSeries';

const CELL = 8;

export function NormsHeatmap() {
  const { version, ref } = useSeriesVersion();
  const canvas = useRef<HTMLCanvasElement>(null);
  const latest = useLab.getState().norms.at(-1);
  useEffect(() => {
    const c = canvas.current;
    if (!c || !latest) return;
    const { G, K, data } = latest;
    c.width = K * CELL;
    c.height = G * CELL;
    const ctx = c.getContext('2d', { willReadFrequently: true }); // a CPU canvas: no round trip to a busy GPU process
    if (!ctx) return;
    let max = 0;
    for (const v of data) max = Math.max(max, v);
    const img = ctx.createImageData(K * CELL, G * CELL);
    for (let g = 0; g < G; g++) {
      for (let k = 0; k < K; k++) {
        const t = max > 0 ? data[g * K + k] / max : 0;
        const shade = Math.round(255 * (1 - t));
        for (let y = 0; y < CELL; y++) {
          for (let x = 0; x < CELL; x++) {
            const o = ((g * CELL + y) * K * CELL + k * CELL + x) * 4;
            img.data[o] = shade;
            img.data[o + 1] = shade;
            img.data[o + 2] = 255;
            img.data[o + 3] = 255;
          }
        }
      }
    }
    ctx.putImageData(img, 0, 0);
  }, [version, latest]);
  return (
    <figure className="chart heatmap" role="figure" ref={ref}>
      <figcaption>
        ‖W⁽ᵍ⁾·ₖ‖ at step {latest?.step ?? '–'}: rows are the {latest?.G ?? 'G'} patch groups, columns the {latest?.K ?? 'K'} latent dims (darker = larger)
      </figcaption>
      {latest ? <canvas ref={canvas} /> : <div className="chart-empty">no data yet</div>}
    </figure>
  );
}
