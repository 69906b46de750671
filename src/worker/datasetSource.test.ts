import { describe, expect, it } from 'vitest';
import { datasetSummary, loadSource } from './datasetSource';

const none = () => {};

describe('loadSource', () => {
  it('makes the built-in datasets from their id, with the id config.dataset takes and the name the page shows', async () => {
    const shapes = await loadSource({ kind: 'synthetic' }, none);
    expect(datasetSummary(shapes)).toMatchObject({ id: 'synthetic', name: 'built-in shapes', numClasses: 10 });
    const counting = await loadSource({ kind: 'synthetic', id: ' counting:3 ' }, none);
    expect(datasetSummary(counting)).toMatchObject({ id: 'counting:3', name: 'counting set', numClasses: 3 });
    const four = await loadSource({ kind: 'synthetic', id: 'synthetic:4' }, none);
    expect(datasetSummary(four)).toMatchObject({ id: 'synthetic:4', name: 'built-in shapes', numClasses: 4 });
  });

  it('names an id that is no built-in dataset, and a number out of range', async () => {
    await expect(loadSource({ kind: 'synthetic', id: 'file:x' }, none)).rejects.toThrow('no built-in dataset "file:x" (synthetic[:classes], counting[:objects])');
    await expect(loadSource({ kind: 'synthetic', id: 'countingx' }, none)).rejects.toThrow('no built-in dataset "countingx"');
    await expect(loadSource({ kind: 'synthetic', id: 'counting:11' }, none)).rejects.toThrow(/must be a whole number in 1\.\.10/);
  });
});
