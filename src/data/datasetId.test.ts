import { describe, expect, it } from 'vitest';
import {
  DATASET_ID_GRAMMAR,
  SERVED_ARCHIVE,
  datasetName,
  datasetNameInProse,
  fileDatasetName,
  formatDatasetId,
  isBuiltIn,
  isBuiltInDataset,
  isFileDataset,
  parseDatasetId,
  readDatasetId,
  type DatasetId,
} from './datasetId';
import { DatasetError } from './types';

const IDS: [string, DatasetId][] = [
  ['synthetic', { kind: 'synthetic' }],
  ['synthetic:20', { kind: 'synthetic', classes: 20 }],
  ['counting', { kind: 'counting' }],
  ['counting:3', { kind: 'counting', objects: 3 }],
  ['cifar-100', { kind: 'cifar-100' }],
  ['file:photos.zip', { kind: 'file', name: 'photos.zip' }],
  ['file:my photos/2024: trip', { kind: 'file', name: 'my photos/2024: trip' }],
  ['file:', { kind: 'file', name: '' }],
];

describe('dataset ids', () => {
  it('parses every form of the grammar, and formats it back to the same id', () => {
    for (const [id, d] of IDS) {
      expect(parseDatasetId(id), id).toEqual(d);
      expect(formatDatasetId(d), id).toBe(id);
      expect(parseDatasetId(formatDatasetId(d)), id).toEqual(d);
    }
  });

  it('ignores whitespace around an id, but keeps a file name as it is', () => {
    expect(parseDatasetId(' counting:3 ')).toEqual({ kind: 'counting', objects: 3 });
    expect(parseDatasetId('\tcifar-100\n')).toEqual({ kind: 'cifar-100' });
    expect(parseDatasetId('file: a name ')).toEqual({ kind: 'file', name: ' a name ' });
    expect(parseDatasetId(' file:x')).toEqual({ kind: 'file', name: 'x' });
  });

  it('reads a number without checking its range (the generators do, naming it)', () => {
    expect(parseDatasetId('counting:11')).toEqual({ kind: 'counting', objects: 11 });
    expect(parseDatasetId('synthetic:0')).toEqual({ kind: 'synthetic', classes: 0 });
    expect(formatDatasetId(parseDatasetId('synthetic:007'))).toBe('synthetic:7');
  });

  it('refuses a string outside the grammar, naming it and the grammar', () => {
    for (const bad of ['', 'shapes', 'synthetic:', 'synthetic:x', 'counting:-1', 'counting:2.5', 'countingx', 'counting.zip', './counting', 'cifar-10', 'CIFAR-100', 'File:x', '/data/cifar-100-binary.tar.gz']) {
      expect(readDatasetId(bad), bad).toBeUndefined();
      expect(() => parseDatasetId(bad), bad).toThrow(DatasetError);
      expect(() => parseDatasetId(bad), bad).toThrow(`unknown dataset id "${bad}": expected ${DATASET_ID_GRAMMAR}`);
    }
    expect(DATASET_ID_GRAMMAR).toBe('synthetic[:classes], counting[:objects], cifar-100 or file:<name>');
  });

  it('names each dataset as the page shows it', () => {
    expect(datasetName('synthetic')).toBe('built-in shapes');
    expect(datasetName('synthetic:4')).toBe('built-in shapes');
    expect(datasetName('counting')).toBe('counting set');
    expect(datasetName({ kind: 'counting', objects: 5 })).toBe('counting set');
    expect(datasetName('cifar-100')).toBe(SERVED_ARCHIVE);
    expect(SERVED_ARCHIVE).toBe('cifar-100-binary.tar.gz');
    expect(datasetName('file:digits.zip')).toBe('digits.zip');
    expect(datasetNameInProse('counting:3')).toBe('the counting set');
    expect(datasetNameInProse('synthetic')).toBe('built-in shapes');
    expect(datasetNameInProse('file:digits.zip')).toBe('digits.zip');
    expect(() => datasetName('/tmp/x.zip')).toThrow(/unknown dataset id "\/tmp\/x\.zip"/);
  });

  it('tells built-in and picked-file ids apart', () => {
    for (const id of ['synthetic', 'synthetic:12', 'counting', ' counting:4 ']) expect(isBuiltInDataset(id), id).toBe(true);
    for (const id of ['cifar-100', 'file:counting', 'countingx', './counting', '']) expect(isBuiltInDataset(id), id).toBe(false);
    expect(isBuiltIn(readDatasetId('counting:2'))).toBe(true);
    expect(isBuiltIn(undefined)).toBe(false);
    expect(isFileDataset('file:photos')).toBe(true);
    expect(isFileDataset('synthetic')).toBe(false);
    expect(isFileDataset('photos.zip')).toBe(false);
    expect(fileDatasetName('file:photos')).toBe('photos');
    expect(fileDatasetName('file:')).toBe('');
    expect(fileDatasetName('cifar-100')).toBeUndefined();
    expect(fileDatasetName('/data/photos.zip')).toBeUndefined();
  });
});
