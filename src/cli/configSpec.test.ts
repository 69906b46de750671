// The PyTorch trainer validates configs against interop/pytorch/lab_config.json, generated from
// the zod schema. These tests keep the two from drifting: the committed file is the generated one,
// and the Python side (lab_config.py) gives the same defaults, the same derived sizes, and accepts
// and refuses the same configs as parseConfig — except unknown keys, which it refuses on purpose.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigSchema, defaultConfig, modelDims, parseConfig } from '../engine/config';
import { CONFIG_SPEC_PATH, configSpecText } from './configSpec';
import { PY, torchWhyNot } from './pytorchTest';

/** Run lab_config.py on a list of configs: each parsed config with its dims, or the error line. */
function pythonParse(configs: unknown[]): ({ config: Record<string, unknown>; dims: Record<string, unknown> } | { error: string })[] {
  const script = [
    'import json, sys',
    'sys.path.insert(0, "interop/pytorch")',
    'from lab_config import ConfigError, model_dims, parse_config',
    'out = []',
    'for c in json.load(sys.stdin):',
    '    try:',
    '        p = parse_config(c)',
    '        out.append({"config": p, "dims": model_dims(p)})',
    '    except ConfigError as e:',
    '        out.append({"error": str(e)})',
    'print(json.dumps(out))',
  ].join('\n');
  return JSON.parse(execFileSync(PY, ['-c', script], { input: JSON.stringify(configs), encoding: 'utf8' }));
}

/** Configs around each field's edges: wrong types, bounds, enum values, ranges out of order. */
function probeConfigs(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [{}];
  const def = defaultConfig() as Record<string, unknown>;
  const values: unknown[] = ['x', '', true, null, -1, 0, 0.5, 1, 2, 3, 4, 7, 8, 9, 100, 101, 1e-7, 1e9, 2.5, [], [0.1, 0.2], [0.2, 0.1], [-1, 0.5], [0.5, 11], [1, 1], [0.5], {}];
  for (const key of Object.keys(ConfigSchema.shape)) {
    for (const v of values) out.push({ [key]: v });
    const d = def[key];
    if (typeof d === 'string') for (const v of ['sparse', 'jepa', 'micro', 'vit-tiny', 'patch', 'rows', 'quadrants', 'paper', 'mean', 'sgd', 'adamw', 'unitNormal', 'truncNormal', 'random', 'blocks']) out.push({ [key]: v });
  }
  for (const subset of [{ classes: [1, 'apple'] }, { superclasses: ['fish'] }, { perClass: 3 }, { perClass: -1 }, { classes: 'apple' }, { classes: [1.5] }]) out.push({ subset });
  // The mode's own mask strategy, and the patches maskRatio leaves visible on the grid (parseConfig's cross-field rules).
  for (const mode of ['mae', 'jepa', 'sparse']) for (const maskStrategy of [undefined, 'random', 'blocks']) out.push({ mode, ...(maskStrategy ? { maskStrategy } : {}) });
  for (const maskRatio of [0.02, 0.03, 0.5, 0.97, 0.98]) out.push({ mode: 'mae', patchSize: 8, grouping: 'patch', maskRatio }, { mode: 'mae', patchSize: 8, grouping: 'patch', maskStrategy: 'blocks', maskRatio });
  out.push({ patchSize: 8, grouping: 'blocks2x2' }, { patchSize: 8, grouping: 'patch', preset: 'micro' }, { preset: 'small', predictorWidthRatio: 0.3 });
  return out;
}

describe('the config spec the PyTorch trainer reads', () => {
  it(`${CONFIG_SPEC_PATH} is the one generated from config.ts (else: npm run config-spec)`, () => {
    expect(readFileSync(CONFIG_SPEC_PATH, 'utf8'), `stale ${CONFIG_SPEC_PATH}: run npm run config-spec`).toBe(configSpecText());
  });

  describe.skipIf(torchWhyNot !== null)('lab_config.py', () => {
    it('has the same defaults and derived sizes as defaultConfig() and modelDims()', () => {
      const [py] = pythonParse([{}]);
      expect(py).toEqual({ config: defaultConfig(), dims: modelDims(defaultConfig()) });
    });

    it('accepts and refuses the same configs as parseConfig, with the same results', () => {
      const configs = probeConfigs();
      const py = pythonParse(configs);
      let accepted = 0;
      configs.forEach((c, i) => {
        let ts: { config: unknown; dims: unknown } | null = null;
        try {
          const p = parseConfig(c);
          ts = { config: p, dims: modelDims(p) };
        } catch {
          ts = null;
        }
        const p = py[i];
        if (ts) {
          accepted++;
          expect(p, `${JSON.stringify(c)}: parseConfig accepts it`).toEqual(ts);
        } else expect(p, `${JSON.stringify(c)}: parseConfig refuses it`).toHaveProperty('error');
      });
      expect(accepted).toBeGreaterThan(50);
      expect(configs.length - accepted).toBeGreaterThan(200);
    });

    it('refuses unknown keys, naming them (zod drops them; a GPU run should not)', () => {
      const [p] = pythonParse([{ lamdba: 0.1 }]);
      expect(p).toEqual({ error: expect.stringMatching(/unknown key 'lamdba'/) });
    });
  });
});
