import { describe, expect, it } from 'vitest';
import { defaultConfig, parseConfig } from '../engine/config';
import { decodeUrlState, encodeUrlState, parseUrlStateStrict, UrlStateError } from './urlState';

describe('URL state', () => {
  it('defaults encode to an empty query and decode back to the defaults', () => {
    expect(encodeUrlState({ config: defaultConfig(), backend: 'auto' })).toBe('');
    const r = decodeUrlState('');
    expect(r.errors).toEqual([]);
    expect(r.config).toEqual(defaultConfig());
    expect(r.backend).toBe('auto');
  });

  it("writes maskStrategy only where it differs from the mode's own, and refuses random masks for JEPA by name", () => {
    const random = parseConfig({ mode: 'mae', maskRatio: 0.6 });
    expect(encodeUrlState({ config: random, backend: 'auto' })).toBe('mode=mae&maskRatio=0.6');
    expect(decodeUrlState('?mode=mae&maskRatio=0.6').config).toEqual(random);
    const blocks = parseConfig({ mode: 'mae', maskStrategy: 'blocks' });
    expect(encodeUrlState({ config: blocks, backend: 'auto' })).toBe('mode=mae&maskStrategy=blocks');
    expect(decodeUrlState('?mode=mae&maskStrategy=blocks').config).toEqual(blocks);
    const bad = decodeUrlState('?mode=jepa&maskStrategy=random');
    expect(bad.errors).toEqual([expect.stringMatching(/^maskStrategy 'random' is MAE's/)]);
    expect(bad.config).toMatchObject({ mode: 'jepa', maskStrategy: 'blocks' });
    expect(decodeUrlState('?mode=mae&maskRatio=1').errors).toEqual([expect.stringMatching(/^maskRatio="1": /)]);
  });

  it('reads class ranges, writes consecutive classes back as one, and names a bad range', () => {
    const r = decodeUrlState('?classes=0-4,7&superclasses=1-2');
    expect(r.errors).toEqual([]);
    expect(r.config.subset.classes).toEqual([0, 1, 2, 3, 4, 7]);
    expect(r.config.subset.superclasses).toEqual([1, 2]);
    expect(new URLSearchParams(encodeUrlState({ config: r.config, backend: 'auto' })).get('classes')).toBe('0-4,7');
    expect(decodeUrlState('?classes=5-1').errors).toEqual(['classes="5-1": range "5-1" runs backwards (write 1-5)']);
  });

  it('round-trips every kind of field', () => {
    const config = parseConfig({
      mode: 'jepa',
      preset: 'micro',
      seed: 42,
      dataset: 'cifar-100',
      subset: { classes: [3, 'apple'], superclasses: [1], perClass: 50 },
      flip: false,
      patchSize: 8,
      latentDim: 16,
      grouping: 'quadrants',
      lambda: 0.0125,
      beta: 3e-5,
      proximal: true,
      targetScale: [0.1, 0.25],
      contextScale: [0.8, 0.95],
      batchSize: 8,
      lr: 5e-3,
      steps: 123,
    });
    const q = encodeUrlState({ config, backend: 'wasm' });
    const back = decodeUrlState('?' + q);
    expect(back.errors).toEqual([]);
    expect(back.backend).toBe('wasm');
    expect(back.config).toEqual(config);
    // A second round trip is stable.
    expect(encodeUrlState(back)).toBe(q);
  });

  it('rejects bad values with a message naming the parameter, and keeps the rest', () => {
    const r = decodeUrlState('preset=huge&lr=abc&batchSize=0&flip=maybe&targetScale=0.3,0.1&backend=tpu&seed=7&nope=1');
    expect(r.config.seed).toBe(7);
    expect(r.config.preset).toBe(defaultConfig().preset);
    expect(r.config.lr).toBe(defaultConfig().lr);
    expect(r.backend).toBe('auto');
    const all = r.errors.join('\n');
    expect(all).toMatch(/preset="huge"/);
    expect(all).toMatch(/lr="abc": expected a number/);
    expect(all).toMatch(/batchSize="0"/);
    expect(all).toMatch(/flip="maybe": expected true or false/);
    expect(all).toMatch(/targetScale="0.3,0.1"/);
    expect(all).toMatch(/backend="tpu": expected one of auto, webgpu, wasm, webgl, cpu/);
    expect(all).toMatch(/unknown parameter "nope"/);
    expect(r.errors).toHaveLength(7);
  });

  it('rejects out-of-range and non-integer values using the schema rules', () => {
    const r = decodeUrlState('lambda=-1&latentDim=2.5');
    expect(r.errors.join('\n')).toMatch(/lambda="-1"/);
    expect(r.errors.join('\n')).toMatch(/latentDim="2.5"/);
    expect(r.config.lambda).toBe(defaultConfig().lambda);
  });

  it('names the key and value of each out-of-range or wrongly typed setting, and keeps the defaults for them', () => {
    const r = decodeUrlState('checkpointEvery=-1&steps=1e400&normsEvery=2.5&proximal=yes&weightDecay=1,2,3&perClass=-5&checkpointEvery=10');
    const all = r.errors.join('\n');
    expect(all).toMatch(/checkpointEvery="-1": .*>=\s*0/);
    expect(all).toMatch(/steps="1e400": expected a number/);
    expect(all).toMatch(/normsEvery="2.5": .*expected int/);
    expect(all).toMatch(/proximal="yes": expected true or false/);
    expect(all).toMatch(/weightDecay="1,2,3": expected two numbers/);
    expect(all).toMatch(/perClass="-5"/);
    expect(r.errors).toHaveLength(6);
    const d = defaultConfig();
    expect(r.config).toEqual({ ...d, checkpointEvery: 10 }); // the valid repeat of a key is used
  });

  it('strict parsing throws a clear error', () => {
    expect(() => parseUrlStateStrict('lr=2')).toThrow(UrlStateError);
    expect(() => parseUrlStateStrict('lr=2')).toThrow(/lr="2"/);
    expect(parseUrlStateStrict('lr=0.01').config.lr).toBe(0.01);
  });
});
