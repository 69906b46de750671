// What the bench page asks its worker to measure, and what comes back (see src/bench/worker.ts).
import type { PresetName } from '../engine/config';
import type { PresetResult } from './measure';

export type { PresetResult };

export interface PresetPlan {
  preset: PresetName;
  batchSize?: number;
  warmup: number;
  steps: number;
  maxSeconds?: number;
}

export interface BackendPlan {
  name: 'webgpu' | 'wasm' | 'webgl' | 'cpu';
  presets: PresetPlan[];
  matMulReps: number;
  /** WASM only: threads to ask for when cross-origin isolated (default: one per logical core; 1 = no thread pool). */
  threads?: number;
}

export interface BenchRequest {
  backends: BackendPlan[];
  /** Same-origin URL of a CIFAR-100 .tar.gz to time reading (omit to skip). */
  archiveUrl?: string;
}

export interface BackendResult {
  name: string;
  ok: boolean;
  error?: string;
  /** WebGPU adapter (vendor / architecture / description). */
  adapter?: string;
  wasm?: { simd: boolean; threads: boolean; threadCount: number };
  presets: Partial<Record<PresetName, PresetResult>>;
}

export interface ArchiveReadResult {
  /** Bytes of the .tar.gz. */
  bytes: number;
  /** Served archive: fetch (the browser inflates a Content-Encoding: gzip response) + loadCifarArchive. */
  servedMs: number;
  fetchMs: number;
  /** Picked file, bytes in memory: fflate gunzip + tar + records (loadCifarArchive). */
  fileMs: number;
  gunzipMs: number;
  parseMs: number;
  /** Picked file with DecompressionStream instead of fflate (loadCifarArchiveAsync's path). */
  fileAsyncMs: number;
  train: number;
  test: number;
}

export interface BenchResult {
  userAgent: string;
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  backends: BackendResult[];
  archive?: ArchiveReadResult | { error: string };
}

export type WorkerMessage = { type: 'log'; text: string } | { type: 'done'; result: BenchResult } | { type: 'error'; message: string };
