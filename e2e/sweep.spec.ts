// (12) The Sweep panel: a two-run sweep (JEPA and one SparseJEPA λ, micro, WASM) to its plot; a
// reload in the middle of the second run resumes it from its checkpoint and the sweep finishes,
// the first run not trained again: both rows, the plot with both, sweep.jsonl with both. Run
// again with more λ, the finished runs are kept; Cancel stops the run in progress.
import { expect, test, type Page } from '@playwright/test';
import { download, openView, status, waitForReady } from './helpers';

// 20 steps, a checkpoint every 4: the reload lands mid-run; 20 train images per class keep the probes short.
const URL = '/?backend=wasm&preset=micro&batchSize=8&warmupFraction=0&steps=20&checkpointEvery=4&perClass=20';

const panel = (page: Page) => page.getByRole('region', { name: 'Sweep', exact: true });
const runRow = (page: Page, key: string) => panel(page).locator(`tr[data-key="${key}"]`);
const JEPA = 'jepa-seed0';
const SPARSE = 'sparse-lambda1-beta0.01-seed0';

test('a two-run sweep to its plot, resumed after a reload mid-run', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto(URL);
  await waitForReady(page);
  await openView(page, 'runs'); // the Sweep panel and the Runs table; the address keeps the view through the reload
  const t0 = Date.now();
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
  console.log(`[sweep] run 1 trained and probed in ${Date.now() - t0} ms`);
  await expect(p.getByRole('img', { name: 'Sweep plot' })).toHaveAttribute('data-rows', '1');
  const jepaTop1 = await runRow(page, JEPA).getAttribute('data-top1');
  const progress = p.getByLabel('Sweep progress');
  await expect(progress).toHaveAttribute('data-run-index', '2');
  const runs = page.getByRole('table', { name: 'Runs' }).locator('tbody tr');
  await expect(runs.filter({ hasText: `Sweep · ${JEPA}` })).toHaveCount(1);

  // Reload once run 2 has a checkpoint in storage past step 0: the page resumes it from there
  // (mid-run: at most its last checkpoint) and the sweep goes on to the end.
  const run2 = runs.filter({ hasText: `Sweep · ${SPARSE}` });
  await expect.poll(async () => Number((await run2.getAttribute('data-checkpoint-step', { timeout: 60_000 })) || 0), { timeout: 60_000, intervals: [50] }).toBeGreaterThanOrEqual(4);
  const saved = Number(await run2.getAttribute('data-checkpoint-step'));
  const at = Number(await progress.getAttribute('data-step'));
  console.log(`[sweep] run 1 finished, run 2 checkpointed at step ${saved}, reloading at step ${at} (${Date.now() - t0} ms)`);
  await page.reload();
  const resumed = page.getByRole('note', { name: 'Run notice' });
  await expect(resumed).toContainText(/Resumed from step \d+/, { timeout: 90_000 });
  const from = Number(/Resumed from step (\d+)/.exec((await resumed.textContent()) ?? '')![1]);
  expect(from).toBeGreaterThanOrEqual(saved);
  expect(from).toBeLessThan(20);
  await expect(runRow(page, SPARSE)).toHaveAttribute('data-state', 'finished', { timeout: 120_000 });
  await expect(p.getByLabel('Sweep message')).toContainText('Sweep finished: 2 runs.');
  console.log(`[sweep] finished after the reload from step ${from} (${Date.now() - t0} ms in all)`);
  await expect(status(page)).toContainText(/step 20 of 20/);
  // The first run was not trained again: its row is the one from before the reload.
  await expect(runRow(page, JEPA)).toHaveAttribute('data-top1', jepaTop1!);
  const plot = p.getByRole('img', { name: 'Sweep plot' });
  await expect(plot).toHaveAttribute('data-rows', '2');
  await expect(plot.locator('svg')).toContainText('JEPA baseline');
  await expect(plot.locator('svg')).toContainText('SparseJEPA β=0.01');
  await expect(plot.locator('svg')).toContainText('2 runs, 1 seed');
  await expect(runs.filter({ hasText: /Sweep · / })).toHaveCount(2);
  // A sweep row's run has the colour the Runs table gives it (runColour; two ids may share one of its ten colours).
  const swatch = (row: ReturnType<Page['locator']>) => row.locator('.swatch').first().evaluate((e) => getComputedStyle(e).backgroundColor);
  const colours = [await swatch(runRow(page, JEPA)), await swatch(runRow(page, SPARSE))];
  expect(colours).toEqual([await swatch(runs.filter({ hasText: `Sweep · ${JEPA}` })), await swatch(runs.filter({ hasText: `Sweep · ${SPARSE}` }))]);
  expect(colours.every((c) => /^rgb/.test(c))).toBe(true);

  const file = await download(page, () => p.getByRole('button', { name: 'Download sweep.jsonl' }).click());
  expect(file.name).toBe('sweep.jsonl');
  const rows = file.bytes.toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(rows.map((r) => r.key)).toEqual([JEPA, SPARSE]);
  expect(rows[1]).toMatchObject({ mode: 'sparse', lambda: 1, beta: 0.01, seed: 0, steps: 20, proximal: false });
  expect(rows[0].zeroShare).toBeNull();
  expect(typeof rows[1].zeroShare).toBe('number');
  expect(rows[1].floorTop1).toBe(rows[0].floorTop1); // one floor per seed, shared by the modes
  // The k-NN probe at the end beside its floor, and the groups' multi-information (JEPA's and SparseJEPA's), as the table shows them.
  for (const r of rows) {
    for (const v of [r.knnTop1, r.floorKnnTop1] as number[]) expect(v >= 0 && v <= 1).toBe(true);
    expect(Number.isFinite(r.totalCorrelation)).toBe(true);
    await expect(runRow(page, r.key as string)).toHaveAttribute('data-knn-top1', String(r.knnTop1));
  }
  expect(rows[1].floorKnnTop1).toBe(rows[0].floorKnnTop1);
  const csv = await download(page, () => p.getByRole('button', { name: 'Download sweep.csv' }).click());
  const lines = csv.bytes.toString('utf8').trim().split('\r\n');
  expect(lines[0]).toContain('knnTop1,floorKnnTop1,totalCorrelation');
  expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual([JEPA, SPARSE]);
  const svg = await download(page, () => p.getByRole('button', { name: 'Save SVG' }).click());
  expect(svg.bytes.toString('utf8')).toMatch(/^<svg /);

  // Two more λ: the two finished runs are not trained again; Cancel during the third stops it
  // (kept as a saved run) and drops the fourth.
  await p.getByLabel('λ list').fill('1,0.1,0.3');
  await p.getByRole('button', { name: 'Run sweep (4 runs)' }).click();
  await expect(progress).toHaveAttribute('data-run-index', '3');
  await expect.poll(async () => Number(await progress.getAttribute('data-step')), { timeout: 60_000, intervals: [100] }).toBeGreaterThanOrEqual(1);
  await p.getByRole('button', { name: 'Cancel sweep' }).click();
  const third = 'sparse-lambda0.1-beta0.01-seed0';
  await expect(p.getByLabel('Sweep message')).toContainText(new RegExp(`^Sweep cancelled: run ${third} stopped at step \\d+ of 20 and is kept as a saved run \\(Runs table\\); 1 queued run dropped; 2 finished runs and the plot are kept\\.`));
  await expect(status(page)).toContainText('paused');
  const stoppedAt = /stopped at step (\d+)/.exec((await p.getByLabel('Sweep message').textContent()) ?? '')![1];
  await expect(runs.filter({ hasText: `Sweep · ${third}` })).toHaveAttribute('data-checkpoint-step', stoppedAt);
  await expect(runRow(page, third)).toHaveAttribute('data-state', 'stopped (a saved run)');
  await expect(runRow(page, 'sparse-lambda0.3-beta0.01-seed0')).toHaveAttribute('data-state', 'not trained');
  await expect(p.getByRole('img', { name: 'Sweep plot' })).toHaveAttribute('data-rows', '2');
});
