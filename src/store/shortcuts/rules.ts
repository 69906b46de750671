// The page's keyboard shortcuts, as pure functions of plain data: which key does what, given
// where the focus is and what the Run controls allow now. The same conditions as the buttons
// (ui/RunButtons.tsx): Start is refused while the worker has failed, Step while a run trains.
import type { RunState } from '../../worker/protocol';

/** Where the focus is: typing ('text': every key is the field's), on a control that Space activates ('control'), or elsewhere. */
export type FocusKind = 'text' | 'control' | 'none';

export interface KeyInput {
  /** KeyboardEvent.key: ' ', '.', '?', 'Escape', … */
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
  /** Held down (auto-repeat). */
  repeat: boolean;
  focus: FocusKind;
  /** The shortcuts dialog is open (it is modal: only ? and Escape act). */
  dialogOpen: boolean;
}

/** What the Run controls know (the facts their buttons' disabled states come from). */
export interface RunFacts {
  runState: RunState | 'none';
  workerFailed: boolean;
  startQueued: boolean;
}

export type ShortcutAction =
  | { type: 'start' }
  | { type: 'pause' }
  | { type: 'step' }
  | { type: 'open-help' }
  | { type: 'close-help' }
  | { type: 'refuse'; message: string };

/** The shortcuts, as the dialog lists them. */
export const SHORTCUTS: readonly { keys: string; label: string; does: string }[] = [
  { keys: ' ', label: 'Space', does: 'Start training, or pause it while it trains' },
  { keys: '.', label: '.', does: 'One training step (when paused)' },
  { keys: '?', label: '?', does: 'Show or hide this list' },
  { keys: 'Escape', label: 'Esc', does: 'Close this list' },
];

const WORKER_FAILED = 'the training worker failed (the page says why); switch backend or reload';

/**
 * The action a key press asks for, or null (the key is not a shortcut here: left to the page).
 * Keys with Ctrl, Alt or Meta, keys typed into a field, and held-down repeats are never shortcuts;
 * Space on a button, checkbox or tab activates that control as usual.
 */
export function shortcutFor(k: KeyInput, run: RunFacts): ShortcutAction | null {
  if (k.ctrlKey || k.metaKey || k.altKey || k.focus === 'text') return null;
  if (k.key === 'Escape') return k.dialogOpen ? { type: 'close-help' } : null;
  if (k.key === '?') return k.repeat ? null : { type: k.dialogOpen ? 'close-help' : 'open-help' };
  if (k.dialogOpen || k.repeat) return null;
  if (k.key === ' ' && !k.shiftKey && k.focus === 'none') {
    if (run.runState === 'running' || run.startQueued) return { type: 'pause' };
    if (run.workerFailed) return { type: 'refuse', message: `Start (Space): ${WORKER_FAILED}.` };
    return { type: 'start' };
  }
  if (k.key === '.' && !k.shiftKey) {
    if (run.workerFailed) return { type: 'refuse', message: `Step (.): ${WORKER_FAILED}.` };
    if (run.runState === 'running') return { type: 'refuse', message: 'Step (.): the run is training; pause it first (Space).' };
    return { type: 'step' };
  }
  return null;
}

/** What an element is, as focusKind reads it (a plain description of document.activeElement). */
export interface FocusedElement {
  tagName: string;
  isContentEditable?: boolean;
  role?: string | null;
}

const CONTROL_ROLES = ['button', 'checkbox', 'radio', 'switch', 'tab', 'menuitem', 'option', 'link', 'slider'];

/** Where the focus is: in a field one types into (input, select, textarea, contenteditable), on another control, or neither. */
export function focusKind(el: FocusedElement | null): FocusKind {
  if (!el) return 'none';
  const tag = el.tagName.toLowerCase();
  // Every input (a checkbox, a slider, a file picker too): its keys are its own.
  if (el.isContentEditable || tag === 'input' || tag === 'textarea' || tag === 'select') return 'text';
  if (['button', 'a', 'summary'].includes(tag)) return 'control';
  if (el.role && CONTROL_ROLES.includes(el.role)) return 'control';
  return 'none';
}
