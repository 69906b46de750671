// Issue 17 in the page: a folder of images picked with "Pick a folder" (<input webkitdirectory>)
// is the training data (a non-image and a corrupt PNG in it are listed as skipped), a few steps
// train, the Linear probe runs on the counting set (a transfer probe: pretrained on the folder,
// probed on the counting set), on the training data and on a folder picked for probing only, and
// the Transfer table shows the run's row with all three, each beside its floor — also after a
// reload (IndexedDB).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect, test } from '@playwright/test';
import { classFolder, pngOf } from '../src/data/image-test-helpers';
import { openView, pause, screenshot, status, waitForReady, waitForStep } from './helpers';

const percent = (x: number) => `${(100 * x).toFixed(1)} %`;

test('pick a folder of images, train a few steps, probe on the counting set, see the Transfer row', async ({ page }, testInfo) => {
  test.setTimeout(300_000);
  const root = mkdtempSync(join(tmpdir(), 'lab-transfer-'));
  const folder = join(root, 'blobs');
  // Three classes of 6 small PNGs (one level of class folders: split into train and test by a seeded fraction).
  const colours = [
    [220, 40, 40],
    [40, 200, 60],
    [50, 70, 230],
  ];
  const files = [
    ...classFolder('', ['red', 'green', 'blue'], [6, 6, 6], (c, i) => pngOf(10 + i, 12, (x, y) => colours[c].map((v) => (v + 7 * x + 5 * y) % 256))),
    { path: 'notes.txt', bytes: new TextEncoder().encode('not an image') },
    { path: 'red/broken.png', bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]) },
  ];
  for (const f of files) {
    mkdirSync(dirname(join(folder, f.path)), { recursive: true });
    writeFileSync(join(folder, f.path), f.bytes);
  }
  try {
    await page.goto('/?backend=wasm&preset=micro&batchSize=4&steps=20&seed=1');
    await waitForReady(page);

    await page.getByLabel('Pick a folder').setInputFiles(folder);
    const loaded = page.getByLabel('Loaded images');
    await expect(loaded).toContainText(/^blobs: \d+ train \/ \d+ test images, 3 classes/, { timeout: 60_000 });
    const [, train, test] = /(\d+) train \/ (\d+) test/.exec((await loaded.textContent()) ?? '')!.map(Number);
    expect(train + test).toBe(18); // the broken PNG is left out
    const skipped = page.getByLabel('Skipped files');
    await expect(skipped).toHaveAttribute('data-count', '2');
    await skipped.locator('summary').click();
    await expect(skipped).toContainText('notes.txt: not inside a class folder');
    await expect(skipped).toContainText('red/broken.png: truncated PNG');
    await expect(status(page)).toContainText(/step 0 of 20.*ready/);

    for (let i = 1; i <= 3; i++) {
      await page.getByRole('button', { name: 'Step' }).click();
      await expect(status(page)).toContainText(new RegExp(`step ${i} of 20`));
    }

    // Probe on the counting set: the run's encoder, frozen, fitted and scored there, beside its random-init floor there.
    await page.getByLabel('Probe on').selectOption('counting');
    const t0 = Date.now();
    await page.getByRole('button', { name: 'Evaluate' }).click();
    const result = page.getByLabel('Transfer result');
    await expect(result).toBeVisible({ timeout: 240_000 });
    console.log(`probe on the counting set: ${Date.now() - t0} ms in the page`);
    await expect(result).toHaveAttribute('data-step', '3');
    await expect(result).toHaveAttribute('data-probe-dataset', 'counting');
    await expect(result).toHaveAttribute('data-pretrain-dataset', 'file:blobs');
    await expect(result).toHaveAttribute('data-num-classes', '8');
    const top1 = Number(await result.getAttribute('data-top1'));
    const floor = Number(await result.getAttribute('data-random-init-top1'));
    for (const v of [top1, floor]) expect(v).toBeGreaterThan(0);
    for (const v of [top1, floor]) expect(v).toBeLessThanOrEqual(1);
    await expect(result).toContainText(`pretrained on blobs, probed on counting set: top-1 ${percent(top1)} (random init ${percent(floor)})`);
    await expect(result).toContainText('800 test images, probe fitted on 4000');
    await expect(page.getByLabel('Probe result')).toHaveCount(0); // the training data's probe is another result

    // The Transfer table (the Evaluate view; the address keeps it through the reload below): the run's row, top-1 on the counting set beside its floor.
    await openView(page, 'evaluate');
    const table = page.getByRole('table', { name: 'Transfer' });
    const rows = table.locator('tbody tr');
    await expect(rows).toHaveCount(1);
    await expect(table.locator('thead')).toContainText('counting set (8 classes, chance 12.5 %)');
    const cell = rows.first().locator('td[data-dataset="counting"]');
    await expect(cell).toHaveAttribute('data-top1', String(top1));
    await expect(cell).toHaveAttribute('data-floor-top1', String(floor));
    await expect(cell).toContainText(`${percent(top1)} (floor ${percent(floor)}, step 3)`);
    // Beside it, the k-NN read-out of the same probe on the counting set, with its own floor there.
    const knn = rows.first().locator('td[data-knn-dataset="counting"]');
    await expect(knn).toHaveAttribute('data-step', '3');
    const [knnTop1, knnFloor] = [Number(await knn.getAttribute('data-top1')), Number(await knn.getAttribute('data-floor-top1'))];
    for (const v of [knnTop1, knnFloor]) expect(v >= 0 && v <= 1).toBe(true);
    await expect(knn).toContainText(`${percent(knnTop1)} (floor ${percent(knnFloor)}, step 3)`);
    await expect(table.locator('thead th[data-knn-dataset="counting"]')).toContainText('k-NN');
    await expect(rows.first()).toContainText('blobs');
    await expect(rows.first()).toHaveAttribute('data-transfer-run', (await status(page).getAttribute('data-run-id'))!);

    // And on the training data: the same row gets its own column.
    await page.getByLabel('Probe on').selectOption('');
    await page.getByRole('button', { name: 'Evaluate' }).click();
    await expect(page.getByLabel('Probe result')).toHaveAttribute('data-step', '3', { timeout: 120_000 });
    const own = rows.first().locator('td[data-dataset="file:blobs"]');
    await expect(own).toHaveAttribute('data-own', 'true');
    await expect(own).toHaveAttribute('data-top1', (await page.getByLabel('Probe result').getAttribute('data-top1'))!);

    // A folder picked for probing only: loaded beside the training data, which stays as it is.
    const stripes = join(root, 'stripes');
    for (const f of classFolder('', ['wide', 'thin'], [4, 4], (c, i) => pngOf(16, 16 + i, (x) => (Math.floor(x / (c ? 2 : 6)) % 2 ? [250, 250, 250] : [10, 10, 10])))) {
      mkdirSync(dirname(join(stripes, f.path)), { recursive: true });
      writeFileSync(join(stripes, f.path), f.bytes);
    }
    await page.getByLabel('Probe on').selectOption({ label: 'Another archive or folder…' });
    await page.getByLabel('Probe dataset folder').setInputFiles(stripes);
    await expect(page.getByLabel('Loaded for probing')).toContainText('stripes: 6 train / 2 test images, 2 classes (for probing only)');
    await expect(page.getByLabel('Probe on')).toHaveValue('file:stripes');
    await page.getByRole('button', { name: 'Evaluate' }).click();
    await expect(result).toHaveAttribute('data-probe-dataset', 'file:stripes', { timeout: 120_000 });
    await expect(loaded).toContainText(/^blobs: /); // the training data
    await expect(status(page)).toContainText(/step 3 of 20.*paused/);
    await expect(rows.first().locator('td[data-dataset="file:stripes"]')).toHaveAttribute('data-top1', (await result.getAttribute('data-top1'))!);
    await expect(table.locator('thead th[data-dataset]')).toHaveCount(3);

    await screenshot(page, testInfo, 'transfer');

    // Kept in this browser: after a reload (the folder is not here; the page trains on the built-in data meanwhile) the row is still there.
    await page.reload();
    await expect(page.getByLabel('Device in use')).toContainText('Using', { timeout: 90_000 });
    await expect(rows).toHaveCount(1, { timeout: 60_000 });
    await expect(rows.first().locator('td[data-dataset="counting"]')).toHaveAttribute('data-top1', String(top1));
    await expect(rows.first().locator('td[data-dataset="file:blobs"]')).toHaveAttribute('data-own', 'true');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a run on the counting set resumes after a reload, like the built-in data', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto('/?backend=wasm&preset=micro&batchSize=4&steps=50');
  await waitForReady(page);
  await page.getByLabel('Dataset', { exact: true }).selectOption('counting');
  await expect(page.getByLabel('Loaded images')).toContainText('counting set: 4,000 train / 800 test images, 8 classes');
  await expect.poll(() => new URL(page.url()).searchParams.get('dataset')).toBe('counting');
  await expect(status(page)).toContainText(/step 0 of 50.*ready/);
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await waitForStep(page, 3);
  const at = await pause(page);
  await expect(page.getByLabel('Last checkpoint')).toHaveAttribute('data-step', String(at));
  await page.reload();
  await expect(page.getByRole('note', { name: 'Run notice' })).toContainText(`Resumed from step ${at}`, { timeout: 90_000 });
  await expect(page.getByLabel('Loaded images')).toContainText('counting set');
  await expect(status(page)).toContainText(new RegExp(`step ${at} of 50.*paused`));
});
