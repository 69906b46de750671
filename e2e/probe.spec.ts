// (5) Linear probe and runs: Evaluate in the page gives top-1 and the random-init floor; the run is
// kept in the runs table; "Train JEPA twin" trains the JEPA baseline of the same seed; picking both
// overlays their curves; the runs survive a reload (IndexedDB).
import { expect, test, type Page } from '@playwright/test';
import { openView, screenshot, status, waitForReady } from './helpers';

/** WASM (fast on this CPU-only machine), micro model, 50 train images per class, a short run. */
const URL = '/?backend=wasm&preset=micro&batchSize=8&steps=6&perClass=50&seed=3';

const runRows = (page: Page) => page.getByRole('table', { name: 'Runs' }).locator('tbody tr');

async function numberAttr(page: Page, label: string, attr: string): Promise<number> {
  return Number(await page.getByLabel(label).getAttribute(attr));
}

test('Evaluate: probe top-1 vs the random-init floor; probe every N steps; runs table, JEPA twin, overlay', async ({ page }, testInfo) => {
  test.setTimeout(240_000);
  await page.goto(URL);
  await waitForReady(page);
  await expect(page.getByLabel('Device in use')).toContainText('WASM');

  for (let i = 1; i <= 2; i++) {
    await page.getByRole('button', { name: 'Step' }).click();
    await expect(status(page)).toContainText(new RegExp(`step ${i} of 6`));
  }

  // Evaluate at step 2: the progress bar fills, then the numbers and chart points appear.
  const t0 = Date.now();
  await page.getByRole('button', { name: 'Evaluate' }).click();
  const progress = page.getByRole('progressbar', { name: 'Probe progress' });
  const result = page.getByLabel('Probe result');
  await expect(result).toBeVisible({ timeout: 150_000 });
  await expect(progress).toHaveJSProperty('value', 1);
  const probeMs = Date.now() - t0;
  await expect(result).toHaveAttribute('data-step', '2');
  const top1 = await numberAttr(page, 'Probe result', 'data-top1');
  const top5 = await numberAttr(page, 'Probe result', 'data-top5');
  const floor1 = await numberAttr(page, 'Probe result', 'data-random-init-top1');
  for (const v of [top1, top5, floor1]) {
    expect(v).toBeGreaterThanOrEqual(0);
    expect(v).toBeLessThanOrEqual(1);
  }
  expect(top5).toBeGreaterThanOrEqual(top1);
  // Above chance (10 classes): the built-in shapes are separable even from a random encoder.
  expect(floor1).toBeGreaterThan(0.1);
  await expect(result).toContainText(`top-1 ${(100 * top1).toFixed(1)} % (random init ${(100 * floor1).toFixed(1)} %)`);
  await openView(page, 'evaluate');
  const chart = page.getByRole('figure', { name: /Probe accuracy vs step/ });
  await expect(chart).toHaveAttribute('data-points', '2'); // top-1 and top-5 at step 2
  console.log(`probe at step 2: top-1 ${top1}, top-5 ${top5}, random init top-1 ${floor1} (${probeMs} ms in the page)`);
  testInfo.annotations.push({ type: 'probe', description: `top-1 ${top1}, random init ${floor1}, ${probeMs} ms` });

  // Probe every 3 steps while training: steps 3 and 6 are probed in the loop (floor from the cache), with the linear and the k-NN read-outs.
  await page.getByLabel('Probe every N steps').fill('3');
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(status(page)).toContainText(/step 6 of 6.*done/, { timeout: 150_000 });
  await expect(chart).toHaveAttribute('data-points', '10', { timeout: 60_000 }); // linear top-1/top-5 at steps 2, 3, 6; k-NN's at 3, 6
  await expect(chart).toHaveAttribute('data-series', '4');
  await expect(result).toHaveAttribute('data-step', '6');
  const knnResult = page.getByLabel('k-NN result');
  await expect(knnResult).toHaveAttribute('data-step', '6');
  for (const v of [await numberAttr(page, 'k-NN result', 'data-top1'), await numberAttr(page, 'k-NN result', 'data-random-init-top1')]) expect(v >= 0 && v <= 1).toBe(true);
  await expect(result).toContainText('(floor cached)');
  expect(await numberAttr(page, 'Probe result', 'data-random-init-top1')).toBe(floor1);
  const top1At6 = await numberAttr(page, 'Probe result', 'data-top1');

  // The run is in the runs table (the Runs view), with its five probes (linear at 2, 3, 6; k-NN at 3, 6) and the best linear one.
  await openView(page, 'runs');
  await expect(runRows(page)).toHaveCount(1);
  const sparseRow = runRows(page).first();
  await expect(sparseRow).toHaveAttribute('data-mode', 'sparse');
  await expect(sparseRow).toHaveAttribute('data-seed', '3');
  await expect(sparseRow).toHaveAttribute('data-step', '6');
  await expect(sparseRow).toHaveAttribute('data-probes', '5');
  const best = Number(await sparseRow.getAttribute('data-best-top1'));
  expect(best).toBeGreaterThanOrEqual(Math.max(top1, top1At6));
  await expect(sparseRow).toContainText(`${(100 * best).toFixed(1)} %`);

  // One click: the JEPA twin (same seed, λ = β = 0, same probe interval) is built and trained.
  await sparseRow.getByRole('button', { name: /Train JEPA twin/ }).click();
  await expect(runRows(page)).toHaveCount(2, { timeout: 120_000 });
  await expect(status(page)).toContainText(/step 6 of 6.*done/, { timeout: 120_000 });
  const twinRow = page.locator('tr[data-mode="jepa"]');
  await expect(twinRow).toHaveAttribute('data-seed', '3');
  await expect(twinRow).toHaveAttribute('data-step', '6');
  await expect(twinRow).toHaveAttribute('data-probes', '4'); // steps 3 and 6, linear and k-NN
  await expect(twinRow).toContainText('JEPA twin of');
  await expect(page.getByLabel('λ value')).toHaveValue('0');
  await openView(page, 'train');
  await expect(page.getByText('JEPA baseline: no sparse head')).toBeVisible();
  await openView(page, 'runs');

  // Pick both: their loss curves and probe results side by side.
  const boxes = page.getByRole('table', { name: 'Runs' }).getByRole('checkbox');
  await boxes.nth(0).check();
  await boxes.nth(1).check();
  const compare = page.getByRole('region', { name: 'Run comparison' });
  await expect(compare).toHaveAttribute('data-runs', '2');
  const overlay = compare.getByRole('figure', { name: /Loss of the selected runs/ });
  await expect(overlay).toHaveAttribute('data-points', '6'); // steps 1–6, one row each with both runs
  await expect(overlay).toContainText('JEPA twin of');
  await expect(compare.getByRole('figure', { name: /Probe top-1 of the selected runs/ })).toHaveAttribute('data-points', '5'); // the linear probes: 2, 3, 6 and the twin's 3, 6
  const probeTable = compare.getByRole('table', { name: 'Probe comparison' });
  await expect(probeTable).toContainText(`${(100 * best).toFixed(1)} % (step`);
  const twinBest = Number(await twinRow.getAttribute('data-best-top1'));
  await expect(probeTable).toContainText(`${(100 * twinBest).toFixed(1)} % (step`);
  console.log(`best probe top-1: SparseJEPA ${best}, JEPA twin ${twinBest} (random init ${floor1})`);
  await screenshot(page, testInfo, 'probe-and-runs');

  // Kept across a reload (the page may resume the last run from its checkpoint; either way both are listed; the address keeps the Runs view).
  await page.reload();
  await expect(page.getByLabel('Device in use')).toContainText('Using', { timeout: 90_000 });
  await expect(runRows(page)).toHaveCount(2, { timeout: 60_000 });
  await expect(page.locator('tr[data-mode="sparse"]')).toHaveAttribute('data-probes', '5');
});
