import { describe, expect, it } from 'vitest';
import { focusKind, SHORTCUTS, shortcutFor, type KeyInput, type RunFacts } from './rules';

const key = (k: string, over: Partial<KeyInput> = {}): KeyInput => ({ key: k, ctrlKey: false, metaKey: false, altKey: false, shiftKey: k === '?', repeat: false, focus: 'none', dialogOpen: false, ...over });
const paused: RunFacts = { runState: 'paused', workerFailed: false, startQueued: false };
const running: RunFacts = { ...paused, runState: 'running' };
const failed: RunFacts = { ...paused, workerFailed: true };

describe('shortcutFor', () => {
  it('Space starts, and pauses while a run trains or a Start waits', () => {
    expect(shortcutFor(key(' '), paused)).toEqual({ type: 'start' });
    expect(shortcutFor(key(' '), { ...paused, runState: 'none' })).toEqual({ type: 'start' });
    expect(shortcutFor(key(' '), { ...paused, runState: 'ready' })).toEqual({ type: 'start' });
    expect(shortcutFor(key(' '), running)).toEqual({ type: 'pause' });
    expect(shortcutFor(key(' '), { ...paused, startQueued: true })).toEqual({ type: 'pause' });
  });

  it('. steps once when not training; refused out loud, as the Step button is off, while training or with a failed worker', () => {
    expect(shortcutFor(key('.'), paused)).toEqual({ type: 'step' });
    expect(shortcutFor(key('.'), { ...paused, runState: 'done' })).toEqual({ type: 'step' });
    expect(shortcutFor(key('.'), running)).toEqual({ type: 'refuse', message: 'Step (.): the run is training; pause it first (Space).' });
    expect(shortcutFor(key('.'), failed)).toMatchObject({ type: 'refuse', message: expect.stringMatching(/^Step \(\.\): the training worker failed/) });
    expect(shortcutFor(key(' '), failed)).toMatchObject({ type: 'refuse', message: expect.stringMatching(/^Start \(Space\): the training worker failed/) });
  });

  it('? opens and closes the list; Escape closes it; the open list is modal', () => {
    expect(shortcutFor(key('?'), paused)).toEqual({ type: 'open-help' });
    expect(shortcutFor(key('?', { dialogOpen: true }), paused)).toEqual({ type: 'close-help' });
    expect(shortcutFor(key('Escape', { dialogOpen: true }), running)).toEqual({ type: 'close-help' });
    expect(shortcutFor(key('Escape'), paused)).toBeNull();
    expect(shortcutFor(key(' ', { dialogOpen: true }), paused)).toBeNull();
    expect(shortcutFor(key('.', { dialogOpen: true }), paused)).toBeNull();
  });

  it('leaves keys with a modifier, typed into a field, held down, or Space on a control, to the page', () => {
    for (const mod of ['ctrlKey', 'metaKey', 'altKey'] as const) for (const k of [' ', '.', '?']) expect(shortcutFor(key(k, { [mod]: true }), paused)).toBeNull();
    for (const k of [' ', '.', '?', 'Escape']) expect(shortcutFor(key(k, { focus: 'text', dialogOpen: k === 'Escape' }), paused)).toBeNull();
    expect(shortcutFor(key(' ', { repeat: true }), running)).toBeNull();
    expect(shortcutFor(key('.', { repeat: true }), paused)).toBeNull();
    expect(shortcutFor(key(' ', { shiftKey: true }), paused)).toBeNull(); // Shift+Space scrolls up
    expect(shortcutFor(key(' ', { focus: 'control' }), paused)).toBeNull(); // a focused button or tab takes its Space
    expect(shortcutFor(key('.', { focus: 'control' }), paused)).toEqual({ type: 'step' });
    expect(shortcutFor(key('?', { focus: 'control' }), paused)).toEqual({ type: 'open-help' });
    expect(shortcutFor(key('a'), paused)).toBeNull();
  });

  it('lists every key it acts on', () => {
    expect(SHORTCUTS.map((s) => s.keys)).toEqual([' ', '.', '?', 'Escape']);
  });
});

describe('focusKind', () => {
  it('reads fields as typing, buttons, links and control roles as controls, the rest as neither', () => {
    expect(focusKind({ tagName: 'INPUT' })).toBe('text');
    expect(focusKind({ tagName: 'TEXTAREA' })).toBe('text');
    expect(focusKind({ tagName: 'SELECT' })).toBe('text');
    expect(focusKind({ tagName: 'DIV', isContentEditable: true })).toBe('text');
    expect(focusKind({ tagName: 'BUTTON' })).toBe('control');
    expect(focusKind({ tagName: 'A' })).toBe('control');
    expect(focusKind({ tagName: 'DIV', role: 'tab' })).toBe('control');
    expect(focusKind({ tagName: 'BODY' })).toBe('none');
    expect(focusKind({ tagName: 'DIV', role: 'region' })).toBe('none');
    expect(focusKind(null)).toBe('none');
  });
});
