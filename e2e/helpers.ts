// Shared steps for the lab's browser tests: views, readiness, steps, downloads, long tasks, screenshots.
import { expect, type Download, type Page, type TestInfo } from '@playwright/test';

declare global {
  interface Window {
    __longTasks?: { start: number; duration: number }[];
  }
}

/** Record every main-thread long task (PerformanceObserver, type "longtask") from page load on. */
export async function observeLongTasks(page: Page): Promise<void> {
  await page.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks!.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
}

export async function pageNow(page: Page): Promise<number> {
  return page.evaluate(() => performance.now());
}

/** Long tasks that started in [from, to) (page clock, ms). */
export async function longTasksBetween(page: Page, from: number, to: number): Promise<{ start: number; duration: number }[]> {
  return page.evaluate(([a, b]) => (window.__longTasks ?? []).filter((t) => t.start >= a && t.start < b), [from, to] as const);
}

/** The board's views (src/store/view/rules.ts): each is a tab, and its name is the address's hash (#runs). */
export type ViewName = 'train' | 'latents' | 'evaluate' | 'runs' | 'theory';
const VIEW_TABS: Record<ViewName, string> = { train: 'Train', latents: 'Latents', evaluate: 'Evaluate', runs: 'Runs', theory: 'Theory' };

/** Open a view by clicking its tab, as a person would; waits until its panel is shown and the address names it. */
export async function openView(page: Page, view: ViewName): Promise<void> {
  const tab = page.getByRole('tablist', { name: 'Views' }).getByRole('tab', { name: VIEW_TABS[view], exact: true });
  await tab.click();
  await expect(tab).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator(`[role="tabpanel"][data-view="${view}"]`)).toBeVisible();
  await expect.poll(() => new URL(page.url()).hash).toBe(`#${view}`);
}

export function status(page: Page) {
  return page.getByRole('status');
}

export async function currentStep(page: Page): Promise<number> {
  const text = (await status(page).textContent()) ?? '';
  const m = /step (\d+)/.exec(text);
  if (!m) throw new Error(`status "${text}" has no step`);
  return Number(m[1]);
}

/** The page has a backend, a dataset and a fresh model. */
export async function waitForReady(page: Page): Promise<void> {
  await expect(page.getByLabel('Device in use')).toContainText('Using', { timeout: 90_000 });
  await expect(page.getByLabel('Loaded images')).toBeVisible({ timeout: 90_000 });
  await expect(status(page)).toContainText(/step 0\b.*ready/, { timeout: 90_000 });
  await expect(page.getByRole('button', { name: 'Start' })).toBeEnabled();
}

/** Poll the status line; `every` ms between looks (each look is a small task on the page's main thread). */
export async function waitForStep(page: Page, n: number, timeout = 120_000, every = 500): Promise<number> {
  await expect
    .poll(() => currentStep(page), { timeout, intervals: [every], message: `waiting for step ${n}` })
    .toBeGreaterThanOrEqual(n);
  return currentStep(page);
}

/** Pause and wait until the worker says the loop stopped. */
export async function pause(page: Page): Promise<number> {
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(status(page)).toContainText(/paused|done/, { timeout: 60_000 });
  return currentStep(page);
}

export async function download(page: Page, click: () => Promise<void>): Promise<{ name: string; bytes: Buffer }> {
  const [d] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), click()]);
  return { name: d.suggestedFilename(), bytes: await readDownload(d) };
}

async function readDownload(d: Download): Promise<Buffer> {
  const stream = await d.createReadStream();
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export interface MetricsFile {
  config: Record<string, unknown>;
  backend: { backend: string };
  hyperChanges: { step: number; lambda: number; beta: number; lr: number; changed: string[] }[];
  metrics: { step: number; loss: number; predLoss: number; klLoss: number; groupPenalty: number; lambda: number; beta: number }[];
}

export async function exportMetricsJson(page: Page): Promise<MetricsFile> {
  const f = await download(page, () => page.getByRole('button', { name: 'Export JSON' }).click());
  return JSON.parse(f.bytes.toString('utf8')) as MetricsFile;
}

export async function screenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
}

/**
 * Record how responsive the page stayed while training ran: the longest main-thread task, as an
 * annotation and a log line. Functional tests only record it — CI's machine is loaded, and a
 * load-bound assertion there fails correct changes; the bound is asserted by the soak
 * (`expectResponsive`, `LAB_SOAK=1`) and read off the bench.
 */
export async function reportLongTasks(page: Page, testInfo: TestInfo, from: number, to: number): Promise<number> {
  const tasks = await longTasksBetween(page, from, to);
  const worst = tasks.reduce((m, t) => Math.max(m, t.duration), 0);
  testInfo.annotations.push({ type: 'longest main-thread task during the run', description: `${Math.round(worst)} ms (${tasks.length} tasks over 50 ms in ${Math.round((to - from) / 1000)} s)` });
  console.log(`[${testInfo.title}] long tasks during the run: ${tasks.length}, longest ${Math.round(worst)} ms`);
  return worst;
}

/** Assert the page stayed responsive: no long task over `limitMs` while training ran (the soak only). */
export async function expectResponsive(page: Page, testInfo: TestInfo, from: number, to: number, limitMs = 100): Promise<void> {
  const worst = await reportLongTasks(page, testInfo, from, to);
  expect(worst, `a main-thread task took ${Math.round(worst)} ms during the run`).toBeLessThanOrEqual(limitMs);
}
