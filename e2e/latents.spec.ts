// Issue 23 in the page: a few SparseJEPA micro steps, then the Latents view's Compute: a row per
// latent (K: the run's config.latentDim, read from its exported metrics JSON; the address sets it
// to 16, not the default 32), each with its top test patches as crops, and the groups that read
// the latents.
import { expect, test } from '@playwright/test';
import { exportMetricsJson, openView, status, waitForReady } from './helpers';

const URL = '/?backend=wasm&preset=micro&batchSize=8&steps=4&perClass=10&seed=3&mode=sparse&latentDim=16';
const TOP_N = 8; // store/latents/state.ts LATENTS_TOP_N

test('Compute lists every latent’s top test patches and the groups that read them', async ({ page }) => {
  test.setTimeout(170_000);
  await page.goto(URL);
  await waitForReady(page);
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(status(page)).toContainText(/step 4 of 4.*done/, { timeout: 120_000 });
  const K = Number((await exportMetricsJson(page)).config.latentDim);
  expect(K).toBe(16);
  await openView(page, 'latents');
  const panel = page.getByRole('region', { name: 'What each latent responds to' });
  await panel.getByRole('button', { name: 'Compute' }).click();
  await expect(panel.locator('.latents-summary')).toContainText('Step 4', { timeout: 60_000 });
  const rows = panel.locator('.latents-all .latent-row');
  await expect(rows).toHaveCount(K);
  for (let k = 0; k < K; k++) await expect(rows.nth(k).locator('canvas.latent-crop')).toHaveCount(TOP_N);
  const read = await panel.locator('.latents-all .latent-groups').allTextContents();
  expect(read.filter((t) => /^read by groups? \d/.test(t)).length).toBeGreaterThan(0);
  // The group selector: group 0's latents, each with its crops.
  await panel.getByLabel('Group').selectOption('0');
  expect(await panel.locator('.latents-group-rows .latent-row').count()).toBeGreaterThan(0);
});
