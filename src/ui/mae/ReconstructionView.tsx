// MAE's reconstruction next to its input: the train image, the context the encoder saw (the
// rest grey), and the decoder's pixels for the target blocks pasted into the context, target
// blocks framed (MAE's random mask: one block, every masked patch). Made by the worker between steps (Trainer.reconstruct), refreshed while the run
// trains. Only MAE runs decode pixels; the view is not shown for the others.
import { useCallback, useEffect, useRef } from 'react';
import {  useReconstruction } from '../../store/reconstruction/state';
import { useLab } from '../../store/run/state';
import type { ReconstructionSample } from '../../worker/protocol';
import { context2d, drawImage, TARGET_COLOURS } from '../sharing/draw';
import { ViewFrame } from '../sharing/ViewFrame';
import { IndexField } from '../IndexField';
import { followReconstruction, setReconstructionImage, setReconstructionVisible } from '../../store/reconstruction/commands';

const SCALE = 5;
const GAP = 12;
const LABEL_H = 16;
const PANELS = ['input', 'context (what the encoder saw)', 'decoded targets pasted in'] as const;

function drawReconstruction(canvas: HTMLCanvasElement, s: ReconstructionSample): void {
  const size = 32 * SCALE;
  const ctx = context2d(canvas, 3 * size + 2 * GAP, size + LABEL_H);
  if (!ctx) return;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'top';
  [s.input, s.context, s.reconstruction].forEach((rgb, k) => {
    const x = k * (size + GAP);
    drawImage(ctx, rgb, 32, SCALE, x, LABEL_H);
    ctx.fillStyle = '#222';
    ctx.fillText(PANELS[k], x, 2);
  });
  // Frame the target blocks on the reconstruction.
  const cell = size / s.grid;
  const x0 = 2 * (size + GAP);
  s.targets.forEach((block, i) => {
    ctx.strokeStyle = TARGET_COLOURS[i % TARGET_COLOURS.length];
    ctx.lineWidth = 1.5;
    for (const q of block) ctx.strokeRect(x0 + (q % s.grid) * cell + 1 + i, LABEL_H + Math.floor(q / s.grid) * cell + 1 + i, cell - 2 - 2 * i, cell - 2 - 2 * i);
  });
}

function ImageField() {
  const index = useReconstruction((s) => s.imageIndex);
  return <IndexField label="Train image" value={index} choose={setReconstructionImage} />;
}

function Reconstruction() {
  const canvas = useRef<HTMLCanvasElement>(null);
  const sample = useReconstruction((s) => s.sample);
  const error = useReconstruction((s) => s.error);
  useEffect(() => followReconstruction(), []);
  useEffect(() => {
    if (canvas.current && sample) drawReconstruction(canvas.current, sample);
  }, [sample]);
  const observer = useRef<IntersectionObserver | null>(null);
  const sectionRef = useCallback((el: HTMLElement | null) => {
    observer.current?.disconnect();
    observer.current = null;
    if (!el || typeof IntersectionObserver === 'undefined') return;
    observer.current = new IntersectionObserver((entries) => setReconstructionVisible(entries[entries.length - 1].isIntersecting));
    observer.current.observe(el);
  }, []);
  const targets = sample ? new Set(sample.targets.flat()).size : 0;
  return (
    <section className="reconstruction" ref={sectionRef}>
      <ViewFrame
        title="MAE reconstruction"
        file={`mae-reconstruction-step${sample?.step ?? 0}-image${sample?.imageIndex ?? 0}`}
        canvas={canvas}
        data={sample ? { step: sample.step, image: sample.imageIndex, targets, 'target-mse': sample.targetMse } : undefined}
        description={
          sample ? (
            <>
              Step {sample.step}, train image #{sample.imageIndex} ({sample.label}).{' '}
              {sample.targets.length === 1 && targets + sample.contextPatches.length === sample.grid * sample.grid
                ? `MAE's random mask: the decoder's pixels for the ${targets} masked patches (framed) from the ${sample.contextPatches.length} visible ones.`
                : `The decoder's pixels for the ${sample.targets.length} target blocks (${targets} patches, framed) from the ${sample.contextPatches.length} context patches; grey: neither.`}{' '}
              Mean squared error of the decoded
              pixels {sample.targetMse.toPrecision(3)} (per-channel normalised).{' '}
              {sample.normPix ? "The targets were per-patch normalised pixels: the decoded patches are shown with each true patch's mean and variance." : ''}
            </>
          ) : (
            'Reconstructing…'
          )
        }
        tools={<ImageField />}
      >
        {sample ? <canvas ref={canvas} /> : <div className="chart-empty">no reconstruction yet</div>}
      </ViewFrame>
      {error ? <p className="error">{error}</p> : null}
    </section>
  );
}

export function ReconstructionView() {
  const mae = useLab((s) => s.run?.config.mode === 'mae');
  return mae ? <Reconstruction /> : null;
}
