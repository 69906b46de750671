import { beforeAll, describe, expect, it } from 'vitest';
import { syntheticDataset } from '../../data/synthetic';
import { modelDims, parseConfig, type LabConfig } from '../../engine/config';
import { Trainer } from '../../engine/trainer';
import type { StepMetrics } from '../../engine/types';
import { parseMetricsJsonl, parseProbesJsonl, parseRunConfig, parseRunMetadata, RunFileError } from '../../io/runFiles';
import type { RunWeightsInfo } from '../../worker/protocol';
import { checkOneRun, dataForRun, importedRecord, importedRunId, impliedTrainSize, sortRunFiles, sourceLabel, type RunFilesRead } from './rules';

const config = parseConfig({ preset: 'micro', mode: 'sparse', batchSize: 4, steps: 3, seed: 2, normsEvery: 2, dataset: '/runs/data/synthetic.tar.gz' });
const data = syntheticDataset({ seed: 2, trainPerClass: 5, testPerClass: 1, numClasses: 2 });
const run = { id: 'c44474f6366a4907ba8c8e1a652da958', name: 'x-gpu', source: 'pytorch', torch: '1.13.0', device: 'cuda', processes: 2, dataset: '/runs/data/synthetic.tar.gz' };
const weightsOf = (c: LabConfig, step = 3, meta: object | null = run): RunWeightsInfo => ({ config: c, dims: modelDims(c), step, tensorCount: 106, ...(meta ? { run: JSON.stringify(meta) } : {}) });
const jsonl = (xs: object[]) => xs.map((x) => JSON.stringify(x)).join('\n') + '\n';

let lines: StepMetrics[];
beforeAll(async () => {
  // Real metrics: three steps of the engine (the schema train.py writes too).
  const t = Trainer.create({ ...config, dataset: 'synthetic' }, data);
  lines = [];
  for (let i = 0; i < 3; i++) lines.push(await t.step());
  t.dispose();
});

const read = (over: Partial<RunFilesRead> = {}): RunFilesRead => ({
  metrics: { name: 'metrics.jsonl', lines: parseMetricsJsonl(jsonl(lines)) },
  weights: { name: 'weights.safetensors', info: weightsOf(config) },
  ...over,
});

describe('the files of a run', () => {
  it('reads metrics.jsonl in the lab’s schema (a NaN ema, written as null, comes back as NaN)', () => {
    const back = parseMetricsJsonl(jsonl(lines));
    expect(back).toEqual(lines);
    expect(back[1].groupNorms).toHaveLength(16);
    expect(parseMetricsJsonl(jsonl([{ ...lines[0], ema: NaN }]))[0].ema).toBeNaN();
  });

  it('refuses a metrics file that is not the lab’s, naming the file and the line', () => {
    expect(() => parseMetricsJsonl(`${JSON.stringify(lines[0])}\nstep 2 loss 3\n`, 'm.jsonl')).toThrow(/^m\.jsonl line 2 is not JSON/);
    expect(() => parseMetricsJsonl('{"step": 1, "loss": 0.5, "acc": 0.9}\n')).toThrow(/^metrics\.jsonl line 1 is not the lab's metrics schema \(one StepMetrics per line\): epoch: /);
    expect(() => parseMetricsJsonl(jsonl([lines[1], lines[0]]))).toThrow(/line 2: step 1 after step 2/);
    expect(() => parseMetricsJsonl('\n\n')).toThrow(/holds no metrics/);
    expect(() => parseMetricsJsonl(jsonl([{ ...lines[0], groupNorms: [[1, 2], [3]] }]))).toThrow(/groupNorms rows differ/);
  });

  it('reads probes.jsonl, config.json and train.py’s run metadata, and refuses what they are not', () => {
    const p = { step: 0, top1: 0.3, top5: 0.8, randomInitTop1: 0.3, randomInitTop5: 0.8, trainCount: 10, testCount: 2, mode: 'sparse' };
    expect(parseProbesJsonl(jsonl([{ ...p, step: 3 }, p]))).toMatchObject([{ step: 0 }, { step: 3 }]);
    expect(() => parseProbesJsonl(jsonl([{ ...p, top1: 30 }]))).toThrow(/^probes\.jsonl line 1 is not a probe line of the lab .*top1/);
    expect(parseRunConfig(JSON.stringify({ preset: 'micro' })).preset).toBe('micro');
    expect(() => parseRunConfig('{"preset": "huge"}')).toThrow(/^config\.json is not a config of the lab: invalid config: preset/);
    expect(() => parseRunConfig('preset: micro')).toThrow(/^config\.json is not JSON/);
    expect(parseRunMetadata(JSON.stringify(run))).toEqual(run);
    expect(parseRunMetadata(undefined)).toBeNull();
    expect(() => parseRunMetadata('{"id": 3}')).toThrow(/^weights\.safetensors: its "run" metadata is not train\.py's/);
  });

  it('sorts picked files by what they are, and refuses wrong ones with their names', () => {
    const f = (name: string) => ({ name });
    expect(sortRunFiles([f('weights.safetensors'), f('metrics.jsonl'), f('config.json'), f('probes.jsonl'), f('checkpoint.safetensors'), f('health.jsonl')])).toEqual({
      metrics: f('metrics.jsonl'),
      weights: f('weights.safetensors'),
      config: f('config.json'),
      probes: f('probes.jsonl'),
      ignored: [f('checkpoint.safetensors'), f('health.jsonl')],
    });
    expect(() => sortRunFiles([f('metrics.jsonl'), f('photo.png')])).toThrow(/^photo\.png is not a file of a run/);
    expect(() => sortRunFiles([f('metrics.jsonl'), f('checkpoint.safetensors')])).toThrow(/^no weights \.safetensors among the files \(metrics\.jsonl, checkpoint\.safetensors\) \(a checkpoint is not the weights\)/);
    expect(() => sortRunFiles([f('weights.safetensors')])).toThrow(/^no metrics\.jsonl among the files \(weights\.safetensors\)/);
    expect(() => sortRunFiles([f('a.safetensors'), f('b.safetensors'), f('metrics.jsonl')])).toThrow(/two weights files \(a\.safetensors, b\.safetensors\)/);
  });
});

describe('one run, or a refusal naming the file', () => {
  it('takes metrics, weights, config and probes of one run', () => {
    const probes = { name: 'probes.jsonl', lines: parseProbesJsonl(jsonl([{ step: 3, top1: 0.5, top5: 1, randomInitTop1: 0.4, randomInitTop5: 1, trainCount: 10, testCount: 2 }])) };
    const r = checkOneRun(read({ config: { name: 'config.json', config }, probes }));
    expect(r).toMatchObject({ step: 3, run, files: ['metrics.jsonl', 'weights.safetensors', 'config.json', 'probes.jsonl'], trainSize: data.train.size });
  });

  it('refuses metrics of another run or architecture, a config of another run, probes after the end', () => {
    expect(() => checkOneRun(read({ weights: { name: 'weights.safetensors', info: weightsOf(config, 4) } }))).toThrow(/^metrics\.jsonl ends at step 3, weights\.safetensors holds the weights of step 4/);
    const jepa = parseConfig({ ...config, mode: 'jepa' });
    expect(() => checkOneRun(read({ weights: { name: 'w.safetensors', info: weightsOf(jepa) } }))).toThrow(/^metrics\.jsonl has the sparse head's fields .* but w\.safetensors holds a JEPA model/);
    const noHead = lines.map(({ groupLr: _, groupNorms: __, zeroShare: ___, ...m }) => m);
    expect(() => checkOneRun(read({ metrics: { name: 'metrics.jsonl', lines: noHead } }))).toThrow(/^metrics\.jsonl lacks the sparse head's groupLr at step 1, but weights\.safetensors holds a SparseJEPA model/);
    const k16 = parseConfig({ ...config, latentDim: 16 });
    expect(() => checkOneRun(read({ weights: { name: 'weights.safetensors', info: weightsOf(k16) } }))).toThrow(/^metrics\.jsonl has 16×32 group norms \(G×K\) at step 1, weights\.safetensors's model has 16×16: another architecture/);
    expect(() => checkOneRun(read({ config: { name: 'config.json', config: parseConfig({ ...config, seed: 5, lambda: 3 }) } }))).toThrow(/^config\.json is not the config of weights\.safetensors: they differ in seed, lambda/);
    const late = { name: 'probes.jsonl', lines: parseProbesJsonl(jsonl([{ step: 9, top1: 0.5, top5: 1, randomInitTop1: 0.4, randomInitTop5: 1, trainCount: 10, testCount: 2 }])) };
    expect(() => checkOneRun(read({ probes: late }))).toThrow(/^probes\.jsonl has a probe at step 9, after the run's last step 3/);
  });
});

describe('the record and the data of an imported run', () => {
  it('is a Runs-table record with the series, the probes, the source and the dataset it trained on', () => {
    const r = checkOneRun(read());
    const id = importedRunId(r, 'ab'.repeat(32));
    expect(id).toBe(`imported-${run.id}`);
    const rec = importedRecord(id, r, 1000);
    expect(rec).toMatchObject({ runId: id, name: 'x-gpu', step: 3, state: 'done', dataset: { id: r.config.dataset, name: 'synthetic.tar.gz' }, backend: null, createdAt: 1000 });
    expect(rec.series.map((p) => p.loss)).toEqual(lines.map((m) => m.loss));
    expect(rec.lastLoss).toBe(lines[2].loss);
    expect(rec.imported).toEqual({ source: 'pytorch', runId: run.id, torch: '1.13.0', device: 'cuda', processes: 2, dataset: run.dataset, files: ['metrics.jsonl', 'weights.safetensors'], importedAt: 1000 });
    expect(sourceLabel(rec.imported!)).toBe('PyTorch · cuda · 2 processes');
    // Imported again with a probes file: the probe the page made at step 3 gives way to the file's, others stay.
    const pageProbe = { runId: id, step: 2, top1: 0.6, top5: 1, randomInitTop1: 0.4, randomInitTop5: 1, trainCount: 10, testCount: 2, ms: 40, floorCached: false };
    const withProbes = checkOneRun(read({ probes: { name: 'probes.jsonl', lines: parseProbesJsonl(jsonl([{ step: 3, top1: 0.5, top5: 1, randomInitTop1: 0.4, randomInitTop5: 1, trainCount: 10, testCount: 2 }])) } }));
    const again = importedRecord(id, withProbes, 2000, { ...rec, probes: [pageProbe, { ...pageProbe, step: 3 }] });
    expect(again.createdAt).toBe(1000);
    expect(again.probes.map((p) => [p.step, p.ms])).toEqual([
      [2, 40],
      [3, NaN],
    ]);
  });

  it('names the lab’s own files by a digest of the weights, their source "command line"', () => {
    const r = checkOneRun(read({ weights: { name: 'weights.safetensors', info: weightsOf(config, 3, null) } }));
    expect(importedRunId(r, '0123456789abcdef'.repeat(4))).toBe(`imported-${'0123456789abcdef'.repeat(2)}`);
    const rec = importedRecord('x', r, 5);
    expect(rec.imported).toMatchObject({ source: 'command line', dataset: config.dataset });
    expect(rec.name).toBe('SparseJEPA micro seed 2 (command line)');
  });

  it('needs the data the run trained on: built in or served (loaded by the page), else the picked file of that name', () => {
    expect(dataForRun('synthetic', '/', false)).toEqual({ id: 'synthetic', name: 'built-in shapes', source: { kind: 'synthetic' } });
    expect(dataForRun('counting:5', '/', false)).toEqual({ id: 'counting:5', name: 'counting set', source: { kind: 'synthetic', id: 'counting:5' } });
    expect(dataForRun('cifar-100', '/', false).source).toBeNull();
    expect(dataForRun('/data/cifar-100-binary.tar.gz', '/lab/', true)).toMatchObject({ id: 'cifar-100', source: { kind: 'served', url: '/lab/data/cifar-100-binary.tar.gz' } });
    expect(dataForRun('/tmp/x/synthetic.tar.gz', '/', true)).toEqual({ id: 'file:synthetic.tar.gz', name: 'synthetic.tar.gz', source: null });
    expect(dataForRun('file:digits.zip', '/', true)).toEqual({ id: 'file:digits.zip', name: 'digits.zip', source: null });
    expect(impliedTrainSize(lines, 4)).toBe(data.train.size);
  });
});

it('RunFileError is what every refusal throws', () => {
  expect(() => sortRunFiles([])).toThrow(RunFileError);
});
