// The bench page (bench.html): starts the bench worker on request and shows its progress.
// Playwright (e2e/bench.bench.ts) calls window.runBench(request); a person can press Run.
import type { BenchRequest, BenchResult, WorkerMessage } from './protocol';

declare global {
  interface Window {
    runBench: (req: BenchRequest) => Promise<BenchResult>;
  }
}

const out = document.getElementById('log') as HTMLPreElement;
const show = (text: string) => {
  out.textContent += text + '\n';
  console.log(`[bench] ${text}`);
};

window.runBench = (req: BenchRequest) =>
  new Promise<BenchResult>((resolve, reject) => {
    const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    worker.onerror = (e) => reject(new Error(e.message || 'bench worker failed to start'));
    worker.onmessage = (ev: MessageEvent<WorkerMessage>) => {
      const m = ev.data;
      if (m.type === 'log') show(m.text);
      else {
        worker.terminate();
        if (m.type === 'done') resolve(m.result);
        else reject(new Error(m.message));
      }
    };
    worker.postMessage(req);
  });

document.getElementById('run')?.addEventListener('click', async () => {
  const req: BenchRequest = {
    backends: [
      { name: 'webgpu', presets: [{ preset: 'micro', warmup: 1, steps: 3 }], matMulReps: 3 },
      { name: 'wasm', presets: [{ preset: 'micro', warmup: 2, steps: 5 }, { preset: 'small', warmup: 2, steps: 5 }], matMulReps: 5 },
    ],
  };
  try {
    show(JSON.stringify(await window.runBench(req), null, 2));
  } catch (e) {
    show(`failed: ${e instanceof Error ? e.message : String(e)}`);
  }
});
