// The page's keyboard shortcuts (mounted once, in App): Space starts or pauses, "." steps once,
// "?" opens the list of shortcuts (a modal dialog; Escape or "?" closes it). Keys typed into a
// field or with Ctrl/Alt/Meta are left alone, and Space on a focused button or tab activates it
// (src/store/shortcuts/rules.ts). The commands are the Run buttons' (store/run/commands.ts).
import { useEffect, useRef } from 'react';
import { openShortcuts, pressKey } from '../store/shortcuts/commands';
import { focusKind, SHORTCUTS } from '../store/shortcuts/rules';
import { useShortcuts } from '../store/shortcuts/state';
import './shortcuts.css';

function focused(): Parameters<typeof focusKind>[0] {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  return { tagName: el.tagName, isContentEditable: el instanceof HTMLElement && el.isContentEditable, role: el.getAttribute('role') };
}

function onKeyDown(e: KeyboardEvent): void {
  if (e.defaultPrevented || e.isComposing) return;
  const handled = pressKey({ key: e.key, ctrlKey: e.ctrlKey, metaKey: e.metaKey, altKey: e.altKey, shiftKey: e.shiftKey, repeat: e.repeat, focus: focusKind(focused()) });
  if (handled) e.preventDefault();
}

function ShortcutsDialog() {
  const open = useShortcuts((s) => s.helpOpen);
  const ref = useRef<HTMLDialogElement>(null);
  const before = useRef<Element | null>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      before.current = document.activeElement;
      d.showModal(); // focus moves into it (its Close button), the page behind is inert
    } else if (!open && d.open) {
      d.close();
    }
  }, [open]);
  return (
    <dialog
      ref={ref}
      className="shortcuts-dialog"
      aria-label="Keyboard shortcuts"
      onClose={() => {
        openShortcuts(false);
        if (before.current instanceof HTMLElement) before.current.focus();
        before.current = null;
      }}
    >
      <h2>Keyboard shortcuts</h2>
      <dl>
        {SHORTCUTS.map((s) => (
          <div key={s.keys}>
            <dt>
              <kbd>{s.label}</kbd>
            </dt>
            <dd>{s.does}</dd>
          </div>
        ))}
      </dl>
      <p className="hint">Not while typing in a field, nor with Ctrl, Alt or ⌘; Space on a focused button or tab presses it.</p>
      <button type="button" onClick={() => openShortcuts(false)}>
        Close
      </button>
    </dialog>
  );
}

/** The shortcuts' key handler and their dialog: mount once. */
export function Shortcuts() {
  useEffect(() => {
    addEventListener('keydown', onKeyDown);
    return () => removeEventListener('keydown', onKeyDown);
  }, []);
  return <ShortcutsDialog />;
}
