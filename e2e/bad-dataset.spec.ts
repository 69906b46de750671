// (4) A dataset file that is not CIFAR (random bytes, a truncated archive) shows a clear error,
// and the lab still trains on the built-in data afterwards.
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import { reportLongTasks, observeLongTasks, pageNow, pause, screenshot, status, waitForReady, waitForStep } from './helpers';

/** One ustar entry. */
function tarEntry(name: string, data: Buffer): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 'utf8');
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124);
  h.write('00000000000\0', 136);
  h.write('        ', 148);
  h.write('0', 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return Buffer.concat([h, data, Buffer.alloc((512 - (data.length % 512)) % 512)]);
}

/** CIFAR-100 records: coarse label, fine label, 3072 pixel bytes. */
function records(n: number): Buffer {
  const b = randomBytes(n * 3074);
  for (let i = 0; i < n; i++) {
    b[i * 3074] = i % 20;
    b[i * 3074 + 1] = i % 100;
  }
  return b;
}

test('a dataset file that is not CIFAR shows a clear error; the built-in data still trains', async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  await observeLongTasks(page);
  await page.goto('/?preset=micro&batchSize=8&steps=50');
  await waitForReady(page);
  const summary = page.getByLabel('Loaded images');
  await expect(summary).toContainText('built-in shapes');
  const picker = page.getByLabel('CIFAR file(s)');
  const alert = page.locator('.dataset [role="alert"]');

  // Random bytes under the archive's name.
  await picker.setInputFiles({ name: 'cifar-100-binary.tar.gz', mimeType: 'application/gzip', buffer: randomBytes(300_000) });
  await expect(alert).toContainText('Could not load cifar-100-binary.tar.gz:');
  await expect(alert).toContainText('not a CIFAR archive');

  // A real-looking archive cut in half.
  const tar = Buffer.concat([tarEntry('cifar-100-binary/train.bin', records(200)), tarEntry('cifar-100-binary/test.bin', records(40)), Buffer.alloc(1024)]);
  const gz = gzipSync(tar);
  await picker.setInputFiles({ name: 'cifar-100-binary.tar.gz', mimeType: 'application/gzip', buffer: gz.subarray(0, gz.length >> 1) });
  await expect(alert).toContainText('Could not load cifar-100-binary.tar.gz:');
  await expect(alert).toContainText(/truncated/);

  // A lone train.bin of the wrong size.
  await picker.setInputFiles({ name: 'train.bin', mimeType: 'application/octet-stream', buffer: randomBytes(5000) });
  await expect(alert).toContainText('Could not load train.bin:');

  // The built-in data is still what the lab uses, and it trains.
  await expect(summary).toContainText('built-in shapes');
  await expect(page.getByLabel('Dataset', { exact: true })).toHaveValue('synthetic');
  await expect(status(page)).toContainText(/step 0 of 50/);
  const t0 = await pageNow(page);
  await page.getByRole('button', { name: 'Start' }).click();
  await waitForStep(page, 5);
  const t1 = await pageNow(page);
  await pause(page);
  const losses = await page.getByLabel('Loss summary').locator('dd').evaluateAll((dds) => dds.map((d) => Number(d.getAttribute('data-value'))));
  for (const l of losses) expect(Number.isFinite(l) && l > 0).toBe(true);

  await screenshot(page, testInfo, 'bad-dataset-then-trains');
  await reportLongTasks(page, testInfo, t0, t1);
});
