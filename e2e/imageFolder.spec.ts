// A .zip of image folders picked in the page decodes in the worker with the browser's own
// decoders (createImageBitmap + OffscreenCanvas: PNG, JPEG and WebP), a corrupt file among them
// is left out, and the lab trains on the images. (A picked folder and "Probe on": transfer.spec.ts.)
import { expect, test } from '@playwright/test';
import { classFolder, jpegOf, zipOf } from '../src/data/image-test-helpers';
import { pause, status, waitForReady, waitForStep } from './helpers';

test('a zip of PNG, JPEG and WebP class folders loads in the worker and trains', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto('/?preset=micro&batchSize=4&steps=20');
  await waitForReady(page);
  // WebP has no Node encoder here: the browser writes two (lossy and lossless quality).
  const webps = await page.evaluate(async () => {
    const out: number[][] = [];
    for (const quality of [0.8, 1]) {
      const c = new OffscreenCanvas(20, 14);
      const ctx = c.getContext('2d')!;
      ctx.fillStyle = 'rgb(30, 200, 90)';
      ctx.fillRect(0, 0, 20, 14);
      const blob = await c.convertToBlob({ type: 'image/webp', quality });
      out.push(Array.from(new Uint8Array(await blob.arrayBuffer())));
    }
    return out;
  });
  expect(new TextDecoder().decode(Uint8Array.from(webps[0]).subarray(8, 12))).toBe('WEBP');
  const entries = [
    ...classFolder('flowers/train/', ['rose', 'tulip'], [5, 4]),
    ...classFolder('flowers/test/', ['rose', 'tulip'], [2, 1]),
    { path: 'flowers/train/tulip/big.jpg', bytes: jpegOf(120, 80, (x) => [x * 2, 50, 50]) },
    ...webps.map((w, i) => ({ path: `flowers/train/tulip/w${i}.webp`, bytes: Uint8Array.from(w) })),
    { path: 'flowers/train/rose/broken.png', bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]) },
  ];
  await page.getByLabel('CIFAR file(s)').setInputFiles({ name: 'flowers.zip', mimeType: 'application/zip', buffer: Buffer.from(zipOf(entries)) });
  // 5 + 4 + 1 JPEG + 2 WebP train images (the broken PNG left out), 3 test images.
  await expect(page.getByLabel('Loaded images')).toContainText('flowers.zip: 12 train / 3 test images, 2 classes');
  await expect(page.locator('.dataset [role="alert"]')).toHaveCount(0);
  await expect(status(page)).toContainText(/step 0 of 20/);
  await page.getByRole('button', { name: 'Start' }).click();
  await waitForStep(page, 3);
  await pause(page);
});
