// (13) Many runs, nothing lost: a Start given while the page is busy starts the run (WASM and
// WebGPU), a command given during a backend switch is carried out after it, every saved run can
// be resumed from the Runs table, two tabs train two runs without touching each other's
// checkpoints (and never the same run), a full disk keeps the run training, and a reload without
// the picked dataset file keeps its subset for it.
import { expect, test, type Page } from '@playwright/test';
import { cifar100Archive } from './cifarArchive';
import { currentStep, exportMetricsJson, openView, pause, status, waitForReady, waitForStep, type MetricsFile } from './helpers';

const MICRO = 'preset=micro&batchSize=8&warmupFraction=0';
const start = (page: Page) => page.getByRole('button', { name: 'Start', exact: true });
const notice = (page: Page) => page.getByRole('note', { name: 'Run notice' });
const losses = (f: MetricsFile) => f.metrics.map((m) => m.loss);
/** The id of the run the page shows. */
const shownRunId = (page: Page) => status(page).getAttribute('data-run-id');

test('a Start given the instant it is enabled after a config change starts training (WASM)', async ({ page }) => {
  test.setTimeout(120_000);
  // Clicked while the page is still starting: queued behind the start-up, then carried out.
  await page.goto(`/?backend=wasm&${MICRO}&steps=400`);
  await start(page).click();
  const t0 = Date.now();
  await waitForStep(page, 1, 60_000, 100);
  console.log(`[runs] Start during start-up: step 1 after ${Date.now() - t0} ms`);
  await pause(page);

  // The walk: the default (small) model, then micro and Batch 8 in the form, then Start at once.
  await page.goto('/?backend=wasm');
  await page.getByLabel('Preset').selectOption('micro'); // waits until the form is enabled (the start-up is done)
  await page.getByLabel('Batch', { exact: true }).fill('8');
  await start(page).click();
  const t1 = Date.now();
  // Building micro and one step at batch 8 take well under a second here; allow for a loaded machine.
  await waitForStep(page, 1, 30_000, 100);
  console.log(`[runs] Start right after a config change: step 1 after ${Date.now() - t1} ms`);
  await expect(status(page)).toContainText('running');
  const m = await exportMetricsJson(page);
  expect(m.config).toMatchObject({ preset: 'micro', batchSize: 8 });
  await pause(page);
});

test('a Start given during a backend switch is carried out once the switch is done', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(`/?backend=wasm&${MICRO}&steps=400`);
  await waitForReady(page);
  await start(page).click();
  await waitForStep(page, 3);
  const at = await pause(page);
  await page.getByLabel('Backend', { exact: true }).selectOption('cpu');
  await start(page).click(); // while the new worker starts: queued
  await expect(page.getByLabel('Queued commands')).toContainText('Start');
  await expect(page.getByLabel('Device in use')).toHaveAttribute('data-backend', 'cpu', { timeout: 60_000 });
  await waitForStep(page, at + 2, 60_000);
  await expect(status(page)).toContainText('running');
  await pause(page);
});

test('WebGPU: a Start given the instant it is enabled starts training', async ({ page }) => {
  test.setTimeout(300_000);
  // Clicked while the page starts (the window where the Start used to be lost).
  await page.goto('/?backend=webgpu&preset=micro&patchSize=8&batchSize=2&warmupFraction=0&steps=100');
  await start(page).click();
  const t0 = Date.now();
  await waitForStep(page, 1, 240_000, 1000);
  console.log(`[runs/webgpu] Start during start-up: step 1 after ${Date.now() - t0} ms`);
  await expect(page.getByLabel('Device in use')).toHaveAttribute('data-backend', 'webgpu');
  const at = await pause(page);
  // A config change, then Start at once: a new model, and it trains.
  await page.getByRole('button', { name: 'Reset', exact: true }).click();
  await page.getByLabel('Batch', { exact: true }).fill('3'); // the form waits until the Reset is done
  await start(page).click();
  const t1 = Date.now();
  await waitForStep(page, 1, 240_000, 1000);
  console.log(`[runs/webgpu] Start right after a config change: step 1 after ${Date.now() - t1} ms (the first run paused at ${at})`);
  expect((await exportMetricsJson(page)).config).toMatchObject({ batchSize: 3 });
  await pause(page);
});

test('two saved runs, both resumed from the Runs table after a reload, each with its own numbers', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto(`/?backend=wasm&${MICRO}&steps=100&seed=1`);
  await waitForReady(page);
  await start(page).click();
  await waitForStep(page, 5);
  const atA = await pause(page);
  const a = await exportMetricsJson(page);
  const idA = await shownRunId(page);

  await page.getByLabel('Seed', { exact: true }).fill('2');
  await page.getByRole('button', { name: 'Reset', exact: true }).click(); // a new run (A is saved as it stands)
  await start(page).click();
  await waitForStep(page, 3);
  const atB = await pause(page);
  const b = await exportMetricsJson(page);
  const idB = await shownRunId(page);
  expect(idB).not.toBe(idA);
  expect(losses(b)).not.toEqual(losses(a).slice(0, losses(b).length));

  await page.reload(); // the address has seed 2: B continues by itself
  await expect(notice(page)).toContainText(`Resumed from step ${atB}`, { timeout: 90_000 });
  expect(await shownRunId(page)).toBe(idB);

  // A, from its row (the Runs view).
  await openView(page, 'runs');
  const rowA = page.locator(`tr[data-run-id="${idA}"]`);
  await expect(rowA).toHaveAttribute('data-checkpoint-step', String(atA));
  await rowA.getByRole('button', { name: /^Resume/ }).click();
  await expect(notice(page)).toContainText(`Resumed from step ${atA}`, { timeout: 60_000 });
  await expect(status(page)).toContainText(new RegExp(`step ${atA} of 100.*paused`));
  expect(await shownRunId(page)).toBe(idA);
  const a2 = await exportMetricsJson(page);
  expect(losses(a2)).toEqual(losses(a));
  expect(a2.config.seed).toBe(1);
  await start(page).click();
  await waitForStep(page, atA + 2);
  const atA2 = await pause(page);

  // B again, from its row: its own numbers, and it goes on.
  await page.locator(`tr[data-run-id="${idB}"]`).getByRole('button', { name: /^Resume/ }).click();
  await expect(notice(page)).toContainText(`Resumed from step ${atB}`, { timeout: 60_000 });
  const b2 = await exportMetricsJson(page);
  expect(losses(b2)).toEqual(losses(b));
  expect(b2.config.seed).toBe(2);
  await start(page).click();
  await waitForStep(page, atB + 2);
  await pause(page);
  // A kept the steps it trained after its resume (saved when B took its place).
  await expect(page.locator(`tr[data-run-id="${idA}"]`)).toHaveAttribute('data-checkpoint-step', String(atA2));
});

test('two tabs train two runs at once, never the same one, and both resume intact', async ({ page }) => {
  test.setTimeout(240_000);
  const p1 = page;
  await p1.goto(`/?backend=wasm&${MICRO}&steps=400&seed=1&checkpointEvery=2`);
  await waitForReady(p1);
  await start(p1).click();
  await waitForStep(p1, 4);
  await pause(p1);
  const idA = await shownRunId(p1);

  // A second tab with the same settings: run A is open in the first, so not here.
  const p2 = await page.context().newPage();
  await p2.goto(`/?backend=wasm&${MICRO}&steps=400&seed=1&checkpointEvery=2`);
  await waitForReady(p2);
  await expect(p2.getByRole('alert', { name: 'Saved run problem' })).toContainText('open in another tab');
  expect(await shownRunId(p2)).not.toBe(idA);
  await openView(p2, 'runs');
  await p2.locator(`tr[data-run-id="${idA}"]`).getByRole('button', { name: /^Resume/ }).click();
  await expect(p2.getByRole('alert', { name: 'Saved run problem' })).toContainText(/This run is open in the tab opened at \d\d:\d\d:\d\d/);
  await expect(status(p2)).toContainText(/step 0 of 400.*ready/);

  // Both train at once: run A in the first tab, a new run B (seed 2) in the second.
  await p2.getByLabel('Seed', { exact: true }).fill('2');
  await start(p2).click();
  await start(p1).click();
  await waitForStep(p2, 6);
  await waitForStep(p1, 10);
  const atA = await pause(p1);
  const atB = await pause(p2);
  const idB = await shownRunId(p2);
  const a = await exportMetricsJson(p1);
  const b = await exportMetricsJson(p2);

  for (const [p, id, at, m] of [[p1, idA, atA, a], [p2, idB, atB, b]] as const) {
    await p.reload();
    await expect(notice(p)).toContainText(`Resumed from step ${at}`, { timeout: 90_000 });
    expect(await shownRunId(p)).toBe(id);
    expect(losses(await exportMetricsJson(p))).toEqual(losses(m));
  }
  await p2.close();
});

test('a full disk: the run keeps training, checkpoints are off and say why, the older checkpoint stays readable', async ({ page }) => {
  test.setTimeout(150_000);
  await page.goto(`/?backend=wasm&${MICRO}&steps=2000&checkpointEvery=5`);
  await waitForReady(page);
  await start(page).click();
  await expect(page.getByLabel('Last checkpoint')).toHaveAttribute('data-step', /^([1-9]\d*[05])$/, { timeout: 60_000 });
  // Every IndexedDB write in the training worker is refused from now on, as on a full disk.
  const worker = page.workers().find((w) => w.url().includes('trainWorker'))!;
  const lastGood = await worker.evaluate(() => {
    IDBObjectStore.prototype.put = function () {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
  }).then(async () => Number(await page.getByLabel('Last checkpoint').getAttribute('data-step')));
  const off = page.getByRole('alert', { name: 'Checkpoints off' });
  await expect(off).toContainText('Checkpoints are off for this run', { timeout: 60_000 });
  await expect(off).toContainText('QuotaExceededError');
  const kept = Number(await off.getAttribute('data-last-good'));
  expect(kept).toBeGreaterThanOrEqual(lastGood);
  await expect(off).toContainText(`The last good checkpoint, of step ${kept}, is kept. Training goes on.`);
  // Training goes on.
  const now = await currentStep(page);
  await waitForStep(page, now + 10);
  await expect(status(page)).toContainText('running');
  // A crash now (a reload, with storage back): the older checkpoint is there and whole.
  await page.reload();
  await expect(notice(page)).toContainText(`Resumed from step ${kept}`, { timeout: 90_000 });
  await expect(status(page)).toContainText(new RegExp(`step ${kept} of 2000.*paused`));
});

test('a reload whose dataset is a picked file: a model on the built-in data, the subset kept for the file, the saved run resumed when it is picked', async ({ page }) => {
  test.setTimeout(150_000);
  const archive = { name: 'cifar-100-binary.tar.gz', mimeType: 'application/gzip', buffer: cifar100Archive(300, 100, { names: true }) };
  await page.goto(`/?backend=wasm&${MICRO}&steps=100`);
  await waitForReady(page);
  await page.getByLabel('CIFAR file(s)').setInputFiles(archive);
  await expect(page.getByLabel('Loaded images')).toContainText('cifar-100-binary.tar.gz: 300 train');
  await page.getByLabel('Classes', { exact: true }).fill('apple, bee, 7-9');
  await start(page).click();
  await waitForStep(page, 4);
  const at = await pause(page);
  const before = await exportMetricsJson(page);
  expect(before.config.subset).toMatchObject({ classes: ['apple', 'bee', 7, 8, 9] });
  const trained = (before as unknown as { dataset: { trainSize: number } }).dataset.trainSize;
  expect(trained).toBe(15); // 5 classes × 3 images

  await page.reload();
  // A model on the built-in data, without the file's subset, and the page says so.
  await expect(status(page)).toContainText(/step 0 of 100.*ready/, { timeout: 90_000 });
  await expect(page.getByLabel('Loaded images')).toContainText('built-in shapes');
  const dataNote = page.locator('.dataset [role="alert"]');
  await expect(dataNote).toContainText('cifar-100-binary.tar.gz named in the link is not here');
  await expect(dataNote).toContainText('without the subset (classes apple, bee, 7-9): it is kept for cifar-100-binary.tar.gz');
  await expect(page.getByText('Could not build the model')).toHaveCount(0);
  await expect(page.getByRole('note', { name: 'Saved run' })).toContainText('Pick cifar-100-binary.tar.gz again');
  expect(new URL(page.url()).searchParams.get('classes')).toBe('apple,bee,7-9'); // the link still names the file's subset

  // Picking the file again resumes the run, with its subset.
  await page.getByLabel('CIFAR file(s)').setInputFiles(archive);
  await expect(notice(page)).toContainText(`Resumed from step ${at}`, { timeout: 60_000 });
  await expect(page.getByLabel('Classes', { exact: true })).toHaveValue('apple, bee, 7-9');
  const after = await exportMetricsJson(page);
  expect(after.config.subset).toEqual(before.config.subset);
  expect(losses(after)).toEqual(losses(before));
  await start(page).click();
  await waitForStep(page, at + 2);
  await pause(page);
});

test('the Masks view shows the last batch after a pause, and after a reload resumes the run', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(`/?backend=wasm&${MICRO}&steps=400`);
  await waitForReady(page);
  await start(page).click();
  await waitForStep(page, 6);
  const at = await pause(page);
  await openView(page, 'latents'); // the address keeps it: after the reload too
  const masks = page.getByRole('figure', { name: 'Masks of the current batch' });
  await masks.scrollIntoViewIfNeeded();
  await expect(masks).toHaveAttribute('data-step', String(at), { timeout: 30_000 });
  await expect(masks.locator('canvas')).toBeVisible();
  await page.reload();
  await expect(notice(page)).toContainText(`Resumed from step ${at}`, { timeout: 90_000 });
  await masks.scrollIntoViewIfNeeded();
  await expect(masks).toHaveAttribute('data-step', String(at), { timeout: 30_000 });
  await expect(masks).not.toContainText('no batch yet');
});

test('the storage budget deletes the oldest checkpoints first and says so', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(`/?backend=wasm&${MICRO}&steps=400&seed=1`);
  await waitForReady(page);
  await start(page).click();
  await waitForStep(page, 2);
  await pause(page);
  const idA = await shownRunId(page);
  await page.getByLabel('Seed', { exact: true }).fill('2');
  await page.getByRole('button', { name: 'Reset', exact: true }).click();
  await start(page).click();
  await waitForStep(page, 2);
  await pause(page);
  const rowA = page.locator(`tr[data-run-id="${idA}"]`);
  await expect(rowA).toHaveAttribute('data-checkpoint-step', /\d+/);
  // A micro checkpoint is 2.5 MB: a 3 MB budget keeps only the run shown. (The budget and the table: the Runs view.)
  await openView(page, 'runs');
  await page.getByLabel('Checkpoint storage (MB)').fill('3');
  await page.getByLabel('Checkpoint storage (MB)').press('Enter');
  await expect(notice(page)).toContainText('Checkpoint storage budget 3.0 MB: deleted the oldest checkpoint to make room', { timeout: 30_000 });
  await expect(rowA).toHaveAttribute('data-checkpoint-step', '');
  await expect(rowA.getByRole('button', { name: /^Resume/ })).toHaveCount(0);
  await expect(page.getByLabel('Checkpoint storage use')).toContainText('1 checkpoint saved');
});
