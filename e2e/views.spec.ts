// Issue 22, a workspace: the board is views a person switches between (Train, Latents, Evaluate,
// Runs, Theory), each named by the address's hash. Opened by its address at 1440×900 every view
// shows its charts without scrolling and has no serious or critical accessibility violation
// (axe), in the light and the dark theme and while a run trains; the tabs update the hash, back
// and forward go between views, the settings in the query are untouched; and the views that ask
// the worker for samples (latent sharing, MAE's reconstruction) ask for none while not shown.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { openView, status, waitForReady, waitForStep, type ViewName } from './helpers';

const VIEWS: ViewName[] = ['train', 'latents', 'evaluate', 'runs', 'theory'];
const BASE = '/?backend=wasm&preset=micro&batchSize=8&steps=400&warmupFraction=0&normsEvery=2';
const W = 1440;
const H = 900;

test.use({ viewport: { width: W, height: H } });

const panel = (page: Page, view: ViewName) => page.locator(`[role="tabpanel"][data-view="${view}"]`);

/** The view is the one shown: its tab selected, its panel visible, every other panel hidden. */
async function expectShown(page: Page, view: ViewName): Promise<void> {
  await expect(page.getByRole('tab', { name: new RegExp(`^${view}$`, 'i') })).toHaveAttribute('aria-selected', 'true');
  await expect(panel(page, view)).toBeVisible();
  for (const other of VIEWS.filter((v) => v !== view)) await expect(panel(page, other)).toBeHidden();
  await expect(status(page)).toBeVisible(); // the status line, above the tabs, in every view
}

/** Every chart of the view (role="figure": ChartFrame, AccuracyChart, the sharing views) lies inside the viewport. */
async function expectChartsOnScreen(page: Page, view: ViewName): Promise<number> {
  // Nothing scrolled: the page is at its top, as a person opening the view sees it.
  expect(await page.evaluate(() => window.scrollY)).toBe(0);
  const figures = panel(page, view).getByRole('figure');
  const n = await figures.count();
  for (let i = 0; i < n; i++) {
    const f = figures.nth(i);
    const name = (await f.getAttribute('aria-label')) ?? (await f.locator('figcaption').first().textContent());
    const box = (await f.boundingBox())!;
    expect(box, `chart "${name}" has a box`).toBeTruthy();
    expect(box.x, `chart "${name}" left`).toBeGreaterThanOrEqual(0);
    expect(box.y, `chart "${name}" top`).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width, `chart "${name}" right edge`).toBeLessThanOrEqual(W + 0.5);
    expect(box.y + box.height, `chart "${name}" bottom edge at 1440×900`).toBeLessThanOrEqual(H + 0.5);
  }
  return n;
}

/** axe on the whole page: no violation of impact serious or critical. */
async function expectAccessible(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const text = bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 4).map((n) => `${n.html.slice(0, 120)} [${n.failureSummary?.replace(/\s+/g, ' ').slice(0, 200)}]`).join(' | ')}`);
  expect(text, `axe, ${what}`).toEqual([]);
}

/** Charts a view must hold once a run has a step (the sharing views draw once the worker's sample is in). */
const LEAST: Record<ViewName, number> = { train: 10, latents: 6, evaluate: 1, runs: 0, theory: 0 };

for (const scheme of ['light', 'dark'] as const) {
  test.describe(`${scheme} theme`, () => {
    test.use({ colorScheme: scheme });

    test(`each view opened by its address: shown, its charts on screen at 1440×900, no serious axe violation (${scheme})`, async ({ page }) => {
      test.setTimeout(240_000);
      for (const view of VIEWS) {
        await page.goto(`${BASE}#${view}`);
        await waitForReady(page);
        await expectShown(page, view);
        const n = await expectChartsOnScreen(page, view);
        console.log(`[views] ${scheme} #${view}: ${n} charts on screen`);
        await expectAccessible(page, `${scheme} theme, #${view}`);
        if (view === 'theory') {
          // The deep linear demo, open: its table of features, its two charts.
          await page.getByText('Why predict in latent space: the deep linear demo').click();
          await expect(page.getByLabel('Which feature each objective learned first')).toHaveAttribute('data-done', 'true', { timeout: 60_000 });
          expect(await expectChartsOnScreen(page, view)).toBe(2);
          await expectAccessible(page, `${scheme} theme, #theory with the demo open`);
        }
      }
      // The theme is the system's: the page's background follows it.
      const bg = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
      expect(bg).toBe(scheme === 'dark' ? 'rgb(18, 20, 23)' : 'rgb(250, 250, 250)');
    });
  });
}

test('while a run trains: every view, its charts on screen, no serious axe violation', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto(`${BASE}#train`);
  await waitForReady(page);
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await waitForStep(page, 3);
  for (const view of VIEWS) {
    await openView(page, view);
    await expectShown(page, view);
    if (view === 'latents') await expect(panel(page, view).getByRole('figure', { name: 'Active latents at each patch' })).toHaveAttribute('data-step', /^[1-9]\d*$/, { timeout: 30_000 });
    const n = await expectChartsOnScreen(page, view);
    expect(n, `charts in #${view}`).toBeGreaterThanOrEqual(LEAST[view]);
    await expectAccessible(page, `training, #${view}`);
  }
  await expect(status(page)).toContainText('running');
  await page.getByRole('button', { name: 'Pause' }).click();
});

test('the tabs: a click updates the hash, back and forward go between views, the settings stay in the query', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(`${BASE}&seed=4#runs`);
  await waitForReady(page);
  await expectShown(page, 'runs');
  await openView(page, 'latents');
  await expectShown(page, 'latents');
  await openView(page, 'evaluate');
  await page.goBack();
  await expect.poll(() => new URL(page.url()).hash).toBe('#latents');
  await expectShown(page, 'latents');
  await page.goBack();
  await expectShown(page, 'runs');
  await page.goForward();
  await expectShown(page, 'latents');
  // The settings are the query's, the view the hash's: a changed setting keeps the view, a new view keeps the settings.
  await page.getByLabel('Seed', { exact: true }).fill('5');
  await expect.poll(() => new URL(page.url()).searchParams.get('seed')).toBe('5');
  expect(new URL(page.url()).hash).toBe('#latents');
  await openView(page, 'train');
  const url = new URL(page.url());
  expect(url.searchParams.get('seed')).toBe('5');
  expect(url.searchParams.get('preset')).toBe('micro');
  // Arrow keys move between the tabs (the tabs pattern): Right from Train is Latents.
  await page.getByRole('tab', { name: 'Train' }).focus();
  await page.keyboard.press('ArrowRight');
  await expectShown(page, 'latents');
  await expect(page.getByRole('tab', { name: 'Latents' })).toBeFocused();
  // An unknown hash is the Train view.
  await page.goto(`${BASE}#nowhere`);
  await waitForReady(page);
  await expectShown(page, 'train');
});

test('the latent-sharing views ask the worker for no sample while their view is not shown, and catch up when it is', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto(`${BASE}#train`);
  await waitForReady(page);
  const latentUse = panel(page, 'latents').getByRole('figure', { name: 'Active latents at each patch', includeHidden: true });
  const masks = panel(page, 'latents').getByRole('figure', { name: 'Masks of the current batch', includeHidden: true });
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await waitForStep(page, 8);
  // Hidden: the sample (the image through the model, the batch's masks) is still the one of before the run trained.
  expect(Number((await latentUse.getAttribute('data-step')) ?? 0)).toBe(0);
  expect(await masks.getAttribute('data-step')).toBeNull();
  const at = await currentAfterPause(page);
  await openView(page, 'latents');
  await expect(latentUse).toHaveAttribute('data-step', String(at), { timeout: 30_000 });
  await expect(masks).toHaveAttribute('data-step', String(at), { timeout: 30_000 });
});

test("MAE's reconstruction asks for nothing while the Train view is not shown, and catches up when it is", async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto('/?backend=wasm&preset=micro&batchSize=8&steps=400&warmupFraction=0&mode=mae&healthEvery=0#runs');
  await waitForReady(page);
  const view = panel(page, 'train').getByRole('figure', { name: 'MAE reconstruction', includeHidden: true });
  await expect(view).toHaveAttribute('data-step', '0', { timeout: 30_000 });
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await waitForStep(page, 8);
  await expect(view).toHaveAttribute('data-step', '0');
  const at = await currentAfterPause(page);
  await openView(page, 'train');
  await expect(view).toHaveAttribute('data-step', String(at), { timeout: 30_000 });
});

/** Pause and return the step it stopped at. */
async function currentAfterPause(page: Page): Promise<number> {
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(status(page)).toContainText(/paused/, { timeout: 60_000 });
  return Number(/step (\d+)/.exec((await status(page).textContent()) ?? '')![1]);
}
