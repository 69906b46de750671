// Issue 16 in the page: an MAE run trains a few steps and shows its reconstruction next to its
// input, with its representation health; Train JEPA twin works from it; the deep linear demo
// draws both objectives' curves and names which feature each learned first.
import { expect, test, type Page } from '@playwright/test';
import { openView, screenshot, status, waitForReady } from './helpers';

const URL = '/?backend=wasm&preset=micro&batchSize=8&steps=6&perClass=20&seed=3&mode=mae&healthEvery=2';

const runRows = (page: Page) => page.getByRole('table', { name: 'Runs' }).locator('tbody tr');

test('MAE trains in the page, shows a reconstruction and its health; its JEPA twin has the same seed', async ({ page }, testInfo) => {
  test.setTimeout(170_000);
  await page.goto(URL);
  await waitForReady(page);
  await expect(page.getByLabel('Mode', { exact: true })).toHaveValue('mae');
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(status(page)).toContainText(/step 6 of 6.*done/, { timeout: 120_000 });

  // The reconstruction of the run as it ended: the decoder's pixels for real target patches.
  const view = page.getByRole('figure', { name: 'MAE reconstruction' });
  await view.scrollIntoViewIfNeeded();
  await expect(view).toHaveAttribute('data-step', '6', { timeout: 30_000 });
  await expect(view.locator('canvas')).toBeVisible();
  expect(Number(await view.getAttribute('data-targets'))).toBeGreaterThan(0);
  const mse = Number(await view.getAttribute('data-target-mse'));
  expect(mse).toBeGreaterThan(0);
  expect(Number.isFinite(mse)).toBe(true);
  await expect(view).toContainText('train image #0');
  // Another image: its own reconstruction, from the worker.
  await view.getByLabel('Train image').fill('5');
  await expect(view).toHaveAttribute('data-image', '5', { timeout: 30_000 });

  // Health at steps 0, 2, 4, 6 (MAE: its context encoder, the one it has).
  const health = page.getByRole('region', { name: 'Representation health' });
  await expect(health.getByLabel('Latest health')).toHaveAttribute('data-step', '6', { timeout: 30_000 });
  await expect(health.getByRole('figure', { name: /RankMe/ })).toHaveAttribute('data-points', '4');
  const rank = Number(await health.getByLabel('Latest health').getAttribute('data-rankme'));
  expect(rank).toBeGreaterThan(1);
  expect(rank).toBeLessThanOrEqual(64);
  await screenshot(page, testInfo, 'mae-reconstruction');

  // The run is in the Runs table (the Runs view) as MAE; its JEPA twin trains from the same seed.
  await openView(page, 'runs');
  const maeRow = page.locator('tr[data-mode="mae"]');
  await expect(maeRow).toHaveAttribute('data-seed', '3');
  await expect(maeRow).toContainText('MAE');
  await maeRow.getByRole('button', { name: /Train JEPA twin/ }).click();
  await expect(runRows(page)).toHaveCount(2, { timeout: 120_000 });
  await expect(status(page)).toContainText(/step 6 of 6.*done/, { timeout: 120_000 });
  const twin = page.locator('tr[data-mode="jepa"]');
  await expect(twin).toHaveAttribute('data-seed', '3');
  await expect(twin).toContainText('JEPA twin of MAE');
  await expect(page.getByLabel('Mode', { exact: true })).toHaveValue('jepa');
  await openView(page, 'train');
  await expect(page.getByRole('region', { name: 'Representation health' })).toBeVisible(); // the Train view is shown…
  await expect(view).toHaveCount(0); // …and it has no reconstruction: JEPA decodes no pixels
});

test('the deep linear demo: both objectives\' curves, critical times, which feature each learned first; a new depth restarts it', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  await page.goto('/?backend=wasm&preset=micro&batchSize=8&steps=6&perClass=20');
  await waitForReady(page);
  await openView(page, 'theory');
  await page.getByText('Why predict in latent space: the deep linear demo').click();
  const sentence = page.getByLabel('Which feature each objective learned first');
  const mae = page.getByRole('figure', { name: 'MAE feature gains' });
  const jepa = page.getByRole('figure', { name: 'JEPA feature gains' });
  // Depth 3 with the defaults (feature 1: λ 1, ρ 0.5; feature 2: λ 0.5, ρ 0.9): the orders disagree.
  await expect(sentence).toHaveAttribute('data-done', 'true', { timeout: 60_000 });
  await expect(mae).toHaveAttribute('data-first', '1');
  await expect(jepa).toHaveAttribute('data-first', '2');
  await expect(sentence).toContainText('Depth 3: MAE learned feature 1 (λ = 1, ρ = 0.5) first');
  await expect(sentence).toContainText('JEPA learned feature 2 (λ = 0.5, ρ = 0.9) first');
  for (const f of [mae, jepa]) {
    expect(Number(await f.getAttribute('data-points'))).toBeGreaterThan(50);
    expect((await f.getAttribute('data-critical-times'))!.split(',').every((t) => Number(t) > 0)).toBe(true);
    await expect(f.locator('.recharts-line')).toHaveCount(2); // one curve per feature
  }
  await page.locator('details.bias-demo').screenshot({ path: testInfo.outputPath('bias-demo-panel.png') });

  // Depth 1: JEPA orders the features like MAE.
  await page.getByLabel('Encoder depth L').selectOption('1');
  await expect(sentence).toContainText('Depth 1:', { timeout: 30_000 });
  await expect(sentence).toHaveAttribute('data-done', 'true', { timeout: 60_000 });
  await expect(jepa).toHaveAttribute('data-first', '1');
  // A bad ρ is refused by name; the curves stay.
  await page.getByLabel('ρ of feature 2').fill('1.5');
  await expect(page.getByRole('alert')).toContainText('rhos: feature 2: ρ must be in (0, 1]');
  await expect(jepa).toHaveAttribute('data-first', '1');
});
