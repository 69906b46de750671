// Browser half of `npm run bench` (run by src/cli/bench.ts, or alone:
// `npx playwright test -c playwright.bench.config.ts`). Not a *.spec.ts: the normal e2e run skips it.
// 1. bench.html: training step and matMul throughput on WebGPU and WASM in a worker, archive read.
// 2. The lab page (index.html) while it trains: the longest main-thread task (Long Tasks API).
// Writes one JSON object to $BENCH_OUT when set; prints it otherwise. Measures, asserts nothing timed.
import { writeFileSync } from 'node:fs';
import { test, type Browser } from '@playwright/test';
import { longTasksBetween, observeLongTasks, pageNow, status, waitForReady, waitForStep } from './helpers';
import type { BackendPlan, BenchRequest, BenchResult } from '../src/bench/protocol';

const quick = process.env.BENCH_QUICK === '1';
const full = process.env.BENCH_FULL === '1';
const hasArchive = Boolean(process.env.BENCH_ARCHIVE);

const wasmPresets: BackendPlan['presets'] = [
  { preset: 'micro', warmup: 1, steps: quick ? 3 : 5, maxSeconds: 10 },
  { preset: 'small', warmup: 1, steps: 3, maxSeconds: 20 },
];

/** Each request runs in a fresh worker (tfjs-wasm fixes its thread count when it starts). */
const defaultRequests: BenchRequest[] = [
  {
    backends: [
      // WebGPU on SwiftShader is a CPU pretending (~0.1–0.5 GFLOP/s), and its first step compiles
      // every shader (30–100 s here): micro at batch 8, few steps.
      { name: 'webgpu', presets: [{ preset: 'micro', batchSize: 8, warmup: 1, steps: quick ? 1 : 2, maxSeconds: 20 }], matMulReps: 3 },
      // WASM with its thread pool (cross-origin isolated page), one thread per core.
      { name: 'wasm', presets: wasmPresets, matMulReps: quick ? 3 : 5 },
    ],
    archiveUrl: hasArchive ? '/bench-archive.tar.gz' : undefined,
  },
  // WASM on one thread: what the lab gets on a 2-core machine (it leaves a core to the page).
  ...(quick ? [] : [{ backends: [{ name: 'wasm' as const, threads: 1, presets: wasmPresets, matMulReps: 5 }] }]),
];

export interface LabPageResult {
  url: string;
  backend: string;
  seconds: number;
  status: string;
  longTasks: number;
  longestTaskMs: number;
  /** The five longest tasks after Start, ms. */
  top: number[];
  error?: string;
}

/** Open the lab, start training, and watch the main thread for `seconds` (the lab's own e2e helpers find the controls). */
async function labPage(browser: Browser, query: string, seconds: number): Promise<LabPageResult> {
  const page = await browser.newPage();
  const url = `/?${query}`;
  const result: LabPageResult = { url, backend: '', seconds, status: '', longTasks: 0, longestTaskMs: 0, top: [] };
  try {
    await observeLongTasks(page);
    await page.goto(url);
    await waitForReady(page);
    result.backend = (await page.getByLabel('Device in use').innerText({ timeout: 5000 }).catch(() => '')).split('\n')[0];
    await page.getByRole('button', { name: 'Start' }).click();
    const t0 = await pageNow(page);
    await waitForStep(page, 1, 90_000);
    await page.waitForTimeout(seconds * 1000);
    result.status = ((await status(page).textContent()) ?? '').replace(/\s+/g, ' ').trim();
    const tasks = await longTasksBetween(page, t0, await pageNow(page));
    const durations = tasks.map((t) => Math.round(t.duration)).sort((a, b) => b - a);
    result.longTasks = durations.length;
    result.longestTaskMs = durations[0] ?? 0;
    result.top = durations.slice(0, 5);
  } catch (e) {
    result.error = e instanceof Error ? e.message.split('\n')[0] : String(e);
  } finally {
    await page.close();
  }
  return result;
}

test('bench', async ({ page, browser }) => {
  test.setTimeout(600_000);
  const save = (x: unknown) => (process.env.BENCH_OUT ? writeFileSync(process.env.BENCH_OUT, JSON.stringify(x)) : console.log(JSON.stringify(x)));
  const requests: BenchRequest[] = process.env.BENCH_REQUEST ? [JSON.parse(process.env.BENCH_REQUEST)].flat() : defaultRequests;
  page.on('console', (m) => {
    if (m.text().startsWith('[bench]')) process.stderr.write(`  browser ${m.text().slice(8)}\n`);
  });
  await page.goto('/bench.html');
  await page.waitForFunction(() => typeof window.runBench === 'function');
  let bench: BenchResult | undefined;
  for (const request of requests) {
    const r: BenchResult = await page.evaluate((req) => window.runBench(req), request);
    bench = bench ? { ...bench, backends: [...bench.backends, ...r.backends], archive: bench.archive ?? r.archive } : r;
  }
  await page.close();
  if (process.env.BENCH_OUT) save({ ...bench, labPage: [] }); // kept if what follows runs out of time

  // Stress case: micro at batch 8 sends the page many metrics a second.
  const lab = [await labPage(browser, 'preset=micro&batchSize=8&steps=100000', quick ? 10 : 15)];
  if (full) lab.push(await labPage(browser, 'steps=100000', 20)); // the lab's defaults (small, batch 32)
  for (const l of lab) process.stderr.write(`  browser lab page ${l.url}: longest task ${l.longestTaskMs} ms (${l.longTasks} long tasks) ${l.error ?? l.status}\n`);
  save({ ...bench, labPage: lab });
});
