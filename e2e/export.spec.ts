// (3) Export weights: the downloaded .safetensors parses and holds the expected names and shapes
// (with the config in __metadata__); the tfjs export matches it; importing it back continues training.
import { expect, test } from '@playwright/test';
import { download, reportLongTasks, observeLongTasks, pageNow, screenshot, status, waitForReady } from './helpers';
import { MICRO, expectedTensors, parseSafetensors } from './safetensors';

test('Export weights: .safetensors with the expected names and shapes, tfjs twin, import back', async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  await observeLongTasks(page);
  await page.goto('/?preset=micro&batchSize=8&steps=50');
  await waitForReady(page);

  const t0 = await pageNow(page);
  for (let i = 1; i <= 3; i++) {
    await page.getByRole('button', { name: 'Step' }).click();
    await expect(status(page)).toContainText(new RegExp(`step ${i} of 50`));
  }
  const t1 = await pageNow(page);

  const st = await download(page, () => page.getByRole('button', { name: 'Export weights' }).click());
  expect(st.name).toMatch(/^sparsejepa-sparse-micro-step3\.safetensors$/);
  const file = parseSafetensors(st.bytes);

  const expected = expectedTensors(MICRO);
  expect([...file.tensors.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [name, shape] of expected) expect(file.tensors.get(name)!.shape, name).toEqual(shape);
  for (const [name, t] of file.tensors) expect(t.data.every(Number.isFinite), `${name} is finite`).toBe(true);
  // Trained weights, not zeros: the group matrices and the encoders' projections carry values.
  for (const name of ['group_head.W', 'context_encoder.blocks.0.attn.qkv.weight', 'target_encoder.blocks.1.mlp.fc2.weight']) {
    const d = file.tensors.get(name)!.data;
    expect(d.some((v) => v !== 0), `${name} is not all zero`).toBe(true);
  }
  // The metadata carries the run's config and step.
  expect(file.metadata.format).toBe('sparsejepa-lab/1');
  expect(file.metadata.step).toBe('3');
  const config = JSON.parse(file.metadata.config) as Record<string, unknown>;
  expect(config).toMatchObject({ mode: 'sparse', preset: 'micro', batchSize: 8, latentDim: 32, grouping: 'blocks2x2', patchSize: 4 });

  // tfjs format: model.json + weights.bin, the same tensors in the same order of bytes.
  const downloads: { name: string; bytes: Buffer }[] = [];
  const got = new Promise<void>((resolve) => {
    page.on('download', async (d) => {
      const chunks: Buffer[] = [];
      for await (const c of await d.createReadStream()) chunks.push(c as Buffer);
      downloads.push({ name: d.suggestedFilename(), bytes: Buffer.concat(chunks) });
      if (downloads.length === 2) resolve();
    });
  });
  await page.getByRole('button', { name: 'Export tfjs' }).click();
  await got;
  const modelJson = downloads.find((d) => d.name === 'model.json');
  const weightsBin = downloads.find((d) => d.name === 'weights.bin');
  expect(modelJson && weightsBin).toBeTruthy();
  const manifest = JSON.parse(modelJson!.bytes.toString('utf8')) as { weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: string }[] }[] };
  expect(manifest.weightsManifest[0].paths).toEqual(['weights.bin']);
  const specs = manifest.weightsManifest[0].weights;
  expect(specs.map((s) => s.name).sort()).toEqual([...expected.keys()].sort());
  let offset = 0;
  for (const s of specs) {
    expect(s.dtype).toBe('float32');
    expect(s.shape).toEqual(expected.get(s.name));
    const n = s.shape.reduce((a, b) => a * b, 1);
    const fromSt = file.tensors.get(s.name)!.data;
    for (const i of [0, n >> 1, n - 1]) expect(weightsBin!.bytes.readFloatLE(offset + 4 * i)).toBe(fromSt[i]);
    offset += 4 * n;
  }
  expect(offset).toBe(weightsBin!.bytes.length);

  // Import the exported file back: a fresh run at step 0 that starts from these weights.
  await page.getByLabel('Import weights (.safetensors)').setInputFiles({ name: st.name, mimeType: 'application/octet-stream', buffer: st.bytes });
  await expect(page.locator('.weights-summary summary')).toContainText(`Loaded ${expected.size} tensors (saved at step 3)`);
  await expect(status(page)).toContainText(/step 0 of 50.*ready/);
  await page.getByRole('button', { name: 'Step' }).click();
  await expect(status(page)).toContainText('step 1 of 50');
  // A file that is not safetensors is refused with a reason.
  await page.getByLabel('Import weights (.safetensors)').setInputFiles({ name: 'junk.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from('not a safetensors file at all') });
  await expect(page.getByRole('alert')).toContainText('junk.safetensors:');

  await screenshot(page, testInfo, 'exported');
  await reportLongTasks(page, testInfo, t0, t1);
});
