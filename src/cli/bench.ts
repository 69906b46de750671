// npm run bench [-- --json] [--quick] [--full] [--only node,pytorch,archive,browser] [--out FILE]
//
// One run measures, on every backend it can reach (Node: WASM, CPU, and WebGPU through Dawn when
// the `webgpu` package finds an adapter; the browser through Playwright: WebGPU and WASM):
// training images/s of the micro and small presets (median over steps after warm-up), FLOPs per
// step (src/bench/flops.ts), achieved GFLOP/s, the same backend's plain matMul GFLOP/s at the
// model's largest product, and their ratio; PyTorch's images/s for the same step on the same
// thread count (when /usr/bin/python3 has torch); tf.memory() after 20 and 200 steps; the time to
// read a full-size CIFAR-100 archive; the lab page's longest main-thread task while training.
// Progress goes to stderr; --json prints one JSON object on stdout.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { syntheticDataset } from '../data/synthetic';
import { modelDims, type LabConfig, type PresetName } from '../engine/config';
import { maskSettingsOf, sampleBatchMasks } from '../engine/masks';
import { Rng } from '../shared/rng';
import * as tf from '../engine/tf';
import { benchArchive, timeArchiveRead, type ArchiveFile, type ArchiveRead } from '../bench/archive';
import { benchConfig, benchKernels, benchMemory, benchPreset, round, type MemoryBench, type PresetResult, type TrainOptions } from '../bench/measure';
import type { KernelCount } from '../bench/stepCost';
import type { BenchResult } from '../bench/protocol';
import { UsageError } from './args';
import { isSoftwareAdapter, describeAdapterText } from '../worker/adapter';
import { useBackend } from './backend';
import { registerNodeWebGpu, type NodeAdapter } from './nodeWebgpu';
import { runMain } from './main';
import { errText } from '../shared/errors';

const PY = '/usr/bin/python3';
const SECTIONS = ['node', 'pytorch', 'archive', 'browser'] as const;
type Section = (typeof SECTIONS)[number];

const log = (msg: string) => process.stderr.write(msg + '\n');

interface NodeBackendResult {
  backend: string;
  simd?: boolean;
  threads: number;
  note?: string;
  presets: Partial<Record<PresetName, PresetResult>>;
  skipped?: Partial<Record<PresetName, string>>;
  /** Kernels per step of presets too slow to time here (software adapters): counted at batch 32, not timed. */
  kernelsOnly?: Partial<Record<PresetName, KernelCount & { batchSize: number }>>;
  memory?: MemoryBench;
  /** WebGPU through Dawn: the adapter it ran on. */
  adapter?: NodeAdapter;
  error?: string;
}

/**
 * WebGPU in Node when the `webgpu` package finds an adapter (SPARSEJEPA_DAWN picks a Dawn
 * backend): micro and small at batch 32 on a GPU; micro at batch 8 on a software adapter.
 */
async function nodeWebGpu(quick: boolean, p: ReturnType<typeof plan>): Promise<NodeBackendResult> {
  let adapter: NodeAdapter;
  try {
    adapter = await registerNodeWebGpu();
  } catch (e) {
    log(`node webgpu: skipped: ${errText(e)}`);
    return { backend: 'webgpu', threads: 1, presets: {}, error: `skipped: ${errText(e)}` };
  }
  const software = isSoftwareAdapter(adapter);
  const t = (preset: PresetName, batchSize: number, warmup: number, steps: number, maxSeconds: number): TrainOptions => ({ preset, batchSize, warmup, steps, maxSeconds });
  const presets = software ? [t('micro', 8, 4, quick ? 4 : 6, 90)] : [t('micro', 32, 2, quick ? 4 : 8, 30), t('small', 32, 2, quick ? 3 : 6, 60)];
  const skipped: Partial<Record<PresetName, string>> = software ? { small: 'software adapter (a CPU): micro timed, small only counted' } : {};
  const result = await nodeBackend('webgpu', presets, software ? 3 : p.wasmMatMulReps, software ? null : p.memory, skipped);
  if (software && !result.error) {
    try {
      log('node webgpu small: kernels of one step at batch 32 (not timed)');
      const k = await benchKernels(syntheticDataset({ seed: 0, trainPerClass: 100, testPerClass: 10 }), { preset: 'small', batchSize: 32 });
      result.kernelsOnly = { small: { ...k, batchSize: 32 } };
      log(`node webgpu small kernels per step: ${k.all} (${k.work} without Reshape/Identity; ${k.dispatches} WebGPU dispatches)`);
    } catch (e) {
      log(`node webgpu small kernels failed: ${errText(e)}`);
    }
  }
  return result;
}

/** One PyTorch formulation of the step. */
interface TorchRun {
  imgPerSec: number;
  medianStepMs: number;
  stepMs: number[];
  steps: number;
  warmup: number;
}

/** The two ways Debian's torch can run the step's linear layers (interop/pytorch/bench_step.py). */
const TORCH_LINEARS = ['blas', 'onednn'] as const;
type TorchLinears = (typeof TORCH_LINEARS)[number];

interface TorchPreset {
  /** nn.Linear as shipped (addmm on torch's BLAS) and as 1×1 convolutions (oneDNN). */
  runs: Partial<Record<TorchLinears, TorchRun | { error: string }>>;
  /** The faster of the two: the PyTorch the lab is compared against. */
  best?: TorchLinears;
  imgPerSec?: number;
  /** Node tfjs-wasm images/s ÷ the faster PyTorch's images/s, both single-threaded. */
  wasmRatio?: number;
}

interface TorchResult {
  available: boolean;
  why?: string;
  torch?: string;
  blas?: string;
  threads?: number;
  presets: Partial<Record<PresetName, TorchPreset>>;
}

/** How many steps each measurement gets. */
function plan(quick: boolean, full: boolean) {
  const p = (preset: PresetName, warmup: number, steps: number, maxSeconds: number, batchSize = 32): TrainOptions => ({ preset, warmup, steps, maxSeconds, batchSize });
  return {
    wasm: quick ? [p('micro', 1, 4, 10), p('small', 1, 3, 30)] : [p('micro', 2, 8, 20), p('small', 2, 6, 60)],
    // The pure-JS CPU backend takes ~25 s per micro step at batch 32 and minutes per small step:
    // it runs at batch 8 (images/s stays comparable), small only with --full.
    cpu: quick ? [p('micro', 1, 2, 30, 8)] : full ? [p('micro', 1, 3, 60, 8), p('small', 1, 2, 600, 8)] : [p('micro', 1, 3, 60, 8)],
    wasmMatMulReps: quick ? 4 : 7,
    cpuMatMulReps: quick ? 2 : 3,
    memory: { preset: 'micro' as PresetName, batchSize: 8, checkpoints: [20, 200] },
    torch: { micro: quick ? 3 : 5, small: 2, warmup: 1 },
    archiveReps: quick ? 1 : 2,
  };
}

async function nodeBackend(name: 'wasm' | 'cpu' | 'webgpu', presets: TrainOptions[], matMulReps: number, memory: ReturnType<typeof plan>['memory'] | null, skipped: Partial<Record<PresetName, string>>): Promise<NodeBackendResult> {
  const result: NodeBackendResult = { backend: name, threads: 1, presets: {}, skipped };
  try {
    await useBackend(name);
    if (name === 'webgpu') {
      const a = await registerNodeWebGpu();
      result.adapter = a;
      result.note = `Dawn (the webgpu package) on ${describeAdapterText({ ...a, software: isSoftwareAdapter(a) })}`;
    }
    if (name === 'wasm') {
      result.simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
      result.note = 'Node: tfjs-wasm runs single-threaded (its thread pool needs browser Web Workers and cross-origin isolation)';
    }
    log(`node ${name}: ${result.note ?? 'pure-JS reference backend'}`);
    const data = syntheticDataset({ seed: 0, trainPerClass: 100, testPerClass: 10 });
    for (const p of presets) result.presets[p.preset] = await benchPreset(data, p, matMulReps, (m) => log(`node ${name} ${m.trim()}`));
    if (memory) result.memory = await benchMemory(data, memory.preset, memory.batchSize, memory.checkpoints, (m) => log(`node ${name} ${m.trim()}`));
  } catch (e) {
    result.error = errText(e);
    log(`node ${name} failed: ${result.error}`);
  }
  return result;
}

function torchAvailable(): string | null {
  try {
    execFileSync(PY, ['-c', 'import torch'], { stdio: 'ignore' });
    return null;
  } catch {
    return `${PY} cannot import torch (Debian's python3-torch)`;
  }
}

/** (Nc, Nt) of the first steps of a run, from the mask sampler with the Trainer's mask seed. */
function sampledMasks(config: LabConfig, steps: number): [number, number][] {
  const dims = modelDims(config);
  const rng = new Rng(config.seed + 2);
  const settings = maskSettingsOf(config, dims.grid);
  return Array.from({ length: steps }, () => {
    const m = sampleBatchMasks(rng, config.batchSize, settings);
    return [m.numContext, m.numTarget];
  });
}

function runTorch(presets: PresetName[], wasm: NodeBackendResult | undefined, p: ReturnType<typeof plan>['torch']): TorchResult {
  const why = torchAvailable();
  if (why) {
    log(`pytorch: skipped, ${why}`);
    return { available: false, why, presets: {} };
  }
  const result: TorchResult = { available: true, presets: {} };
  for (const preset of presets) {
    const config = benchConfig({ preset });
    const dims = modelDims(config);
    const steps = p.warmup + (preset === 'small' ? p.small : p.micro);
    // The token counts the lab's own steps drew (or, without a tfjs run, the same sampler's draws).
    const tfjs = wasm?.presets[preset];
    const masks = (tfjs?.masks ?? sampledMasks(config, steps)).slice(0, steps);
    while (masks.length < steps) masks.push(masks[masks.length - 1]);
    const entry: TorchPreset = { runs: {} };
    for (const linears of TORCH_LINEARS) {
      const spec = { dims, config, masks, warmup: p.warmup, threads: 1, linears };
      try {
        log(`pytorch ${preset} (linears: ${linears}): ${steps} steps (${p.warmup} warm-up), 1 thread`);
        const out = execFileSync(PY, ['interop/pytorch/bench_step.py', '--spec', JSON.stringify(spec)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
        const r = JSON.parse(out.trim().split('\n').pop()!);
        Object.assign(result, { torch: r.torch, blas: r.blas, threads: r.threads });
        entry.runs[linears] = { imgPerSec: round(r.imgPerSec), medianStepMs: r.medianStepMs, stepMs: r.stepMs, steps: r.steps, warmup: r.warmup };
        log(`pytorch ${preset} (linears: ${linears}): ${round(r.imgPerSec)} img/s (median ${r.medianStepMs} ms; BLAS ${r.blas})`);
      } catch (e) {
        entry.runs[linears] = { error: errText(e).split('\n')[0] };
        log(`pytorch ${preset} (linears: ${linears}) failed: ${errText(e)}`);
      }
    }
    const ok = TORCH_LINEARS.filter((l) => entry.runs[l] && !('error' in entry.runs[l]!));
    if (ok.length) {
      entry.best = ok.reduce((a, b) => ((entry.runs[b] as TorchRun).imgPerSec > (entry.runs[a] as TorchRun).imgPerSec ? b : a));
      entry.imgPerSec = (entry.runs[entry.best] as TorchRun).imgPerSec;
      if (tfjs) entry.wasmRatio = round(tfjs.imgPerSec / entry.imgPerSec);
      log(`pytorch ${preset}: best ${entry.imgPerSec} img/s (${entry.best})${entry.wasmRatio ? `; tfjs-wasm/PyTorch = ${entry.wasmRatio}` : ''}`);
    }
    result.presets[preset] = entry;
  }
  return result;
}

interface ArchiveResult extends Partial<ArchiveRead> {
  file?: ArchiveFile;
  error?: string;
}

function runArchive(reps: number): ArchiveResult {
  try {
    log('archive: full-size CIFAR-100 layout (50,000 + 10,000 records)…');
    const file = benchArchive();
    log(`archive: ${file.path}, ${(file.bytes / 1e6).toFixed(1)} MB (${(file.uncompressedBytes / 1e6).toFixed(1)} MB inside)${file.generatedMs === null ? ', reused' : `, generated in ${file.generatedMs} ms`}`);
    const read = timeArchiveRead(file.path, reps);
    log(`archive: read in ${read.readMs.join(', ')} ms (Node; last: file ${read.parts.fileMs} + zlib gunzip ${read.parts.gunzipMs} + tar and records ${read.parts.parseMs})`);
    return { file, ...read };
  } catch (e) {
    log(`archive failed: ${errText(e)}`);
    return { error: errText(e) };
  }
}

type BrowserResult = (BenchResult & { labPage: unknown[] }) | { error: string };

/** The browser half, through Playwright (e2e/bench.bench.ts), with its output on our stderr. */
async function runBrowser(quick: boolean, full: boolean, archive: string | undefined): Promise<BrowserResult> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-browser-'));
  const out = join(dir, 'browser.json');
  try {
    log('browser: building the bench page and starting Chromium (Playwright)…');
    const env = { ...process.env, BENCH_OUT: out, BENCH_QUICK: quick ? '1' : '0', BENCH_FULL: full ? '1' : '0', ...(archive ? { BENCH_ARCHIVE: archive } : {}) };
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn('npx', ['playwright', 'test', '-c', 'playwright.bench.config.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      // Playwright's report goes to our stderr; the build's chatter (chunk sizes, timings) is dropped.
      const relay = (d: Buffer) => {
        for (const line of d.toString().split('\n')) if (line.trim() && (!line.includes('[WebServer]') || /error/i.test(line))) process.stderr.write(line + '\n');
      };
      child.stdout.on('data', relay);
      child.stderr.on('data', relay);
      child.on('error', reject);
      child.on('close', (c) => resolve(c ?? 1));
    });
    try {
      return JSON.parse(readFileSync(out, 'utf8')) as BrowserResult;
    } catch {
      return { error: `playwright exited with ${code} and wrote no result` };
    }
  } catch (e) {
    return { error: errText(e) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function gitRevision(): string | undefined {
  try {
    const rev = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no', '--', 'src/engine', 'src/bench', 'src/data'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split('\n')
      .map((l) => l.slice(3).trim())
      .filter(Boolean);
    return dirty.length ? `${rev} + uncommitted ${dirty.join(', ')}` : rev;
  } catch {
    return undefined;
  }
}

interface Target {
  what: string;
  value: number | boolean | null;
  target: string;
  met: boolean | null;
}

function targets(node: Record<string, NodeBackendResult>, torch: TorchResult | undefined, archive: ArchiveResult | undefined, browser: BrowserResult | undefined): Target[] {
  const small = node.wasm?.presets.small;
  const t = torch?.presets.small as TorchPreset | undefined;
  const lab = browser && 'labPage' in browser ? (browser.labPage as { longestTaskMs: number; error?: string }[]).filter((l) => !l.error) : [];
  const longest = lab.length ? Math.max(...lab.map((l) => l.longestTaskMs)) : null;
  const mem = node.wasm?.memory;
  const a = browser && 'archive' in browser && browser.archive && 'servedMs' in browser.archive ? browser.archive : null;
  const browserArchive = a ? Math.max(a.servedMs, a.fileMs) : null;
  return [
    { what: 'small, Node WASM: step GFLOP/s ÷ plain matMul GFLOP/s', value: small?.ratioToMatMul ?? null, target: '≥ 0.5', met: small ? small.ratioToMatMul >= 0.5 : null },
    { what: `small: Node WASM images/s ÷ PyTorch images/s (1 thread each; PyTorch's faster formulation${t?.best ? `, ${t.best}` : ''})`, value: t?.wasmRatio ?? null, target: '≥ 0.5', met: t?.wasmRatio !== undefined ? t.wasmRatio >= 0.5 : null },
    { what: `tf.memory() tensors after ${mem?.points.at(-1)?.step ?? 200} steps = after ${mem?.points[0]?.step ?? 20}`, value: mem ? mem.stable : null, target: 'equal', met: mem ? mem.stable : null },
    { what: 'full-size archive read, Node (ms)', value: archive?.medianMs ?? null, target: '< 5000', met: archive?.medianMs !== undefined ? archive.medianMs < 5000 : null },
    { what: 'full-size archive read, browser worker, slower of served and picked file (ms)', value: browserArchive, target: '< 5000', met: browserArchive !== null ? browserArchive < 5000 : null },
    { what: 'lab page: longest main-thread task while training (ms)', value: longest, target: '< 50', met: longest !== null ? longest < 50 : null },
  ];
}

function summary(r: { node: Record<string, NodeBackendResult>; browser?: BrowserResult; pytorch?: TorchResult; targets: Target[] }): string {
  const lines: string[] = [];
  const row = (where: string, preset: string, p: PresetResult) =>
    lines.push(
      `${where.padEnd(22)} ${preset.padEnd(6)} b${String(p.batchSize).padEnd(3)} ${p.imgPerSec.toFixed(2).padStart(8)} img/s  ${(p.flopsPerStep / 1e9).toFixed(2).padStart(6)} GFLOP/step  ${p.gflopsPerSec.toFixed(2).padStart(7)} GFLOP/s  matMul ${p.matMul.gflops.toFixed(2).padStart(7)} GFLOP/s  ratio ${p.ratioToMatMul.toFixed(3)}`,
    );
  const costs: string[] = [];
  const cost = (where: string, preset: string, batch: number, k: KernelCount, p?: PresetResult) =>
    costs.push(
      [where.padEnd(22), preset.padEnd(6), `b${batch}`.padEnd(5), String(k.all).padStart(6), String(k.work).padStart(7), String(k.dispatches ?? '-').padStart(6),
        ' ' + (p ? String(p.readBacks.awaitedPerStep) : '-').padStart(7), ' ' + (p ? p.hostMs.toFixed(1) : '-').padStart(8), ' ' + (p ? p.imgPerSec.toFixed(2) : '-').padStart(8)].join(' '),
    );
  lines.push('training step (median after warm-up) vs plain matMul at the model\'s largest product:');
  for (const [name, b] of Object.entries(r.node)) {
    const where = `node ${name}${name === 'wasm' ? ' (1 thread)' : ''}`;
    for (const [preset, p] of Object.entries(b.presets)) {
      row(where, preset, p!);
      cost(where, preset, p!.batchSize, p!.kernels, p!);
    }
    for (const [preset, k] of Object.entries(b.kernelsOnly ?? {})) cost(`${where} (untimed)`, preset, k!.batchSize, k!);
    for (const [preset, why] of Object.entries(b.skipped ?? {})) lines.push(`${`node ${name}`.padEnd(22)} ${preset.padEnd(6)} skipped: ${why}`);
    if (b.error) lines.push(`node ${name}: ${b.error}`);
  }
  if (r.browser && 'backends' in r.browser) {
    for (const b of r.browser.backends) {
      const label = `browser ${b.name}${b.wasm ? ` (${b.wasm.threadCount} thr)` : ''}`;
      for (const [preset, p] of Object.entries(b.presets)) {
        row(label, preset, p!);
        if (p!.kernels) cost(label, preset, p!.batchSize, p!.kernels, p!);
      }
      if (b.error) lines.push(`${label}: ${b.error}`);
    }
  } else if (r.browser) lines.push(`browser: ${r.browser.error}`);
  lines.push('', 'what one step asks of the backend: kernels (tf.profile, one step after warm-up; all, and without Reshape/Identity),');
  lines.push('WebGPU programs dispatched, read-backs per step the loop waited for before queueing the next step, host ms per step:');
  lines.push(['where'.padEnd(22), 'preset', 'batch', 'all'.padStart(6), 'w/o R/I', 'disp.'.padStart(6), ' ' + 'awaited'.padStart(7), ' ' + 'host ms'.padStart(8), ' ' + 'img/s'.padStart(8)].join(' '));
  lines.push(...costs);
  if (r.pytorch?.available) {
    for (const [preset, p] of Object.entries(r.pytorch.presets)) {
      for (const [linears, run] of Object.entries(p!.runs)) {
        const label = `pytorch ${linears} (1 thr)`.padEnd(22);
        lines.push('error' in run! ? `${label} ${preset.padEnd(6)} ${run.error}` : `${label} ${preset.padEnd(6)} ${run!.imgPerSec.toFixed(2).padStart(8)} img/s${linears === p!.best ? '  (best)' : ''}`);
      }
      if (p!.wasmRatio !== undefined) lines.push(`${''.padEnd(22)} ${preset.padEnd(6)} tfjs-wasm ÷ PyTorch (best) = ${p!.wasmRatio}`);
    }
    lines.push(`  (torch ${r.pytorch.torch}, BLAS ${r.pytorch.blas}: "blas" runs nn.Linear on that BLAS; "onednn" runs each nn.Linear as a 1×1 convolution through oneDNN)`);
  } else if (r.pytorch) lines.push(`pytorch: skipped (${r.pytorch.why})`);
  lines.push('', 'targets:');
  for (const t of r.targets) lines.push(`  ${t.met === null ? 'n/a ' : t.met ? 'MET ' : 'NOT '} ${t.what}: ${t.value ?? '-'} (target ${t.target})`);
  return lines.join('\n');
}

async function bench(argv: string[]): Promise<void> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { json: { type: 'boolean' }, quick: { type: 'boolean' }, full: { type: 'boolean' }, only: { type: 'string' }, out: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new UsageError(`${(e as Error).message.split('\n')[0]} (flags: --json --quick --full --only ${SECTIONS.join(',')} --out FILE)`);
  }
  const only = values.only ? String(values.only).split(',').map((s) => s.trim()) : [...SECTIONS];
  for (const s of only) if (!(SECTIONS as readonly string[]).includes(s)) throw new UsageError(`--only: unknown section '${s}' (sections: ${SECTIONS.join(', ')})`);
  const want = (s: Section) => only.includes(s);
  const quick = Boolean(values.quick);
  const p = plan(quick, Boolean(values.full));
  const started = performance.now();
  const load = [loadavg()[0]];

  const node: Record<string, NodeBackendResult> = {};
  let pytorch: TorchResult | undefined;
  let archive: ArchiveResult | undefined;
  let browser: BrowserResult | undefined;
  if (want('node')) node.wasm = await nodeBackend('wasm', p.wasm, p.wasmMatMulReps, p.memory, {});
  // PyTorch right after tfjs-wasm, so both see about the same machine load.
  if (want('pytorch')) pytorch = runTorch(['small', 'micro'], node.wasm, p.torch);
  if (want('node')) {
    const skipped: Partial<Record<PresetName, string>> = p.cpu.some((x) => x.preset === 'small') ? {} : { small: 'minutes per step on the pure-JS backend; --full runs it' };
    node.cpu = await nodeBackend('cpu', p.cpu, p.cpuMatMulReps, null, skipped);
    node.webgpu = await nodeWebGpu(quick, p);
  }
  load.push(loadavg()[0]);
  if (want('archive')) archive = runArchive(p.archiveReps);
  if (want('browser')) {
    let file = archive?.file?.path;
    try {
      file ??= benchArchive().path;
    } catch (e) {
      log(`archive for the browser: ${errText(e)}`);
    }
    browser = await runBrowser(quick, Boolean(values.full), file);
  }
  load.push(loadavg()[0]);

  const result = {
    schema: 'sparsejepa-lab/bench/1',
    date: new Date().toISOString(),
    revision: gitRevision(),
    quick,
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version, loadAverage1m: load.map((x) => round(x, 2)) },
    seconds: Math.round((performance.now() - started) / 1000),
    flopsFormula: 'src/bench/flops.ts: 2 FLOPs per multiply-add of every matrix product; target encoder forward only, trained parts forward + backward = 3× forward',
    node,
    pytorch,
    archive,
    browser,
    targets: [] as Target[],
  };
  result.targets = targets(node, pytorch, archive, browser);
  if (values.out) writeFileSync(String(values.out), JSON.stringify(result, null, 2) + '\n');
  log(`bench: ${result.seconds} s`);
  if (values.json) process.stdout.write(JSON.stringify(result) + '\n');
  else process.stdout.write(summary(result) + '\n');
}

runMain('bench', bench);
