import { describe, expect, it } from 'vitest';
import { DEFAULT_VIEW, VIEWS, neighbourView, parseView, viewHash } from './rules';

describe('parseView', () => {
  it('reads each view from its hash, and viewHash writes it back', () => {
    for (const v of VIEWS) {
      expect(parseView(viewHash(v))).toBe(v);
      expect(parseView(v)).toBe(v);
    }
    expect(parseView('#runs')).toBe('runs');
    expect(parseView('#latents')).toBe('latents');
  });

  it('an empty, bare or unknown hash is the Train view', () => {
    expect(DEFAULT_VIEW).toBe('train');
    for (const h of ['', '#', '#nope', '#run', '#trainx', '#lambda=1']) expect(parseView(h)).toBe('train');
  });

  it('ignores case, spaces, a trailing slash and parameters after the name', () => {
    expect(parseView('#Runs')).toBe('runs');
    expect(parseView('# evaluate ')).toBe('evaluate');
    expect(parseView('#theory/')).toBe('theory');
    expect(parseView('#runs?compare=a,b')).toBe('runs');
    expect(parseView('#latents&image=3')).toBe('latents');
  });

  it('does not read the settings: a query string in the hash is not a view', () => {
    expect(parseView('#?preset=micro')).toBe('train');
  });
});

describe('neighbourView', () => {
  it('steps through the tabs in order and wraps round', () => {
    expect(neighbourView('train', 1)).toBe('latents');
    expect(neighbourView('theory', 1)).toBe('train');
    expect(neighbourView('train', -1)).toBe('theory');
    expect(neighbourView('runs', -1)).toBe('evaluate');
  });
});
