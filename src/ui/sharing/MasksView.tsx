// The current batch's masks over one of its images: the context block (targets cut out) and
// the target blocks, as the model saw them at the last step (truncated to the batch minimum).
import { useEffect, useRef } from 'react';
import { setBatchItem } from '../../store/sharing/commands';
import { useSharing } from '../../store/sharing/state';
import type { BatchMaskSample } from '../../worker/protocol';
import { CONTEXT_COLOUR, context2d, drawImage, TARGET_COLOURS } from './draw';
import { IndexField } from '../IndexField';
import { ViewFrame } from './ViewFrame';

const SCALE = 7;
const LEGEND_W = 130;

function drawMasks(canvas: HTMLCanvasElement, m: BatchMaskSample, grid: number): void {
  const size = 32 * SCALE;
  const cell = size / grid;
  const ctx = context2d(canvas, size + LEGEND_W, Math.max(size, 24 + 16 * (m.targets.length + 2)));
  if (!ctx) return;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  drawImage(ctx, m.rgb, 32, SCALE);
  const inContext = new Set(m.context);
  const inTarget = new Set(m.targets.flat());
  for (let q = 0; q < grid * grid; q++) {
    if (inContext.has(q) || inTarget.has(q)) continue;
    ctx.fillStyle = 'rgba(0,0,0,0.65)'; // dropped: neither context nor target
    ctx.fillRect((q % grid) * cell, Math.floor(q / grid) * cell, cell, cell);
  }
  ctx.fillStyle = 'rgba(31,119,180,0.3)';
  for (const q of m.context) ctx.fillRect((q % grid) * cell, Math.floor(q / grid) * cell, cell, cell);
  m.targets.forEach((block, i) => {
    ctx.strokeStyle = TARGET_COLOURS[i % TARGET_COLOURS.length];
    ctx.lineWidth = 2.5;
    for (const q of block) ctx.strokeRect((q % grid) * cell + 2 + i, Math.floor(q / grid) * cell + 2 + i, cell - 4 - 2 * i, cell - 4 - 2 * i);
  });
  // Legend, drawn in so a saved PNG carries it.
  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  const x = size + 10;
  const item = (y: number, draw: () => void, text: string) => {
    draw();
    ctx.fillStyle = '#222';
    ctx.fillText(text, x + 18, y + 6);
  };
  item(8, () => {
    ctx.fillStyle = CONTEXT_COLOUR;
    ctx.fillRect(x, 8, 12, 12);
  }, `context (${m.context.length})`);
  m.targets.forEach((block, i) => {
    const y = 28 + 16 * i;
    item(y, () => {
      ctx.strokeStyle = TARGET_COLOURS[i % TARGET_COLOURS.length];
      ctx.lineWidth = 2.5;
      ctx.strokeRect(x + 1, y + 1, 10, 10);
    }, `target ${i + 1} (${block.length})`);
  });
  const y = 28 + 16 * m.targets.length;
  item(y, () => {
    ctx.fillStyle = '#333';
    ctx.fillRect(x, y, 12, 12);
  }, 'dropped');
}

export function MasksView({ masks, grid }: { masks: BatchMaskSample | null; grid: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const batchItem = useSharing((s) => s.batchItem);
  useEffect(() => {
    if (canvas.current && masks) drawMasks(canvas.current, masks, grid);
  }, [masks, grid]);
  return (
    <ViewFrame
      title="Masks of the current batch"
      file={`masks-step${masks?.step ?? 0}-image${masks?.batchItem ?? 0}`}
      canvas={canvas}
      className="masks"
      data={masks ? { step: masks.step, context: masks.context.join(','), targets: masks.targets.map((t) => t.join(' ')).join(',') } : undefined}
      description={
        masks ? (
          <>
            Step {masks.step}, image {masks.batchItem + 1} of {masks.batchSize} in the batch (train image #{masks.imageIndex}, {masks.label}), shown
            without the batch’s flip and crop. Blue tint: the context the encoder saw ({masks.context.length} patches);{' '}
            {masks.targets.length === 1 && masks.context.length + masks.targets[0].length === grid * grid
              ? `framed: the ${masks.targets[0].length} masked patches, all predicted in one pass (MAE's random mask)`
              : `framed: the ${masks.targets.length} target blocks it predicted (${masks.targets[0]?.length ?? 0} patches each)`}
            ; dark: neither.
          </>
        ) : (
          'No step taken yet: the masks appear after the first step.'
        )
      }
      tools={
        <IndexField label="Batch image" value={batchItem} choose={setBatchItem} />
      }
    >
      {masks ? <canvas ref={canvas} /> : <div className="chart-empty">no batch yet</div>}
    </ViewFrame>
  );
}
