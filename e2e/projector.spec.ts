// Issue 23 in the page: the embedding projector. A SparseJEPA micro run and a JEPA one of the same
// seed, each embedded at its end (the test split through the probed encoder); both side by side.
// PCA draws at once, UMAP comes from the worker's slices; a hover shows the point's image, a click
// lists its nearest neighbours by cosine similarity.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { openView, status, waitForReady } from './helpers';

const URL = '/?backend=wasm&preset=micro&batchSize=8&steps=3&perClass=10&seed=3&mode=sparse';
const NEIGHBOURS = 10; // store/projector/state.ts PROJECTOR_NEIGHBOURS

/** Train the shown run to its end and embed it. */
async function trainAndCompute(page: Page, projector: Locator, count: number): Promise<void> {
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(status(page)).toContainText(/step 3 of 3.*done/, { timeout: 120_000 });
  await openView(page, 'evaluate');
  await projector.getByRole('button', { name: 'Compute' }).click();
  await expect(projector.locator('figure.projection')).toHaveCount(count, { timeout: 60_000 });
}

/** The scatter's pixel under each of a few points: where a hover finds one. */
async function hoverSomePoint(page: Page, scatter: Locator): Promise<void> {
  const box = (await scatter.boundingBox())!;
  // Scan the plot for a coloured pixel (a dot) and hover it.
  const spot = await scatter.evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    for (let y = 0; y < c.height; y += 2) for (let x = 0; x < c.width; x += 2) if (d[4 * (y * c.width + x) + 3] > 200) return { x: x / c.width, y: y / c.height };
    return null;
  });
  expect(spot).not.toBeNull();
  await page.mouse.move(box.x + spot!.x * box.width, box.y + spot!.y * box.height);
}

test('the projector draws two runs side by side; a hover shows the image, a click its neighbours; UMAP arrives', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto(URL);
  await waitForReady(page);
  const projector = page.getByRole('region', { name: 'Embedding projector' });
  await trainAndCompute(page, projector, 1);

  // JEPA, same seed: a second run, embedded beside the first.
  await page.getByLabel('Mode', { exact: true }).selectOption('jepa');
  await page.getByRole('button', { name: 'Reset', exact: true }).click();
  await expect(status(page)).toContainText(/step 0 of 3.*ready/);
  await trainAndCompute(page, projector, 2);
  const figures = projector.locator('figure.projection');
  await expect(figures.nth(0)).toHaveAttribute('data-mode', 'sparse');
  await expect(figures.nth(1)).toHaveAttribute('data-mode', 'jepa');
  const caption = await figures.nth(1).locator('figcaption').textContent();
  const n = Number(/(\d+) images of/.exec(caption ?? '')?.[1]);
  expect(n).toBeGreaterThan(15);

  // PCA: a dot under the pointer shows its image and class.
  const first = figures.nth(0);
  const scatter = first.locator('canvas.projector-scatter');
  await hoverSomePoint(page, scatter);
  const hover = first.locator('.projector-hover');
  await expect(hover).toBeVisible();
  await expect(hover.locator('canvas.projector-thumb')).toHaveCount(1);
  await expect(hover).toContainText(/test image \d+/);
  // A click lists its nearest neighbours, each an image with its class and cosine similarity.
  await page.mouse.down();
  await page.mouse.up();
  const strip = first.getByLabel('Nearest neighbours');
  await expect(strip.locator('.neighbour[data-point]')).toHaveCount(NEIGHBOURS);
  await expect(strip.locator('.neighbour[data-point]').first()).toContainText(/-?\d\.\d{3}/);
  // The same from the keyboard: a point by its number.
  await figures.nth(1).getByRole('spinbutton').fill('0');
  await expect(figures.nth(1).getByLabel('Nearest neighbours').locator('.neighbour[data-point]')).toHaveCount(NEIGHBOURS);

  // UMAP: laid out by the worker in slices, both projections to their last epoch.
  await projector.getByLabel('Layout').selectOption('umap');
  for (let i = 0; i < 2; i++) await expect(figures.nth(i).locator('progress')).toHaveCount(0, { timeout: 90_000 });
  await expect(projector.getByRole('alert')).toHaveCount(0);
  await hoverSomePoint(page, figures.nth(1).locator('canvas.projector-scatter'));
  await expect(figures.nth(1).locator('.projector-hover')).toBeVisible();
});
