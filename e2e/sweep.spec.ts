// (12) The Sweep panel: a two-run sweep (JEPA and one SparseJEPA λ, micro, WASM) to its plot; a
// reload in the middle of the second run resumes it from its checkpoint and the sweep finishes,
// the first run not trained again: both rows, the plot with both, sweep.jsonl with both.
import { expect, test, type Page } from '@playwright/test';
import { download, status, waitForReady } from './helpers';

// 60 steps, a checkpoint every 2: the reload lands mid-run; 50 images per class keep the probes short.
const URL = '/?backend=wasm&preset=micro&batchSize=8&warmupFraction=0&steps=60&checkpointEvery=2&perClass=50';

const panel = (page: Page) => page.getByRole('region', { name: 'Sweep', exact: true });
const runRow = (page: Page, key: string) => panel(page).locator(`tr[data-key="${key}"]`);
const JEPA = 'jepa-seed0';
const SPARSE = 'sparse-lambda1-beta0.01-seed0';

test('a two-run sweep to its plot, resumed after a reload mid-run', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto(URL);
  await waitForReady(page);
  const p = panel(page);
  await p.getByLabel('λ list').fill('1,x');
  await expect(p.getByText("λ list: expected a comma-separated list of numbers, got 'x' in '1,x'")).toBeVisible();
  await expect(p.getByRole('button', { name: /^Run sweep/ })).toBeDisabled();
  await p.getByLabel('λ list').fill('1');
  await p.getByLabel('β list').fill('0.01');
  await p.getByLabel('Seeds').fill('0');
  await p.getByRole('button', { name: 'Run sweep (2 runs)' }).click();

  // Run 1 (JEPA) trains, is probed at its end, and its row and the plot appear; run 2 starts.
  await expect(runRow(page, JEPA)).toHaveAttribute('data-state', 'finished', { timeout: 120_000 });
  await expect(p.getByRole('img', { name: 'Sweep plot' })).toHaveAttribute('data-rows', '1');
  const jepaTop1 = await runRow(page, JEPA).getAttribute('data-top1');
  const progress = p.getByLabel('Sweep progress');
  await expect(progress).toHaveAttribute('data-run-index', '2');
  await expect.poll(async () => Number(await progress.getAttribute('data-step')), { timeout: 60_000, intervals: [100] }).toBeGreaterThanOrEqual(3);
  const runs = page.getByRole('table', { name: 'Runs' }).locator('tbody tr');
  await expect(runs.filter({ hasText: `Sweep · ${JEPA}` })).toHaveCount(1);

  // Reload mid-run: the page resumes run 2 from its checkpoint and the sweep goes on to the end.
  await page.reload();
  await expect(page.getByRole('note', { name: 'Run notice' })).toContainText(/Resumed from step [1-9]/, { timeout: 90_000 });
  await expect(runRow(page, SPARSE)).toHaveAttribute('data-state', 'finished', { timeout: 120_000 });
  await expect(p.getByLabel('Sweep message')).toContainText('Sweep finished: 2 runs.');
  await expect(status(page)).toContainText(/step 60 of 60/);
  // The first run was not trained again: its row is the one from before the reload.
  await expect(runRow(page, JEPA)).toHaveAttribute('data-top1', jepaTop1!);
  const plot = p.getByRole('img', { name: 'Sweep plot' });
  await expect(plot).toHaveAttribute('data-rows', '2');
  await expect(plot.locator('svg')).toContainText('JEPA baseline');
  await expect(plot.locator('svg')).toContainText('SparseJEPA β=0.01');
  await expect(plot.locator('svg')).toContainText('2 runs, 1 seed');
  await expect(runs.filter({ hasText: /Sweep · / })).toHaveCount(2);

  const file = await download(page, () => p.getByRole('button', { name: 'Download sweep.jsonl' }).click());
  expect(file.name).toBe('sweep.jsonl');
  const rows = file.bytes.toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(rows.map((r) => r.key)).toEqual([JEPA, SPARSE]);
  expect(rows[1]).toMatchObject({ mode: 'sparse', lambda: 1, beta: 0.01, seed: 0, steps: 60, proximal: false });
  expect(rows[0].zeroShare).toBeNull();
  expect(typeof rows[1].zeroShare).toBe('number');
  expect(rows[1].floorTop1).toBe(rows[0].floorTop1); // one floor per seed, shared by the modes
  const svg = await download(page, () => p.getByRole('button', { name: 'Save SVG' }).click());
  expect(svg.bytes.toString('utf8')).toMatch(/^<svg /);
});
