import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../engine/config';
import { parseCli, UsageError } from './args';

const parse = (argv: string[], base: Record<string, unknown> = {}) => parseCli(argv, ['out'] as const, base);
const usageError = (argv: string[]): string => {
  try {
    parse(argv);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error(`no error for ${argv.join(' ')}`);
};

describe('command-line flags → the config schema', () => {
  it('maps each flag to its config field, and leaves the rest at the defaults', () => {
    const { config, given, extra } = parse([
      '--batch', '8', '--k', '16', '--lr', '2e-3', '--mode', 'jepa', '--preset', 'micro', '--steps', '300',
      '--classes', '0,3,apple', '--per-class', '5', '--no-flip', '--proximal', '--ema', '0.98,1', '--wd', '0,0.1',
      '--patch-embed-std', '0.1', '--probe-every', '25', '--out', 'runs/x',
    ]);
    expect(config).toMatchObject({
      batchSize: 8, latentDim: 16, lr: 2e-3, mode: 'jepa', preset: 'micro', steps: 300, flip: false, proximal: true,
      emaMomentum: [0.98, 1], weightDecay: [0, 0.1], patchEmbedStd: 0.1, probeEvery: 25,
      subset: { classes: [0, 3, 'apple'], superclasses: [], perClass: 5 },
    });
    expect(config.beta).toBe(defaultConfig().beta);
    expect(config.seed).toBe(0);
    expect(Object.keys(given).sort()).toEqual(
      ['batchSize', 'emaMomentum', 'flip', 'latentDim', 'lr', 'mode', 'patchEmbedStd', 'preset', 'probeEvery', 'proximal', 'steps', 'subset', 'weightDecay'].sort(),
    );
    expect(extra.out).toBe('runs/x');
  });

  it('takes class ranges (--classes 0-9, 0-4,7) and names a backwards one', () => {
    expect(parse(['--classes', '0-9']).config.subset.classes).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(parse(['--classes', '0-4,7,apple']).config.subset.classes).toEqual([0, 1, 2, 3, 4, 7, 'apple']);
    expect(parse(['--superclasses', '2-3']).config.subset.superclasses).toEqual([2, 3]);
    expect(usageError(['--classes', '9-0'])).toBe('--classes: range "9-0" runs backwards (write 0-9)');
  });

  it('takes --probe-every 0 (off, the default) and rejects a negative or fractional interval', () => {
    expect(parse([]).config.probeEvery).toBe(0);
    expect(parse(['--probe-every', '0']).config.probeEvery).toBe(0);
    expect(usageError(['--probe-every=-1'])).toMatch(/^--probe-every: /);
    expect(usageError(['--probe-every', '2.5'])).toBe("--probe-every: expected a whole number, got '2.5'");
  });

  it('takes MAE and the collapse settings: --mode mae, --no-mae-norm-pix, --target-encoder, --health-every', () => {
    expect(parse([]).config).toMatchObject({ maeNormPix: true, targetEncoder: 'ema', healthEvery: 0 });
    const { config } = parse(['--mode', 'mae', '--no-mae-norm-pix', '--health-every', '10']);
    expect(config).toMatchObject({ mode: 'mae', maeNormPix: false, healthEvery: 10 });
    expect(parse(['--target-encoder', 'online-no-stopgrad']).config.targetEncoder).toBe('online-no-stopgrad');
    expect(usageError(['--target-encoder', 'online'])).toMatch(/^--target-encoder: /);
    expect(usageError(['--health-every=-1'])).toMatch(/^--health-every: /);
  });

  it("takes MAE's masks (--mask-strategy random, --mask-ratio) and keeps JEPA and SparseJEPA on blocks", () => {
    expect(parse(['--mode', 'mae']).config).toMatchObject({ maskStrategy: 'random', maskRatio: 0.75 });
    expect(parse(['--mode', 'mae', '--mask-strategy', 'random', '--mask-ratio', '0.6']).config).toMatchObject({ maskStrategy: 'random', maskRatio: 0.6 });
    expect(parse(['--mode', 'mae', '--mask-strategy', 'blocks']).config.maskStrategy).toBe('blocks');
    expect(parse([]).config.maskStrategy).toBe('blocks');
    const jepa = usageError(['--mode', 'jepa', '--mask-strategy', 'random']);
    expect(jepa).toMatch(/^--mask-strategy: maskStrategy 'random' is MAE's/);
    expect(jepa).not.toContain('\n');
    expect(usageError(['--mode', 'mae', '--mask-strategy', 'grid'])).toMatch(/^--mask-strategy: /);
  });

  for (const ratio of ['0', '1', '1.5']) {
    it(`refuses --mask-ratio ${ratio} (it must lie strictly between 0 and 1) in one line naming the flag`, () => {
      const e = usageError(['--mode', 'mae', '--mask-strategy', 'random', '--mask-ratio', ratio]);
      expect(e).toMatch(/^--mask-ratio: /);
      expect(e).not.toContain('\n');
    });
  }

  it('refuses a --mask-ratio that leaves no patch visible or none masked on the grid, naming the flag', () => {
    // patch size 8: N = 16 patches; round(0.02·16) = 0 visible, round(0.98·16) = 16 visible.
    expect(usageError(['--mode', 'mae', '--patch-size', '8', '--grouping', 'patch', '--mask-ratio', '0.98'])).toMatch(/^--mask-ratio: maskRatio 0.98 leaves 0 of the 16 patches visible/);
    expect(usageError(['--mode', 'mae', '--patch-size', '8', '--grouping', 'patch', '--mask-ratio', '0.02'])).toMatch(/^--mask-ratio: maskRatio 0.02 leaves 16 of the 16/);
  });

  it('names the flag in every bad value, by type and by range', () => {
    expect(usageError(['--lr', 'abc'])).toBe("--lr: expected a number, got 'abc'");
    expect(usageError(['--lr', ''])).toBe("--lr: expected a number, got ''");
    expect(usageError(['--steps', '1.5'])).toBe("--steps: expected a whole number, got '1.5'");
    expect(usageError(['--lr', '5'])).toMatch(/^--lr: /);
    expect(usageError(['--mode', 'vae'])).toMatch(/^--mode: /);
    expect(usageError(['--per-class=-2'])).toMatch(/^--per-class: /);
    expect(usageError(['--per-class', '-2'])).toMatch(/'--per-class' argument is ambiguous/); // node:util's reading of '-2'
    expect(usageError(['--ema', '0.9'])).toBe("--ema: expected two numbers FROM,TO, got '0.9'");
    expect(usageError(['--ema', '0.9,x'])).toBe("--ema: expected two numbers FROM,TO, got '0.9,x'");
    expect(usageError(['--ema', '1,0.9'])).toMatch(/^--ema: must be \[lo, hi\]/);
    expect(usageError(['--patch-embed-std', '0'])).toMatch(/^--patch-embed-std: /);
  });

  it('rejects an unknown flag and a stray positional argument in one line', () => {
    const unknown = usageError(['--bogus', '1']);
    expect(unknown).toMatch(/Unknown option '--bogus'/);
    expect(unknown).not.toContain('\n');
    expect(usageError(['extra'])).toMatch(/positional/);
  });

  it('lays the flags over a base config (e.g. from a weights file), and names a bad base field by its field', () => {
    const { config, given } = parse(['--steps', '5'], { steps: 10, mode: 'jepa', preset: 'micro' });
    expect(config).toMatchObject({ steps: 5, mode: 'jepa', preset: 'micro' });
    expect(given).toEqual({ steps: 5 });
    expect(usageError2(() => parse([], { lr: 'fast' }))).toMatch(/^lr: /);
  });
});

function usageError2(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error('no error');
}
