// The README's pictures: after a short run (20 steps, micro, the built-in data) one screenshot of
// each view at 1440×900 into docs/screenshots/<view>.png. Not a check, and CI does not set the
// flag: run it by hand when the page's look changes, and commit the PNGs:
//   LAB_SCREENSHOTS=1 npx playwright test e2e/screenshots.spec.ts
import { mkdirSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { openView, status, waitForReady, type ViewName } from './helpers';

const VIEWS: ViewName[] = ['train', 'latents', 'evaluate', 'runs', 'theory'];

test.use({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });

test('screenshots of every view after 20 steps, for the README', async ({ page }) => {
  test.skip(!process.env.LAB_SCREENSHOTS, 'pictures for the README: run with LAB_SCREENSHOTS=1');
  test.setTimeout(300_000);
  mkdirSync('docs/screenshots', { recursive: true });
  await page.goto('/?backend=wasm&preset=micro&batchSize=8&steps=20&warmupFraction=0&healthEvery=5&normsEvery=2&probeEvery=10#train');
  await waitForReady(page);
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(status(page)).toContainText(/step 20 of 20.*done/, { timeout: 240_000 });
  // The deep linear demo, open, for the Theory view.
  await openView(page, 'theory');
  await page.getByText('Why predict in latent space: the deep linear demo').click();
  await expect(page.getByLabel('Which feature each objective learned first')).toHaveAttribute('data-done', 'true', { timeout: 60_000 });
  for (const view of VIEWS) {
    await openView(page, view);
    // Charts that were off screen take the newest series when they come into view; a pause for it to settle.
    await page.waitForTimeout(1500);
    await page.screenshot({ path: `docs/screenshots/${view}.png` });
  }
});
