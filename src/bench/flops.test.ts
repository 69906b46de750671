import { describe, expect, it } from 'vitest';
import { modelDims, parseConfig } from '../engine/config';
import { blocksFlops, largestProduct, stepFlops } from './flops';

describe('step FLOPs from the architecture', () => {
  it('counts one block by hand', () => {
    // 2 sequences of 3 tokens at width 4, MLP ratio 4: linear 2·6·4·(3·4+4+16+16), attention 2·2·2·9·4.
    expect(blocksFlops(2, 3, 4, 1, 4)).toBe(2 * 6 * 4 * (12 + 4 + 16 + 16) + 2 * 2 * 2 * 9 * 4);
  });

  it('charges the target encoder once and the trained parts three times', () => {
    const dims = modelDims(parseConfig({ preset: 'small' }));
    const f = stepFlops(dims, 'sparse', { B: 32, numContext: 15, numTarget: 10, numTargets: 4 });
    const { target, context, predictor, head } = f.forward;
    expect(f.total).toBe(target + 3 * (context + predictor + head));
    // The small preset's target encoder over 32 full images: ≈ 11.5 GFLOP, most of a step.
    expect(target / 1e9).toBeCloseTo(11.5, 0);
    expect(f.total / 1e9).toBeGreaterThan(20);
    expect(f.total / 1e9).toBeLessThan(30);
    // JEPA's linear head differs only in the head term.
    const j = stepFlops(dims, 'jepa', { B: 32, numContext: 15, numTarget: 10, numTargets: 4 });
    expect(j.forward.head).toBe(2 * 4 * 32 * 10 * dims.predictorDim * dims.embedDim);
    expect(largestProduct(dims, 32)).toEqual([2048, 192, 768]);
  });
});
