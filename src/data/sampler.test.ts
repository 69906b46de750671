import { describe, expect, it } from 'vitest';
import { BatchSampler } from './sampler';
import { DatasetError } from './types';

/** The index stream of `batches` batches of size `b`, with each batch's reported epoch. */
function draw(s: BatchSampler, batches: number, b: number) {
  const stream: number[] = [];
  const epochs: number[] = [];
  for (let k = 0; k < batches; k++) {
    const { indices, epoch } = s.next(b);
    expect(indices.length).toBe(b);
    stream.push(...indices);
    epochs.push(epoch);
  }
  return { stream, epochs };
}

describe('BatchSampler', () => {
  it('covers every index exactly once per epoch, batches crossing epoch ends included', () => {
    const { stream, epochs } = draw(new BatchSampler(10, 1), 20, 3); // 60 indices = 6 epochs
    for (let e = 0; e < 6; e++) expect([...stream.slice(e * 10, e * 10 + 10)].sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
    expect(epochs.slice(0, 5)).toEqual([0, 0, 0, 0, 1]); // batch 3 holds indices 9..11: starts in epoch 0
    expect(epochs[19]).toBe(5);
  });

  it('shuffles each epoch differently, deterministically by seed', () => {
    const a = draw(new BatchSampler(50, 7), 4, 25).stream;
    expect(draw(new BatchSampler(50, 7), 4, 25).stream).toEqual(a);
    expect(draw(new BatchSampler(50, 8), 4, 25).stream).not.toEqual(a);
    expect(a.slice(0, 50)).not.toEqual(a.slice(50, 100));
    expect(a.slice(0, 50)).not.toEqual([...Array(50).keys()]);
  });

  it('handles batches larger than the dataset', () => {
    const { stream, epochs } = draw(new BatchSampler(3, 0), 2, 7);
    for (let e = 0; e < 4; e++) expect([...stream.slice(e * 3, e * 3 + 3)].sort()).toEqual([0, 1, 2]);
    expect(epochs).toEqual([0, 2]);
  });

  it('resumes exactly from a JSON-serialised state', () => {
    const s = new BatchSampler(37, 3);
    draw(s, 5, 8);
    const saved = JSON.parse(JSON.stringify(s.state));
    expect(saved).toEqual({ size: 37, seed: 3, epoch: 1, position: 3 });
    const resumed = BatchSampler.fromState(saved);
    expect(draw(resumed, 10, 8)).toEqual(draw(s, 10, 8));
  });

  it('rejects impossible sizes and states', () => {
    expect(() => new BatchSampler(0, 1)).toThrow(new DatasetError('cannot sample batches from a dataset of 0 images'));
    expect(() => new BatchSampler(5, 1).next(0)).toThrow('batch size 0 must be a positive whole number');
    expect(() => BatchSampler.fromState({ size: 5, seed: 1, epoch: 0, position: 5 })).toThrow(/invalid sampler state/);
  });
});
