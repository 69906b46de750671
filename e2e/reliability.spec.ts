// (7) Nothing lost: a reload resumes from the checkpoint in IndexedDB with the same numbers (and
// so does a backend switch); a lost WebGPU device is recovered without a reload; a diverging run
// rolls back and pauses; hostile files are refused while training goes on. Every test also checks that no request
// leaves the page's origin and that the Content-Security-Policy reports no violation.
import { gzipSync } from 'node:zlib';
import { expect, test, type Page } from '@playwright/test';
import { cifar100Archive } from './cifarArchive';
import { currentStep, exportMetricsJson, pause, status, waitForReady, waitForStep, type MetricsFile } from './helpers';

const MICRO = 'preset=micro&batchSize=8&warmupFraction=0';

/** Record every request of the page and its workers, and every CSP complaint; check both at the end. */
function guard(page: Page): { check(): void; requests: string[] } {
  const requests: string[] = [];
  const complaints: string[] = [];
  page.context().on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) complaints.push(m.text());
  });
  page.on('pageerror', (e) => {
    if (/Content Security Policy|Refused to/i.test(e.message)) complaints.push(e.message);
  });
  return {
    requests,
    check() {
      const origin = new URL(test.info().project.use.baseURL!).origin;
      const foreign = requests.filter((u) => !u.startsWith('blob:') && !u.startsWith('data:') && new URL(u).origin !== origin);
      expect(requests.length).toBeGreaterThan(0);
      expect(foreign, `requests to other origins: ${foreign.join(', ')}`).toEqual([]);
      expect(complaints, 'Content-Security-Policy violations').toEqual([]);
    },
  };
}

type DebugHooks = { sparsejepaDebug: { destroyDevice(opts?: { gpuGone?: boolean }): boolean } };

/** Destroy the WebGPU device from inside the training worker (gpuGone: no adapter afterwards either). */
async function destroyDevice(page: Page, gpuGone = false): Promise<boolean> {
  const worker = page.workers().find((w) => w.url().includes('trainWorker'));
  expect(worker, 'the training worker').toBeTruthy();
  return worker!.evaluate((gone) => (self as unknown as DebugHooks).sparsejepaDebug.destroyDevice({ gpuGone: gone }), gpuGone);
}

const losses = (f: MetricsFile) => new Map(f.metrics.map((m) => [m.step, m.loss]));

/** tf.memory().numTensors as the status line shows it (sent after each step). */
async function tensors(page: Page): Promise<number> {
  return Number(/(\d+) tensors/.exec((await status(page).textContent()) ?? '')![1]);
}

test('reload mid-run: resumes from the checkpoint, with the charts so far and the same numbers', async ({ page }) => {
  test.setTimeout(240_000);
  const g = guard(page);
  const res = await page.goto(`/?backend=wasm&${MICRO}&steps=200&checkpointEvery=5`);
  // The policy arrives as a header and as a <meta> (for hosts that cannot set headers).
  expect(res?.headers()['content-security-policy']).toContain("connect-src 'self'");
  await expect(page.locator('meta[http-equiv="Content-Security-Policy"]')).toHaveAttribute('content', /default-src 'self'/);
  await waitForReady(page);
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await waitForStep(page, 12);
  await expect(page.getByLabel('Last checkpoint')).toHaveAttribute('data-step', /^([1-9]\d*[05])$/, { timeout: 30_000 });

  // Reload while it trains (as a crashed tab would: no Pause, no goodbye).
  await page.reload();
  const notice = page.getByRole('note', { name: 'Run notice' });
  await expect(notice).toContainText(/Resumed from step \d+/, { timeout: 90_000 });
  const resumedAt = Number(/Resumed from step (\d+)/.exec((await notice.textContent()) ?? '')![1]);
  expect(resumedAt % 5).toBe(0);
  expect(resumedAt).toBeGreaterThanOrEqual(10);
  await expect(status(page)).toContainText(new RegExp(`step ${resumedAt} of 200.*paused`));
  const restored = await exportMetricsJson(page);
  expect(restored.metrics.map((m) => m.step)).toEqual(Array.from({ length: resumedAt }, (_, i) => i + 1));

  // It continues from there.
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await waitForStep(page, resumedAt + 5);
  const stoppedAt = await pause(page);
  const resumed = await exportMetricsJson(page);

  // The same run without the reload gives bit-identical losses at every step.
  await page.getByRole('button', { name: 'Reset', exact: true }).click();
  await expect(status(page)).toContainText(/step 0 of 200.*ready/);
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await waitForStep(page, stoppedAt);
  await pause(page);
  const straight = losses(await exportMetricsJson(page));
  for (const [step, loss] of losses(resumed)) expect(loss, `loss at step ${step}`).toBe(straight.get(step));
  console.log(`[reliability] resumed at ${resumedAt}, compared ${resumed.metrics.length} steps`);
  g.check();
});

test('switching backend saves the run and continues it on the new backend', async ({ page }) => {
  test.setTimeout(120_000);
  const g = guard(page);
  await page.goto(`/?backend=wasm&${MICRO}&steps=100`);
  await waitForReady(page);
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await waitForStep(page, 7);
  const at = await pause(page);
  await page.getByLabel('Backend', { exact: true }).selectOption('cpu');
  await expect(page.getByRole('note', { name: 'Run notice' })).toContainText(`Resumed from step ${at}`, { timeout: 90_000 });
  await expect(page.getByLabel('Device in use')).toHaveAttribute('data-backend', 'cpu');
  await expect(status(page)).toContainText(new RegExp(`step ${at} of 100.*paused`));
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await waitForStep(page, at + 1);
  await pause(page);
  g.check();
});

test('a saved run the page cannot continue by itself is offered: another file to pick, other settings', async ({ page }) => {
  test.setTimeout(150_000);
  const g = guard(page);
  const archive = { name: 'cifar-100-binary.tar.gz', mimeType: 'application/gzip', buffer: cifar100Archive(200, 40) };
  await page.goto(`/?backend=wasm&${MICRO}&steps=100`);
  await waitForReady(page);
  await page.getByLabel('CIFAR file(s)').setInputFiles(archive);
  await expect(page.getByLabel('Loaded images')).toContainText('cifar-100-binary.tar.gz: 200 train');
  await expect(status(page)).toContainText(/step 0 of 100.*ready/);
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await waitForStep(page, 4);
  const at = await pause(page);
  await expect(page.getByLabel('Last checkpoint')).toHaveAttribute('data-step', String(at));

  // After a reload the file is not here: the page says which one to pick, and picking it resumes.
  await page.reload();
  const offer = page.getByRole('note', { name: 'Saved run' });
  await expect(offer).toContainText(`step ${at} of SparseJEPA, micro`, { timeout: 90_000 });
  await expect(offer).toContainText('Pick cifar-100-binary.tar.gz again');
  await expect(status(page)).toContainText(/step 0 of 100.*ready/); // meanwhile: a fresh model on the built-in data
  await page.getByLabel('CIFAR file(s)').setInputFiles(archive);
  await expect(page.getByRole('note', { name: 'Run notice' })).toContainText(`Resumed from step ${at}`, { timeout: 60_000 });
  await expect(status(page)).toContainText(new RegExp(`step ${at} of 100.*paused`));
  await expect(offer).toHaveCount(0);

  // A run on the built-in data replaces it once it trains; a link with other settings then
  // offers that one, and "Resume saved run" takes its settings back.
  await page.getByLabel('Dataset', { exact: true }).selectOption('synthetic');
  await expect(status(page)).toContainText(/step 0 of 100.*ready/);
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await waitForStep(page, 3);
  const at2 = await pause(page);
  await expect(page.getByLabel('Last checkpoint')).toHaveAttribute('data-step', String(at2));
  await page.goto(`/?backend=wasm&${MICRO}&steps=100&seed=3`);
  await expect(offer).toContainText(`step ${at2} of SparseJEPA, micro, 100 steps on built-in shapes`, { timeout: 90_000 });
  await expect(offer).toContainText('Its settings differ from these');
  await expect(status(page)).toContainText(/step 0 of 100.*ready/);
  await offer.getByRole('button', { name: 'Resume saved run' }).click();
  await expect(page.getByRole('note', { name: 'Run notice' })).toContainText(`Resumed from step ${at2}`, { timeout: 60_000 });
  await expect(status(page)).toContainText(new RegExp(`step ${at2} of 100.*paused`));
  expect(new URL(page.url()).searchParams.get('seed')).toBeNull(); // back to the saved run's seed (the default)
  g.check();
});

test('a diverging run rolls back to its checkpoint, pauses and says what to try', async ({ page }) => {
  test.setTimeout(120_000);
  const g = guard(page);
  await page.goto(`/?backend=wasm&${MICRO}&steps=60&weightDecay=10,10`);
  await waitForReady(page);
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await waitForStep(page, 4);
  const saved = await pause(page); // Pause saves a checkpoint
  await expect(page.getByLabel('Last checkpoint')).toHaveAttribute('data-step', String(saved));

  // A reckless learning rate (AdamW with weight decay 10 then overflows within a few steps).
  const lr = page.getByLabel('Learning rate', { exact: true });
  await lr.fill('1');
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  const alert = page.getByRole('alert', { name: 'Run notice' });
  await expect(alert).toContainText(/became non-finite at step \d+/, { timeout: 90_000 });
  await expect(alert).toContainText('Try a lower learning rate');
  await expect(alert).toContainText(`Rolled back to the checkpoint at step ${saved} and paused`);
  const bad = Number(/non-finite at step (\d+)/.exec((await alert.textContent()) ?? '')![1]);
  expect(bad).toBeGreaterThan(saved);
  await expect(status(page)).toContainText(new RegExp(`step ${saved} of 60.*paused`));
  // The charts drop the steps after the checkpoint; the learning rate is the checkpoint's again.
  const m = await exportMetricsJson(page);
  expect(m.metrics.map((x) => x.step)).toEqual(Array.from({ length: saved }, (_, i) => i + 1));
  await expect(lr).toHaveValue('0.001');

  // From there it trains past the step that diverged.
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await waitForStep(page, bad + 1);
  await pause(page);
  for (const x of (await exportMetricsJson(page)).metrics) expect(Number.isFinite(x.loss)).toBe(true);
  g.check();
});

test('hostile files while training: each is refused with its reason, and the run goes on', async ({ page }) => {
  test.setTimeout(120_000);
  const g = guard(page);
  await page.goto(`/?backend=wasm&${MICRO}&steps=2000`);
  await waitForReady(page);
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await waitForStep(page, 3);

  // A gzip archive cut short.
  const gz = gzipSync(Buffer.alloc(400_000, 7));
  await page.getByLabel('CIFAR file(s)').setInputFiles({ name: 'cifar-100-binary.tar.gz', mimeType: 'application/gzip', buffer: gz.subarray(0, gz.length >> 1) });
  await expect(page.locator('.dataset [role="alert"]')).toContainText('Could not load cifar-100-binary.tar.gz:');
  const afterArchive = await currentStep(page);

  // A .safetensors whose header claims 2^40 bytes.
  const bad = Buffer.alloc(64);
  bad.writeBigUInt64LE(1n << 40n, 0);
  await page.getByLabel('Import weights (.safetensors)').setInputFiles({ name: 'bad.safetensors', mimeType: 'application/octet-stream', buffer: bad });
  const weightsAlert = page.locator('.exports [role="alert"]');
  await expect(weightsAlert).toContainText('bad.safetensors:');
  console.log(`[reliability] refused: ${await page.locator('.dataset [role="alert"]').textContent()} | ${await weightsAlert.textContent()}`);

  // The same run, still training: the step keeps rising from where it was.
  await expect(status(page)).toContainText('running');
  await waitForStep(page, afterArchive + 3);
  await expect(page.getByLabel('Loaded images')).toContainText('built-in shapes');
  await pause(page);
  g.check();
});

test('WebGPU device lost mid-run: a new device, the last checkpoint, and training goes on', async ({ page }) => {
  test.setTimeout(300_000);
  const g = guard(page);
  const T = Date.now();
  const mark = (what: string) => console.log(`[reliability/webgpu] ${what} at ${((Date.now() - T) / 1000).toFixed(1)} s`);
  await page.goto(`/?backend=webgpu&preset=micro&patchSize=8&batchSize=2&warmupFraction=0&steps=100&checkpointEvery=1`);
  await waitForReady(page);
  mark('ready');
  await expect(page.getByLabel('Device in use')).toHaveAttribute('data-backend', 'webgpu');
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await waitForStep(page, 1, 180_000, 2_000);
  mark('step 1');
  const tensorsBefore = await tensors(page);

  // Destroy the real device tfjs uses, from inside the training worker.
  expect(await destroyDevice(page)).toBe(true);

  const alert = page.getByRole('alert', { name: 'Run notice' });
  await expect(alert).toContainText(/GPU device was lost at step \d+ \(destroyed/, { timeout: 120_000 });
  await expect(alert).toContainText(/recovered on a new WebGPU device from the checkpoint at step \d+/);
  const from = Number(/from the checkpoint at step (\d+)/.exec((await alert.textContent()) ?? '')![1]);
  mark(`recovered from step ${from}`);
  expect(from).toBeGreaterThanOrEqual(1);
  await expect(page.getByLabel('Device in use')).toHaveAttribute('data-backend', 'webgpu');
  // No reload, and the run carries on from the checkpoint.
  const after = await waitForStep(page, from + 1, 180_000, 2_000);
  mark(`step ${after}`);
  // The lost backend's tensors were released: the new trainer holds as many as the old one did.
  expect(await tensors(page)).toBe(tensorsBefore);
  // Steps 1..after, each once: the steps between the checkpoint and the loss were dropped, then redone.
  const m = await exportMetricsJson(page);
  expect(m.metrics.map((x) => x.step).slice(0, after)).toEqual(Array.from({ length: after }, (_, i) => i + 1));
  for (const x of m.metrics) expect(Number.isFinite(x.loss)).toBe(true);
  console.log(`[reliability] device lost, resumed from step ${from}, went on to ${after}`);
  g.check();
});

test('WebGPU device lost and no GPU after it: the run falls back to WASM from its checkpoint', async ({ page }) => {
  test.setTimeout(240_000);
  const g = guard(page);
  await page.goto(`/?backend=webgpu&preset=micro&patchSize=8&batchSize=2&warmupFraction=0&steps=100&checkpointEvery=1`);
  await waitForReady(page);
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await waitForStep(page, 1, 180_000, 2_000);
  expect(await destroyDevice(page, true)).toBe(true);
  const alert = page.getByRole('alert', { name: 'Run notice' });
  await expect(alert).toContainText(/GPU device was lost at step \d+ .*recovered on WASM from the checkpoint at step \d+/, { timeout: 120_000 });
  const info = page.getByLabel('Device in use');
  await expect(info).toHaveAttribute('data-backend', 'wasm');
  await expect(info).toContainText('WebGPU gave no adapter');
  const from = Number(/from the checkpoint at step (\d+)/.exec((await alert.textContent()) ?? '')![1]);
  await waitForStep(page, from + 3);
  await pause(page);
  g.check();
});
