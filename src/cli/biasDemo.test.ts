// npm run bias-demo, in-process: the files it writes and the errors it names.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from './args';
import { biasDemoCommand } from './biasDemoCommand';

const dir = mkdtempSync(join(tmpdir(), 'sparsejepa-bias-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function rejects(argv: string[]): Promise<string> {
  const e = await biasDemoCommand(argv, () => {}).then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(UsageError);
  return (e as Error).message;
}

describe('npm run bias-demo', () => {
  it('writes DIR/bias-demo.json (curves, critical times, the sentence) and DIR/bias-demo.svg (both panels, t* marked), prints one line', async () => {
    const out = join(dir, 'd3');
    const lines: string[] = [];
    const summary = await biasDemoCommand(['--out', out, '--depth', '3', '--lambdas', '1,0.5', '--rhos', '0.5,0.9'], (l) => lines.push(l));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toEqual(summary);
    const json = JSON.parse(readFileSync(join(out, 'bias-demo.json'), 'utf8'));
    expect(json.settings).toMatchObject({ depth: 3, lambdas: [1, 0.5], rhos: [0.5, 0.9] });
    expect(json.mae.criticalTimes).toEqual(summary.criticalTimes.mae);
    expect(json.jepa.order).toEqual([1, 0]); // defaults at depth 3: JEPA takes the high-ρ feature first
    expect(json.mae.order).toEqual([0, 1]);
    expect(json.jepa.curve.gains).toHaveLength(2);
    expect(json.jepa.curve.gains[0]).toHaveLength(json.jepa.curve.step.length);
    expect(json.sentence).toBe(summary.sentence);
    expect(json.criticalTimeDefinition).toMatch(/^critical time of feature i/);
    const svg = readFileSync(join(out, 'bias-demo.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<polyline /g)).toHaveLength(4); // 2 features × 2 objectives
    expect(svg.match(/<circle /g)).toHaveLength(4); // every critical time marked
    expect(svg).toContain('MAE');
    expect(svg).toContain('JEPA');
    expect(svg).toContain('JEPA learned feature 2 (λ = 0.5, ρ = 0.9)'); // the sentence, wrapped into lines
  });

  it('names the flag at fault', async () => {
    expect(await rejects(['--depth', '2'])).toBe('--out DIR is required');
    expect(await rejects(['--out', dir, '--depth', '7'])).toMatch(/^--depth: expected a whole number from 1 to 5, got 7/);
    expect(await rejects(['--out', dir, '--depth', 'x'])).toBe("--depth: expected a whole number ≥ 1, got 'x'");
    expect(await rejects(['--out', dir, '--lambdas', '1,a', '--rhos', '0.5,0.9'])).toBe("--lambdas: expected numbers separated by commas, got '1,a'");
    expect(await rejects(['--out', dir, '--lambdas', '1,2,3', '--rhos', '0.5,0.9'])).toMatch(/^--rhos: expected one ρ per feature/);
    expect(await rejects(['--out', dir, '--lambdas', '1,2'])).toMatch(/^--rhos: /);
    expect(await rejects(['--out', dir, '--lr', '5'])).toMatch(/^--lr: η = 5 is too large/);
    expect(await rejects(['--out', dir, '--init', '0.5'])).toMatch(/^--init: /);
    expect(await rejects(['--out', dir, '--steps', '0'])).toMatch(/^--steps: /);
    expect(await rejects(['--out', dir, '--bogus', '1'])).toMatch(/Unknown option '--bogus'/);
  });
});
