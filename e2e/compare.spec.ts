// (22) Comparing runs as researchers do, driven from the keyboard: Space starts and pauses, "."
// steps once, "?" lists the shortcuts; then two runs of one setting with two seeds, ticked in the
// Runs view: one overlaid line each on any metric, a config diff of `seed` alone, and one group
// of n = 2 whose mean ± spread of the final loss is the two runs' own.
import { expect, test, type Page } from '@playwright/test';
import { currentStep, exportMetricsJson, openView, status, waitForReady, waitForStep } from './helpers';

const URL = '/?backend=wasm&preset=micro&batchSize=8&warmupFraction=0&steps=400&seed=1';
const shownRunId = (page: Page) => status(page).getAttribute('data-run-id');
/** Nothing focused: Space on a focused button or field is that control's, not a shortcut. */
const unfocus = (page: Page) => page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());

/** Space starts a run and Space pauses it; returns its id and the loss of its last step. */
async function trainWithSpace(page: Page, steps: number): Promise<{ id: string; lastLoss: number }> {
  await unfocus(page);
  await page.keyboard.press('Space');
  await expect(status(page)).toContainText('running');
  await waitForStep(page, steps);
  await page.keyboard.press('Space');
  await expect(status(page)).toContainText('paused');
  const m = await exportMetricsJson(page);
  return { id: (await shownRunId(page))!, lastLoss: m.metrics[m.metrics.length - 1].loss };
}

test('Space, "." and "?" drive the lab; two seeds of one setting compared: overlaid curves, the config diff, one group of n = 2', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto(URL);
  await waitForReady(page);

  // Space starts (the step rises), Space again pauses.
  const a = await trainWithSpace(page, 3);
  // "." steps once.
  const at = await currentStep(page);
  await page.keyboard.press('.');
  await expect.poll(() => currentStep(page)).toBe(at + 1);
  await expect(status(page)).toContainText('paused');
  const aLoss = (await exportMetricsJson(page)).metrics.at(-1)!.loss;

  // "?" opens the list of shortcuts (a dialog); Escape closes it.
  await page.keyboard.press('?');
  const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('Space');
  await expect(dialog).toContainText('One training step');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  // The same setting with another seed: a second run, trained from the keyboard too.
  await page.getByLabel('Seed', { exact: true }).fill('2');
  await page.getByRole('button', { name: 'Reset', exact: true }).click();
  await expect(status(page)).toContainText(/step 0 of 400.*ready/);
  const b = await trainWithSpace(page, 3);
  expect(b.id).not.toBe(a.id);

  // Both ticked in the Runs view.
  await openView(page, 'runs');
  for (const id of [a.id, b.id]) await page.locator(`tr[data-run-id="${id}"]`).getByRole('checkbox').check();
  const compare = page.getByRole('region', { name: 'Run comparison' });
  await expect(compare).toHaveAttribute('data-runs', '2');

  // One line per run, on the loss and on any other metric picked.
  const overlay = compare.getByRole('group', { name: 'Overlaid curves' });
  await expect(overlay).toHaveAttribute('data-metric', 'loss');
  await expect(overlay).toHaveAttribute('data-series', '2');
  for (const [metric, title] of [['predLoss', 'Prediction loss'], ['gradNorm', 'Gradient norm']] as const) {
    await overlay.getByLabel('Overlay metric').selectOption(metric);
    await expect(overlay).toHaveAttribute('data-metric', metric);
    await expect(overlay).toHaveAttribute('data-series', '2');
    await expect(overlay.getByRole('figure', { name: new RegExp(`${title} of the selected runs`) })).toBeVisible();
  }

  // The config diff lists the seed alone.
  const diff = compare.getByRole('table', { name: 'Config differences' });
  await expect(diff).toHaveAttribute('data-fields', 'seed');
  await expect(diff.locator('tbody tr')).toHaveCount(1);
  await expect(diff.locator('tbody tr[data-field="seed"] td')).toHaveText(['1', '2']);

  // Grouped by setting: one group of the two seeds, its final loss the mean ± spread of theirs.
  const groups = page.getByRole('region', { name: 'Runs by setting' });
  await expect(groups).toHaveAttribute('data-source', 'ticked');
  const rows = groups.getByRole('table', { name: 'Settings over seeds' }).locator('tbody tr');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-n', '2');
  await expect(rows.first().locator('td').nth(3)).toHaveText('1, 2');
  const loss = rows.first().locator('td').nth(4);
  const mean = (aLoss + b.lastLoss) / 2;
  const std = Math.abs(aLoss - b.lastLoss) / Math.SQRT2; // the sample std of two values
  await expect.poll(async () => Number(await loss.getAttribute('data-mean'))).toBeCloseTo(mean, 6);
  expect(Number(await loss.getAttribute('data-std'))).toBeCloseTo(std, 6);
  await expect(rows.first().locator('td').nth(5)).toHaveText('not probed');

  // All runs: the same one group here (nothing else was trained).
  await groups.getByLabel('Group runs of').selectOption('all');
  await expect(groups).toHaveAttribute('data-source', 'all');
  await expect(rows).toHaveCount(1);
});
