// npm run export-onnx: a weights file in, DIR/encoder.onnx out and checked by ONNX Runtime; a bad
// weights file, and a truncated or altered .onnx given to --check, are refused in one line.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { syntheticDataset } from '../data/synthetic';
import { Trainer } from '../engine/trainer';
import { UsageError } from './args';
import { exportOnnxCommand } from './exportOnnxCommand';

const data = syntheticDataset({ seed: 0, trainPerClass: 8, testPerClass: 2, numClasses: 4 });
const dir = mkdtempSync(join(tmpdir(), 'export-onnx-'));
const trainers: Trainer[] = [];
afterAll(() => trainers.forEach((t) => t.dispose()));
const quiet = () => {};

async function weightsFile(): Promise<string> {
  const t = Trainer.create({ mode: 'sparse', preset: 'micro', batchSize: 4, steps: 10, seed: 2 }, data);
  trainers.push(t);
  await t.step();
  const path = join(dir, 'w.safetensors');
  writeFileSync(path, await t.exportSafetensors());
  return path;
}

/** The command's refusal: a UsageError of one line. */
async function refusal(argv: string[]): Promise<string> {
  const e = await exportOnnxCommand(argv, quiet).then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(UsageError);
  const msg = (e as Error).message;
  expect(msg).not.toContain('\n');
  return msg;
}

describe('export-onnx', () => {
  it('writes DIR/encoder.onnx from a weights file, checks it, and --check accepts it', async () => {
    const weights = await weightsFile();
    const lines: string[] = [];
    const r = await exportOnnxCommand(['--weights', weights, '--out', join(dir, 'o')], (l) => lines.push(l));
    expect(lines).toHaveLength(1);
    expect(r).toMatchObject({ out: join(dir, 'o', 'encoder.onnx'), check: { step: 1, encoder: 'target_encoder', tokens: [2, 64, 64], pooled: [2, 64] } });
    const checked = await exportOnnxCommand(['--check', join(dir, 'o', 'encoder.onnx')], quiet);
    expect(checked).toMatchObject({ step: 1, tokens: [2, 64, 64] });

    const bytes = readFileSync(join(dir, 'o', 'encoder.onnx'));
    writeFileSync(join(dir, 'truncated.onnx'), bytes.subarray(0, bytes.length - 1000));
    expect(await refusal(['--check', join(dir, 'truncated.onnx')])).toMatch(/truncated\.onnx is refused: not a readable ONNX model/);
    const altered = Uint8Array.from(bytes);
    altered[Math.floor(altered.length * 0.6)] ^= 0x01;
    writeFileSync(join(dir, 'altered.onnx'), altered);
    expect(await refusal(['--check', join(dir, 'altered.onnx')])).toMatch(/altered\.onnx is refused: .*altered after export/);
    writeFileSync(join(dir, 'noise.onnx'), Uint8Array.from({ length: 500 }, (_, i) => (i * 37) & 0xff));
    expect(await refusal(['--check', join(dir, 'noise.onnx')])).toMatch(/noise\.onnx is refused/);
  }, 60_000);

  it('refuses a bad weights file and missing flags in one line', async () => {
    writeFileSync(join(dir, 'bad.safetensors'), new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]));
    expect(await refusal(['--weights', join(dir, 'bad.safetensors'), '--out', join(dir, 'x')])).toMatch(/bad\.safetensors is refused/);
    expect(await refusal(['--weights', join(dir, 'missing.safetensors'), '--out', dir])).toMatch(/file not found/);
    expect(await refusal(['--out', dir])).toMatch(/--weights FILE.safetensors and --out DIR are required/);
    expect(await refusal(['--check', 'a.onnx', '--out', dir])).toMatch(/takes no other flag/);
  });
});
