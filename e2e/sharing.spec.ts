// (4) Latent sharing: train a few steps with λ > 0, click a patch, and check that the patches the
// page highlights follow the G×K matrix the worker last sent (read back through the page's own
// metrics export) under the threshold the page shows; proximal + large λ shows fewer active
// latents per group than λ = 0 from the same seed; each view saves a PNG; JEPA says it has no groups.
import { expect, test, type Page } from '@playwright/test';
import { download, exportMetricsJson, observeLongTasks, openView, pageNow, longTasksBetween, screenshot, status, waitForReady } from './helpers';

const STEPS = 6;
const BASE = `/?backend=wasm&preset=micro&batchSize=8&steps=40&warmupFraction=0&normsEvery=2&seed=3`;

interface NormsEntry {
  step: number;
  G: number;
  K: number;
  values: number[];
}

/** Take `n` single steps with the Step button. */
async function takeSteps(page: Page, n: number): Promise<void> {
  for (let i = 1; i <= n; i++) {
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await expect(status(page)).toContainText(new RegExp(`step ${i} of \\d+.*paused`), { timeout: 60_000 });
  }
}

/** The region (the Latents view, opened), scrolled into view, once its views show step `step` (norms and the worker's sample). */
async function sharingAt(page: Page, step: number) {
  await openView(page, 'latents');
  const region = page.getByRole('region', { name: 'Latent sharing' });
  await region.scrollIntoViewIfNeeded();
  await expect(region.getByRole('figure', { name: 'Latent-to-group heatmap' })).toHaveAttribute('data-step', String(step), { timeout: 30_000 });
  await expect(region.getByRole('figure', { name: 'Active latents at each patch' })).toHaveAttribute('data-step', String(step), { timeout: 30_000 });
  return region;
}

/** blocks2x2 on an 8×8 grid, written out independently of the engine: 2×2 blocks, row-major. */
const groupOf = (q: number) => Math.floor(Math.floor(q / 8) / 2) * 4 + Math.floor((q % 8) / 2);

test('Latent sharing: highlighted patches follow the last norms matrix; proximal λ leaves fewer active latents than λ = 0', async ({ page, browser }, testInfo) => {
  test.setTimeout(170_000);
  await observeLongTasks(page);
  // η_W·λ = 1.25 per step (no warm-up) against W ~ N(0, 1) columns of norm ≈ 8.
  await page.goto(`${BASE}&lambda=25&proximal=true&groupLr=0.05&groupInit=unitNormal&warmupFraction=0`);
  await waitForReady(page);
  await expect(page.getByLabel('Device in use')).toContainText('WASM');
  const t0 = await pageNow(page);
  await takeSteps(page, STEPS);
  const region = await sharingAt(page, STEPS);
  const t1 = await pageNow(page);

  // Click the patch in row 3, column 5 (index 20, group 6).
  const patch = region.getByRole('button', { name: 'Patch row 3, column 5, group 6' });
  await patch.click();
  await expect(patch).toHaveAttribute('aria-pressed', 'true');
  const patchView = region.getByRole('figure', { name: 'Patch sharing' });
  await expect(patchView).toHaveAttribute('data-selected', '20');
  const shown = await region.locator('.patch-buttons button').evaluateAll((els) =>
    els.map((e) => ({ patch: Number(e.getAttribute('data-patch')), group: Number(e.getAttribute('data-group')), shared: e.getAttribute('data-shared') })),
  );
  expect(shown).toHaveLength(64);
  const threshold = Number(await region.getByLabel('Active threshold value').inputValue());
  expect(threshold).toBe(0.01); // the run's zero threshold, the view's default
  await expect(patchView).toHaveAttribute('data-threshold', String(threshold));

  // The matrix the page holds: the last G×K entry of its metrics export, the same step the views show.
  const file = (await exportMetricsJson(page)) as unknown as { groupNorms: NormsEntry[] };
  const last = file.groupNorms.at(-1)!;
  expect(last.step).toBe(STEPS);
  expect([last.G, last.K]).toEqual([16, 32]);
  const active = (g: number, k: number) => last.values[g * last.K + k] >= threshold;
  const expected = shown.map(({ patch: q }) => {
    let n = 0;
    for (let k = 0; k < last.K; k++) if (active(groupOf(20), k) && active(groupOf(q), k)) n++;
    return n;
  });
  expect(shown.map((s) => s.group)).toEqual(shown.map((s) => groupOf(s.patch)));
  expect(shown.map((s) => Number(s.shared))).toEqual(expected);
  const highlighted = shown.filter((s) => Number(s.shared) > 0).map((s) => s.patch);
  console.log(`patch 20 (group 6) at step ${last.step}, τ=${threshold}: shared counts ${expected.join(' ')}; ${highlighted.length} patches highlighted`);
  // Not a trivial picture: counts differ between groups after 6 proximal steps.
  expect(new Set(expected).size).toBeGreaterThan(1);
  // The sentence under the image names the same group.
  await expect(region.locator('.share-summary').first()).toContainText('is in group 6');

  // A higher threshold changes the highlighted set the same way.
  await region.getByLabel('Active threshold value').fill('0.1');
  await expect(patchView).toHaveAttribute('data-threshold', '0.1');
  const at01 = await region.locator('.patch-buttons button').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-shared'))));
  const expected01 = shown.map(({ patch: q }) => {
    let n = 0;
    for (let k = 0; k < last.K; k++) if (last.values[groupOf(20) * last.K + k] >= 0.1 && last.values[groupOf(q) * last.K + k] >= 0.1) n++;
    return n;
  });
  expect(at01).toEqual(expected01);
  await region.getByLabel('Active threshold value').fill('0.01');

  // Sparsity at a glance: exact zeros under the proximal option; latents per group as computed.
  const sparsity = region.getByRole('figure', { name: 'Sparsity at a glance' });
  const perGroup = (await sparsity.getAttribute('data-latents-per-group'))!.split(',').map(Number);
  expect(perGroup).toEqual(Array.from({ length: 16 }, (_, g) => Array.from({ length: 32 }, (_, k) => active(g, k)).filter(Boolean).length));
  expect(Number(await sparsity.getAttribute('data-exact-zeros'))).toBeGreaterThan(0);

  // Masks of the current batch: context and targets of the last step, disjoint.
  const masks = region.getByRole('figure', { name: 'Masks of the current batch' });
  await expect(masks).toHaveAttribute('data-step', String(STEPS));
  const context = (await masks.getAttribute('data-context'))!.split(',').map(Number);
  const targets = (await masks.getAttribute('data-targets'))!.split(',').map((t) => t.split(' ').map(Number));
  expect(targets).toHaveLength(4);
  for (const t of targets) for (const q of t) expect(context).not.toContain(q);

  // Save PNG: a real PNG file.
  const png = await download(page, () => patchView.getByRole('button', { name: 'Save Patch sharing as PNG' }).click());
  expect(png.name).toMatch(/^patch-sharing-image0-step6\.png$/);
  expect([...png.bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const heat = await download(page, () => region.getByRole('button', { name: 'Save Latent-to-group heatmap as PNG' }).click());
  expect([...heat.bytes.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  await screenshot(page, testInfo, 'sharing-proximal');
  const tasks = await longTasksBetween(page, t0, t1);
  const worst = tasks.reduce((m, t) => Math.max(m, t.duration), 0);
  console.log(`long tasks while stepping and drawing: ${tasks.length}, longest ${Math.round(worst)} ms`);
  testInfo.annotations.push({ type: 'longest main-thread task', description: `${Math.round(worst)} ms` });

  // Same seed, λ = 0, no proximal: every group keeps more active latents. A fresh browser
  // context, so nothing the first run saved in this browser is offered back.
  const { baseURL, viewport } = testInfo.project.use;
  const plainContext = await browser.newContext({ baseURL, viewport });
  const plainPage = await plainContext.newPage();
  await plainPage.goto(`${BASE}&lambda=0&groupInit=unitNormal`);
  await waitForReady(plainPage);
  await takeSteps(plainPage, STEPS);
  const plainRegion = await sharingAt(plainPage, STEPS);
  const plain = (await plainRegion.getByRole('figure', { name: 'Sparsity at a glance' }).getAttribute('data-latents-per-group'))!.split(',').map(Number);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log(`active latents per group at step ${STEPS}, τ=0.01: proximal λ=25 (η_W 0.05) mean ${mean(perGroup)}; λ=0 mean ${mean(plain)}`);
  expect(mean(perGroup)).toBeLessThan(mean(plain));
  await expect(plainRegion.getByRole('figure', { name: 'Sparsity at a glance' })).toHaveAttribute('data-exact-zeros', '0');
  await plainContext.close();
});

test('Latent sharing, JEPA run: says there are no latent groups, still shows the batch masks', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  await page.goto(`${BASE}&mode=jepa`);
  await waitForReady(page);
  await openView(page, 'latents');
  const region = page.getByRole('region', { name: 'Latent sharing' });
  await expect(region).toContainText('JEPA runs have no latent groups');
  await expect(region.getByRole('figure', { name: 'Latent-to-group heatmap' })).toHaveCount(0);
  await expect(region.getByRole('figure', { name: 'Patch sharing' })).toHaveCount(0);
  await takeSteps(page, 1);
  await region.scrollIntoViewIfNeeded();
  const masks = region.getByRole('figure', { name: 'Masks of the current batch' });
  await expect(masks).toHaveAttribute('data-step', '1', { timeout: 30_000 });
  const png = await download(page, () => masks.getByRole('button', { name: 'Save Masks of the current batch as PNG' }).click());
  expect([...png.bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  await screenshot(page, testInfo, 'sharing-jepa');
});
