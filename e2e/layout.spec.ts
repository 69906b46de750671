// Issue 22: at 1024 px wide nothing overlaps. Each view, opened by its address at 1024×768 (idle,
// then after a short run with the Latents view's Compute, the Theory demo and a sweep's plan
// filled in), is checked box by box: the settings column and the board side by side, and no two
// of the visible panels, charts, tables and controls on top of one another (an element and its
// own ancestors aside; a box is what its scrolling or clipping ancestors let be seen); nothing
// past the viewport's right edge, and the page does not scroll sideways.
import { expect, test, type Page } from '@playwright/test';
import { status, waitForReady, waitForStep, type ViewName } from './helpers';

const VIEWS: ViewName[] = ['train', 'latents', 'evaluate', 'runs', 'theory'];
const BASE = '/?backend=wasm&preset=micro&batchSize=8&steps=400&warmupFraction=0&normsEvery=2';
const W = 1024;
const H = 768;

test.use({ viewport: { width: W, height: H } });

/** What is compared: the two columns, the blocks of each, charts, tables, and every control. */
const BOXES = [
  'main > aside',
  'section.board',
  'aside > *',
  '[role="tabpanel"]:not([hidden]) > *',
  'section.panel',
  '.chart-grid > *',
  '.sharing-grid > *',
  'figure',
  'table',
  'fieldset',
  'button',
  'input',
  'select',
  'textarea',
  'progress',
  'label',
  'canvas',
  'img',
].join(', ');
/** Drawn on top of one another on purpose: the patch picker's layers and buttons over its image, the visually hidden labels. */
const LAYERED = '.patch-stage canvas, .patch-buttons, .patch-buttons *, .visually-hidden, .visually-hidden *';

interface Layout {
  scrollWidth: number;
  boxes: number;
  overlaps: string[];
  pastEdge: string[];
}

/** In the page: every visible box clipped by its ancestors; the pairs that overlap by more than a pixel each way. */
async function measure(page: Page): Promise<Layout> {
  return page.evaluate(
    ({ boxes, layered, width }) => {
      const name = (e: Element) => {
        const label = e.getAttribute('aria-label') ?? e.getAttribute('name') ?? e.textContent?.trim().slice(0, 30) ?? '';
        const cls = typeof e.className === 'string' && e.className ? `.${e.className.trim().split(/\s+/).join('.')}` : '';
        return `${e.tagName.toLowerCase()}${cls}${label ? ` "${label}"` : ''}`;
      };
      /** The part of e the person can see: its box cut by every ancestor that clips or scrolls. */
      const seen = (e: Element): DOMRect | null => {
        const r = e.getBoundingClientRect();
        let [x0, y0, x1, y1] = [r.left, r.top, r.right, r.bottom];
        for (let a = e.parentElement; a; a = a.parentElement) {
          const s = getComputedStyle(a);
          if (s.overflowX !== 'visible') [x0, x1] = [Math.max(x0, a.getBoundingClientRect().left), Math.min(x1, a.getBoundingClientRect().right)];
          if (s.overflowY !== 'visible') [y0, y1] = [Math.max(y0, a.getBoundingClientRect().top), Math.min(y1, a.getBoundingClientRect().bottom)];
        }
        return x1 - x0 > 1 && y1 - y0 > 1 ? new DOMRect(x0, y0, x1 - x0, y1 - y0) : null;
      };
      // checkVisibility: a hidden view keeps its boxes (content-visibility: hidden), but none of it is seen.
      const shown = Array.from(document.querySelectorAll(boxes)).filter((e) => !e.matches(layered) && e.checkVisibility({ visibilityProperty: true }));
      const items = shown.flatMap((e) => {
        const r = seen(e);
        return r ? [{ e, r }] : [];
      });
      const overlaps: string[] = [];
      for (let i = 0; i < items.length; i++) {
        for (let j = i + 1; j < items.length; j++) {
          const a = items[i];
          const b = items[j];
          if (a.e.contains(b.e) || b.e.contains(a.e)) continue;
          const dx = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
          const dy = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
          if (dx > 1 && dy > 1) overlaps.push(`${name(a.e)} and ${name(b.e)} overlap by ${Math.round(dx)}×${Math.round(dy)} px`);
        }
      }
      const pastEdge = items.filter(({ r }) => r.right > width + 0.5).map(({ e, r }) => `${name(e)} ends at x=${Math.round(r.right)}`);
      return { scrollWidth: document.documentElement.scrollWidth, boxes: items.length, overlaps, pastEdge };
    },
    { boxes: BOXES, layered: LAYERED, width: W },
  );
}

async function expectNothingOverlaps(page: Page, what: string): Promise<void> {
  const m = await measure(page);
  console.log(`[layout] ${what}: ${m.boxes} boxes, scrollWidth ${m.scrollWidth}`);
  expect(m.boxes, `${what}: boxes measured`).toBeGreaterThan(20);
  expect(m.overlaps.slice(0, 12), `${what}: overlapping boxes`).toEqual([]);
  expect(m.pastEdge.slice(0, 12), `${what}: boxes past the right edge at ${W} px`).toEqual([]);
  expect(m.scrollWidth, `${what}: the page's width`).toBeLessThanOrEqual(W);
  // The settings column and the board side by side, not stacked under one another at this width.
  const aside = (await page.locator('main > aside').boundingBox())!;
  const board = (await page.locator('section.board').boundingBox())!;
  expect(aside.x + aside.width, `${what}: settings left of the board`).toBeLessThanOrEqual(board.x + 0.5);
}

async function showView(page: Page, view: ViewName): Promise<void> {
  await page.evaluate((v) => (location.hash = v), `#${view}`);
  await expect(page.locator(`[role="tabpanel"][data-view="${view}"]`)).toBeVisible();
}

test('at 1024×768 each view opened by its address: nothing overlaps, nothing past the right edge', async ({ page }) => {
  test.setTimeout(240_000);
  for (const view of VIEWS) {
    await page.goto(`${BASE}#${view}`);
    await waitForReady(page);
    await expect(page.locator(`[role="tabpanel"][data-view="${view}"]`)).toBeVisible();
    await expectNothingOverlaps(page, `idle #${view}`);
  }
});

test('at 1024×768 after a short run, with the views filled in: nothing overlaps', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto(`${BASE}#train`);
  await waitForReady(page);
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await waitForStep(page, 6);
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(status(page)).toContainText(/paused/, { timeout: 60_000 });
  await expectNothingOverlaps(page, 'trained #train');

  await showView(page, 'latents');
  await expect(page.getByRole('figure', { name: 'Active latents at each patch' })).toHaveAttribute('data-step', /^[1-9]\d*$/, { timeout: 60_000 });
  const latents = page.getByRole('region', { name: 'What each latent responds to' });
  await latents.getByRole('button', { name: 'Compute' }).click();
  await expect(latents.locator('.latents-all .latent-row canvas.latent-crop').first()).toBeVisible({ timeout: 90_000 });
  await expectNothingOverlaps(page, 'trained #latents, Compute done');

  await showView(page, 'evaluate');
  await expectNothingOverlaps(page, 'trained #evaluate');

  await showView(page, 'runs');
  await expect(page.locator('tr[data-run-id]').first()).toBeVisible({ timeout: 30_000 });
  await expectNothingOverlaps(page, 'trained #runs');

  await showView(page, 'theory');
  await page.getByText('Why predict in latent space: the deep linear demo').click();
  await expect(page.getByLabel('Which feature each objective learned first')).toHaveAttribute('data-done', 'true', { timeout: 60_000 });
  await expectNothingOverlaps(page, 'trained #theory, the demo open');
});
