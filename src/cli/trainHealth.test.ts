// A train run with --health-every writes the groups' multi-information in DIR/health.jsonl (in-process, WASM).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { trainCommand } from './trainCommand';

const dir = mkdtempSync(join(tmpdir(), 'sparsejepa-health-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = async (mode: 'sparse' | 'jepa', out: string) => {
  const lines: string[] = [];
  await trainCommand(['--dataset', 'synthetic:3', '--per-class', '4', '--preset', 'micro', '--mode', mode, '--steps', '2', '--batch', '4',
    '--health-every', '2', '--log-every', '0', '--backend', 'wasm', '--seed', '1', '--out', out], (l) => lines.push(l));
  const health = readFileSync(join(out, 'health.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  return { health, printed: lines.map((l) => JSON.parse(l)).filter((l) => 'health' in l) };
};

describe('npm run train --health-every: totalCorrelation in health.jsonl', () => {
  it('SparseJEPA: groups and latents at every health step, also in the printed line', async () => {
    const { health, printed } = await run('sparse', join(dir, 'sparse'));
    expect(health.map((h) => h.step)).toEqual([0, 2]);
    for (const h of health) {
      expect(Object.keys(h.totalCorrelation).sort()).toEqual(['groups', 'latents']);
      expect(h.totalCorrelation.groups).toBeGreaterThanOrEqual(0);
      expect(h.totalCorrelation.latents).toBeGreaterThanOrEqual(0);
    }
    expect(printed.map((p) => p.health.totalCorrelation)).toEqual(health.map((h) => h.totalCorrelation));
  });

  it('JEPA: the groups only', async () => {
    const { health } = await run('jepa', join(dir, 'jepa'));
    for (const h of health) expect(Object.keys(h.totalCorrelation)).toEqual(['groups']);
  });
});
