// The browser half of `npm run bench`: runs in a Web Worker (as the lab's training does), takes
// one BenchRequest, measures each backend in turn and posts the BenchResult back.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-webgpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import * as tf from '../engine/tf';
import { loadCifarArchive } from '../data/cifar';
import { gunzip, gunzipAsync, isGzip } from '../data/gzip';
import { syntheticDataset } from '../data/synthetic';
import { benchPreset } from './measure';
import { keepWasmThreadFactory, threadedFactoryIntact } from '../worker/wasmThreads';
import { logicalCores, requestWasmThreads } from './wasmThreadCount';
import type { ArchiveReadResult, BackendPlan, BackendResult, BenchRequest, WorkerMessage } from './protocol';
import { errText } from '../shared/errors';

setWasmPaths({
  'tfjs-backend-wasm.wasm': new URL(wasmPlain, self.location.href).href,
  'tfjs-backend-wasm-simd.wasm': new URL(wasmSimd, self.location.href).href,
  'tfjs-backend-wasm-threaded-simd.wasm': new URL(wasmThreadedSimd, self.location.href).href,
});

const post = (m: WorkerMessage) => (self as unknown as Worker).postMessage(m);
const log = (text: string) => post({ type: 'log', text });

async function adapterText(): Promise<string | undefined> {
  const gpu = (self.navigator as Navigator & { gpu?: GPU }).gpu;
  const adapter = await gpu?.requestAdapter();
  if (!adapter) return undefined;
  const info = (adapter as GPUAdapter & { info?: GPUAdapterInfo }).info;
  return info ? [info.vendor, info.architecture, info.description].filter(Boolean).join(' / ') || 'unnamed' : 'unknown';
}

let wasmConfigured = false;

async function runBackend(plan: BackendPlan, data: ReturnType<typeof syntheticDataset>): Promise<BackendResult> {
  const result: BackendResult = { name: plan.name, ok: false, presets: {} };
  try {
    if (plan.name === 'wasm' && !wasmConfigured) {
      wasmConfigured = true;
      const intact = threadedFactoryIntact();
      const usable = keepWasmThreadFactory();
      log(`wasm: crossOriginIsolated ${self.crossOriginIsolated}, thread factory ${intact ? 'intact' : usable ? 'minified, restored from its source' : 'minified'}, tfjs multithread flag ${await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')}`);
      if (self.crossOriginIsolated && usable && plan.threads !== 1) requestWasmThreads(plan.threads || logicalCores);
      else tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    }
    if (plan.name === 'webgpu') result.adapter = await adapterText();
    if (!(await tf.setBackend(plan.name))) throw new Error(`the ${plan.name} backend could not start`);
    await tf.ready();
    if (plan.name === 'wasm') {
      const threads = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
      result.wasm = { simd: Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')), threads, threadCount: threads ? getThreadsCount() : 1 };
    }
    log(`${plan.name}: ${result.adapter ?? ''}${result.wasm ? JSON.stringify(result.wasm) : ''}`);
    for (const p of plan.presets) {
      result.presets[p.preset] = await benchPreset(data, p, plan.matMulReps, (t) => log(`${plan.name} ${t.trim()}`));
    }
    result.ok = true;
  } catch (e) {
    result.error = errText(e);
    log(`${plan.name} failed: ${result.error}`);
  }
  return result;
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const res = await fetch(url, { cache: 'no-store' });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/**
 * The lab worker's two ways to a full-size archive, timed:
 * - served (`/bench-archive.tar.gz`): fetch, then loadCifarArchive. A server that sends
 *   Content-Encoding: gzip for .gz files (vite preview does) has the browser inflate it while
 *   fetching, so the worker gets the tar;
 * - a file the person picked (`/bench-archive.bin`, the same bytes served raw): the bytes are in
 *   memory, then gunzip (fflate, what loadCifarArchive uses) or DecompressionStream, then tar + records.
 */
async function readArchive(servedUrl: string): Promise<ArchiveReadResult> {
  let t0 = performance.now();
  const served = await fetchBytes(servedUrl);
  const fetchMs = Math.round(performance.now() - t0);
  const s1 = loadCifarArchive(served, 'bench archive');
  const servedMs = Math.round(performance.now() - t0);
  log(`archive, served: ${servedMs} ms = fetch ${fetchMs} (${served.length} bytes${isGzip(served) ? '' : ', inflated by the browser'}) + the rest ${servedMs - fetchMs}`);
  const raw = await fetchBytes(servedUrl.replace(/\.tar\.gz$/, '.bin'));
  if (!isGzip(raw)) throw new Error('the raw archive is not gzip');
  t0 = performance.now();
  const tar = gunzip(raw, 'bench archive');
  const gunzipMs = Math.round(performance.now() - t0);
  let t = performance.now();
  const s2 = loadCifarArchive(tar, 'bench archive');
  const parseMs = Math.round(performance.now() - t);
  const fileMs = Math.round(performance.now() - t0);
  t = performance.now();
  const s3 = loadCifarArchive(await gunzipAsync(raw, 'bench archive'), 'bench archive');
  const fileAsyncMs = Math.round(performance.now() - t);
  log(`archive, picked file: ${fileMs} ms = gunzip (fflate) ${gunzipMs} + tar and records ${parseMs}; with DecompressionStream ${fileAsyncMs} ms`);
  if (s1.train.size !== s2.train.size || s2.train.size !== s3.train.size) throw new Error('the three reads disagree');
  return { bytes: raw.length, servedMs, fetchMs, fileMs, gunzipMs, parseMs, fileAsyncMs, train: s1.train.size, test: s1.test.size };
}

self.onmessage = async (ev: MessageEvent<BenchRequest>) => {
  try {
    const req = ev.data;
    const data = syntheticDataset({ seed: 0, trainPerClass: 100, testPerClass: 10 });
    const backends: BackendResult[] = [];
    for (const plan of req.backends) backends.push(await runBackend(plan, data));
    let archive: ArchiveReadResult | { error: string } | undefined;
    if (req.archiveUrl) {
      try {
        archive = await readArchive(req.archiveUrl);
      } catch (e) {
        archive = { error: errText(e) };
      }
    }
    post({
      type: 'done',
      result: {
        userAgent: self.navigator.userAgent,
        crossOriginIsolated: Boolean(self.crossOriginIsolated),
        hardwareConcurrency: logicalCores,
        backends,
        archive,
      },
    });
  } catch (e) {
    post({ type: 'error', message: errText(e) });
  }
};
