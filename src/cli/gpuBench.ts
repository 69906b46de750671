// The real-GPU bench (scripts/gpu-bench.sh packs it with node and dawn.node for a machine that
// has a GPU and PyTorch but no node): the lab's training step on WebGPU through Dawn, then the
// same step in PyTorch on CUDA (interop/pytorch/bench_step.py, the token counts the lab's own
// steps drew), and plain fp32 matmul at the step's largest product on both. One JSON object.
//
//   node gpu-bench.mjs [--presets micro:32,small:32,small:128,vit-tiny:128] [--steps N] [--warmup N]
//                      [--python python3] [--device cuda] [--out FILE] [--revision REV]
//
// SPARSEJEPA_DAWN picks the Dawn backend (backend=vulkan on an NVIDIA machine) and
// SPARSEJEPA_DAWN_NODE the dawn.node to load (nodeWebgpu.ts).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import '@tensorflow/tfjs-backend-cpu';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { syntheticDataset } from '../data/synthetic';
import { modelDims, PRESETS, type PresetName } from '../engine/config';
import { benchConfig, benchPreset, round, type PresetResult } from '../bench/measure';
import { describeAdapterText, isSoftwareAdapter } from '../worker/adapter';
import { UsageError } from './args';
import { runMain } from './main';
import { useNodeWebGpu, type NodeAdapter } from './nodeWebgpu';
import { errText } from '../shared/errors';

const log = (msg: string) => process.stderr.write(msg + '\n');

interface TorchStep {
  imgPerSec: number;
  medianStepMs: number;
  stepMs: number[];
  device: string;
  torch: string;
}

interface TorchMatMul {
  shape: number[];
  medianMs: number;
  gflops: number;
}

export interface GpuPreset {
  preset: PresetName;
  batchSize: number;
  /** The lab's step on WebGPU (Dawn): img/s, kernels, dispatches, host ms, read-backs, its own plain matMul. */
  lab: PresetResult | { error: string };
  /** The same step in PyTorch on the --device, and its plain fp32 matmul at the same shape. */
  pytorch: { step?: TorchStep; matMul?: TorchMatMul; error?: string };
  /** Lab images/s ÷ PyTorch images/s (goal ≥ 0.3). */
  ratio?: number;
  matMulGflops?: { lab: number; pytorch?: number };
}

function parsePresets(text: string): { preset: PresetName; batchSize: number }[] {
  return text.split(',').map((part) => {
    const [name, batch] = part.trim().split(':');
    if (!(name in PRESETS)) throw new UsageError(`--presets: unknown preset '${name}' (${Object.keys(PRESETS).join(', ')})`);
    const batchSize = batch === undefined ? 32 : Number(batch);
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new UsageError(`--presets: batch size of ${name} must be a positive integer, got '${batch}'`);
    return { preset: name as PresetName, batchSize };
  });
}

function python(py: string, args: string[]): Record<string, unknown> {
  const out = execFileSync(py, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 16 << 20 });
  return JSON.parse(out.trim().split('\n').pop()!);
}

function gpuName(): string | undefined {
  try {
    return execFileSync('nvidia-smi', ['--query-gpu=name,driver_version,memory.total', '--format=csv,noheader'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

async function gpuBench(argv: string[]): Promise<void> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        presets: { type: 'string' },
        steps: { type: 'string' },
        warmup: { type: 'string' },
        python: { type: 'string' },
        device: { type: 'string' },
        out: { type: 'string' },
        revision: { type: 'string' },
        'bench-step': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new UsageError(`${(e as Error).message.split('\n')[0]} (flags: --presets --steps --warmup --python --device --out --revision --bench-step)`);
  }
  const int = (name: string, fallback: number) => {
    const v = values[name] === undefined ? fallback : Number(values[name]);
    if (!Number.isInteger(v) || v < 0) throw new UsageError(`--${name}: expected a whole number, got '${values[name]}'`);
    return v;
  };
  const presets = parsePresets(String(values.presets ?? 'micro:32,small:32,small:128,vit-tiny:128'));
  const steps = Math.max(1, int('steps', 8));
  const warmup = int('warmup', 2);
  const py = String(values.python ?? 'python3');
  const device = String(values.device ?? 'cuda');
  const benchStep = String(values['bench-step'] ?? 'interop/pytorch/bench_step.py');
  const started = performance.now();

  let adapter: NodeAdapter;
  try {
    adapter = await useNodeWebGpu();
  } catch (e) {
    throw new Error(`WebGPU through Dawn did not start: ${errText(e)}`);
  }
  const software = isSoftwareAdapter(adapter);
  log(`gpu-bench: Dawn on ${describeAdapterText({ ...adapter, software })}${software ? ' — a software adapter: these are not GPU numbers' : ''}`);
  const data = syntheticDataset({ seed: 0, trainPerClass: 100, testPerClass: 10 });
  const results: GpuPreset[] = [];
  // Written again after every preset, so a run cut short by its time limit still leaves what it measured.
  const save = (): string => {
    const result = {
      schema: 'sparsejepa-lab/gpu-bench/1',
      date: new Date().toISOString(),
      revision: values.revision,
      machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version, gpu: gpuName() },
      adapter: { ...adapter, software },
      dawn: process.env.SPARSEJEPA_DAWN ?? '',
      seconds: Math.round((performance.now() - started) / 1000),
      presets: results,
      targets: results.map((r) => ({ what: `${r.preset} b${r.batchSize}: lab WebGPU img/s ÷ PyTorch ${device} img/s`, value: r.ratio ?? null, target: '≥ 0.3', met: r.ratio === undefined ? null : r.ratio >= 0.3 })),
    };
    const text = JSON.stringify(result, null, 2) + '\n';
    if (values.out) writeFileSync(String(values.out), text);
    return text;
  };
  for (const { preset, batchSize } of presets) {
    const entry: GpuPreset = { preset, batchSize, lab: { error: 'not run' }, pytorch: {} };
    results.push(entry);
    try {
      entry.lab = await benchPreset(data, { preset, batchSize, warmup, steps, maxSeconds: 120 }, 5, (m) => log(`lab ${preset} b${batchSize} ${m.trim()}`));
    } catch (e) {
      entry.lab = { error: errText(e) };
      log(`lab ${preset} b${batchSize} failed: ${errText(e)}`);
      save();
      continue;
    }
    const lab = entry.lab;
    const config = benchConfig({ preset, batchSize });
    try {
      const spec = { dims: modelDims(config), config, masks: lab.masks, warmup: warmup + 2, threads: cpus().length, linears: 'blas' };
      log(`pytorch ${preset} b${batchSize} on ${device}: ${lab.masks.length} steps`);
      const r = python(py, [benchStep, '--device', device, '--spec', JSON.stringify(spec)]);
      entry.pytorch.step = { imgPerSec: round(r.imgPerSec as number), medianStepMs: r.medianStepMs as number, stepMs: r.stepMs as number[], device: r.device as string, torch: r.torch as string };
      const m = python(py, [benchStep, '--device', device, '--matmul', lab.largestProduct.join(',')]);
      entry.pytorch.matMul = m.matmul as TorchMatMul;
      entry.ratio = round(lab.imgPerSec / entry.pytorch.step.imgPerSec);
      entry.matMulGflops = { lab: lab.matMul.gflops, pytorch: round(entry.pytorch.matMul.gflops) };
      log(`${preset} b${batchSize}: lab ${lab.imgPerSec} img/s, PyTorch ${entry.pytorch.step.imgPerSec} img/s, ratio ${entry.ratio}; matMul ${lab.matMul.gflops} vs ${round(entry.pytorch.matMul.gflops)} GFLOP/s`);
    } catch (e) {
      entry.pytorch.error = errText(e).split('\n').slice(0, 3).join(' ');
      log(`pytorch ${preset} b${batchSize} failed: ${entry.pytorch.error}`);
    }
    save();
  }
  process.stdout.write(save());
}

runMain('gpu-bench', gpuBench);
