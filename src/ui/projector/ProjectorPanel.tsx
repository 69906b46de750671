// The embedding projector (issue 23), after TensorBoard's: a run's test split through its probed
// encoder (mean-pooled), laid out by PCA or by UMAP (the worker's, in slices between steps) and
// coloured by class. Hover a point to see its image; click it for its nearest neighbours by cosine
// similarity. Two projections side by side: compute one, switch run (or train on), compute another.
import { useEffect, useMemo, useRef, useState } from 'react';
import { computeProjection, dropProjection, pickPoint, setLayoutMethod } from '../../store/projector/commands';
import { classColour, fitCoords, neighbourStrip, pointAt, sameClassShare } from '../../store/projector/rules';
import { PROJECTOR_IMAGES, PROJECTOR_NEIGHBOURS, useProjector, type LayoutMethod, type Projection } from '../../store/projector/state';
import { runColour } from '../../store/runs/rules';
import { useLab } from '../../store/run/state';
import { classNameOf, IMAGE_BYTES, IMAGE_SIZE } from '../../data/types';
import type { EmbeddingSample } from '../../worker/protocol';
import { LegendItem } from '../ChartFrame';
import { drawImage } from '../sharing/draw';

const PLOT_PX = 340;
const DOT_RADIUS = 2.5;
/** Beyond this many classes the colours are too close to name each in a legend. */
const MAX_LEGEND_CLASSES = 20;

/** One test image, drawn at `scale`. */
function Thumb({ sample, point, scale, title }: { sample: EmbeddingSample; point: number; scale: number; title: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (ctx) drawImage(ctx, sample.rgb.subarray(point * IMAGE_BYTES, (point + 1) * IMAGE_BYTES), IMAGE_SIZE, scale);
  }, [sample, point, scale]);
  const side = IMAGE_SIZE * scale;
  return <canvas ref={ref} className="projector-thumb" width={side} height={side} title={title} role="img" aria-label={title} />;
}

function Scatter({ p, coords, onHover }: { p: Projection; coords: Float32Array; onHover: (i: number | null) => void }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const s = p.sample;
  const fit = useMemo(() => fitCoords(coords, PLOT_PX, PLOT_PX), [coords]);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    ctx.clearRect(0, 0, PLOT_PX, PLOT_PX);
    const classes = s.classNames.length;
    for (let i = 0; i < s.n; i++) {
      ctx.fillStyle = classColour(s.labels[i], classes);
      ctx.beginPath();
      ctx.arc(fit.x(i), fit.y(i), DOT_RADIUS, 0, 2 * Math.PI);
      ctx.fill();
    }
    if (p.picked !== null) {
      const around = [p.picked, ...neighbourStrip(s, p.picked, PROJECTOR_NEIGHBOURS).map((nb) => nb.point)];
      ctx.lineWidth = 1.5;
      const ink = getComputedStyle(ctx.canvas).color; // the theme's text colour, light or dark
      around.forEach((i, r) => {
        ctx.strokeStyle = ink;
        ctx.globalAlpha = r === 0 ? 1 : 0.6;
        ctx.beginPath();
        ctx.arc(fit.x(i), fit.y(i), r === 0 ? 6 : 4, 0, 2 * Math.PI);
        ctx.stroke();
      });
      ctx.globalAlpha = 1;
    }
  }, [s, fit, p.picked]);
  const at = (e: React.MouseEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    return pointAt(fit, s.n, ((e.clientX - r.left) * PLOT_PX) / r.width, ((e.clientY - r.top) * PLOT_PX) / r.height);
  };
  return (
    <canvas
      ref={ref}
      className="projector-scatter"
      width={PLOT_PX}
      height={PLOT_PX}
      role="img"
      aria-label={`${s.n} test images, coloured by class`}
      onMouseMove={(e) => onHover(at(e))}
      onMouseLeave={() => onHover(null)}
      onClick={(e) => pickPoint(p.id, at(e))}
    />
  );
}

function ProjectionView({ p, method }: { p: Projection; method: LayoutMethod }) {
  const [hover, setHover] = useState<number | null>(null);
  const s = p.sample;
  const coords = method === 'umap' ? p.umap : s.pca;
  const neighbours = p.picked === null ? [] : neighbourStrip(s, p.picked, PROJECTOR_NEIGHBOURS);
  return (
    <figure className="projection" data-projection={p.id} data-mode={s.mode}>
      <figcaption>
        <LegendItem color={runColour(s.runId)} name={p.name} /> · step {s.step} · {s.n} images of {s.dataset}, D = {s.dim} ·{' '}
        {Math.round(100 * sameClassShare(s, PROJECTOR_NEIGHBOURS))} % of {PROJECTOR_NEIGHBOURS} nearest neighbours share the class
        {method === 'pca' && <> · PC1 + PC2 explain {Math.round(100 * (s.explained[0] + (s.explained[1] ?? 0)))} % of the variance</>}
        <button type="button" className="projection-drop" onClick={() => dropProjection(p.id)} aria-label={`Remove the projection of ${p.name}`}>
          ×
        </button>
      </figcaption>
      {method === 'umap' && !p.umapDone && (
        <p className="info">
          {p.umapError ? (
            <span role="alert">UMAP failed: {p.umapError}</span>
          ) : (
            <>
              UMAP, between training steps: epoch {p.umapEpoch} of {p.umapEpochs || '…'}{' '}
              <progress aria-label="UMAP layout" max={p.umapEpochs || 1} value={p.umapEpoch} />
            </>
          )}
        </p>
      )}
      <div className="projection-plot">
        {coords ? <Scatter p={p} coords={coords} onHover={setHover} /> : <div className="projector-scatter placeholder" style={{ width: PLOT_PX, height: PLOT_PX }} />}
        {hover !== null && (
          <div className="projector-hover" data-point={hover}>
            <Thumb sample={s} point={hover} scale={3} title={`test image ${s.testIndices[hover]}: ${classNameOf(s, hover)}`} />
            <span>
              {classNameOf(s, hover)} (test image {s.testIndices[hover]})
            </span>
          </div>
        )}
      </div>
      {s.classNames.length <= MAX_LEGEND_CLASSES && (
        <p className="projector-legend">
          {s.classNames.map((c, k) => (
            <LegendItem key={k} color={classColour(k, s.classNames.length)} name={c} />
          ))}
        </p>
      )}
      <label className="projection-pick">
        Point{' '}
        <input
          type="number"
          min={0}
          max={s.n - 1}
          value={p.picked ?? ''}
          aria-label={`Point of ${p.name} to list the neighbours of`}
          onChange={(e) => {
            const v = e.target.valueAsNumber;
            pickPoint(p.id, Number.isInteger(v) && v >= 0 && v < s.n ? v : null);
          }}
        />
      </label>
      {p.picked !== null && (
        <div className="projector-neighbours" aria-label="Nearest neighbours">
          <div className="neighbour picked">
            <Thumb sample={s} point={p.picked} scale={2} title={`picked: ${classNameOf(s, p.picked)}`} />
            <span>{classNameOf(s, p.picked)}</span>
          </div>
          {neighbours.map((nb) => (
            <div key={nb.point} className={`neighbour${nb.sameClass ? ' same' : ''}`} data-point={nb.point}>
              <Thumb sample={s} point={nb.point} scale={2} title={`${nb.className}, cosine ${nb.similarity.toFixed(3)}`} />
              <span>
                {nb.className} {nb.similarity.toFixed(3)}
              </span>
            </div>
          ))}
        </div>
      )}
    </figure>
  );
}

export function ProjectorPanel() {
  const run = useLab((s) => s.run);
  const { projections, method, loading, error } = useProjector();
  return (
    <section className="panel projector-panel" aria-label="Embedding projector">
      <h2>Embedding projector</h2>
      <p className="info">
        {PROJECTOR_IMAGES} test images (spread over the split) through the probed encoder, mean-pooled — the linear probe&apos;s features — laid out by PCA or UMAP and coloured by class. Hover a point for its image; click
        it for its {PROJECTOR_NEIGHBOURS} nearest neighbours by cosine similarity. A second Compute (another run, or this one later) goes beside the first.
      </p>
      <div className="projector-controls">
        <button type="button" onClick={() => void computeProjection()} disabled={!run || loading}>
          {loading ? 'Embedding…' : 'Compute'}
        </button>
        <label>
          Layout{' '}
          <select aria-label="Layout" value={method} onChange={(e) => setLayoutMethod(e.target.value as LayoutMethod)}>
            <option value="pca">PCA</option>
            <option value="umap">UMAP</option>
          </select>
        </label>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="projections">
        {projections.map((p) => (
          <ProjectionView key={p.id} p={p} method={method} />
        ))}
      </div>
    </section>
  );
}
