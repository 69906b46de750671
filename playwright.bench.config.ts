// The browser half of `npm run bench` (e2e/bench.bench.ts), apart from the normal e2e run: its own
// build directory and port, so it never disturbs another build or server.
//   npx playwright test -c playwright.bench.config.ts     (BENCH_OUT=file.json to keep the result)
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig, devices } from '@playwright/test';

const SYSTEM_CHROMIUM = '/usr/bin/chromium';
const executablePath = process.env.CHROMIUM_PATH ?? (existsSync(SYSTEM_CHROMIUM) ? SYSTEM_CHROMIUM : undefined);
const PORT = Number(process.env.BENCH_PORT ?? 4327);
const DIST = join(tmpdir(), 'sparsejepa-bench', 'dist');
// The archive to time (made by npm run bench) is linked into the served directory.
const archive = process.env.BENCH_ARCHIVE;
// As .tar.gz (served with Content-Encoding: gzip, as the lab's own archive is) and as .bin (raw bytes, like a picked file).
const link = archive ? ` && ln -sf '${archive}' '${DIST}/bench-archive.tar.gz' && ln -sf '${archive}' '${DIST}/bench-archive.bin'` : '';

export default defineConfig({
  testDir: 'e2e',
  testMatch: '*.bench.ts',
  outputDir: join(tmpdir(), 'sparsejepa-bench', 'test-results'),
  timeout: 420_000,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    ...devices['Desktop Chrome'],
    baseURL: `http://127.0.0.1:${PORT}`,
    launchOptions: {
      executablePath,
      args: [
        '--enable-unsafe-webgpu',
        '--no-sandbox',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: {
    command: `npx vite build --logLevel warn --outDir '${DIST}' --emptyOutDir${link} && npx vite preview --outDir '${DIST}' --port ${PORT} --strictPort --host 127.0.0.1`,
    url: `http://127.0.0.1:${PORT}/bench.html`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
