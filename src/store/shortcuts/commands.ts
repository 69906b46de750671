// A key pressed: its action (rules.ts) carried out through the same commands the Run buttons
// call (run/commands.ts: start, pause, step — queued like a click), the list opened or closed,
// or the refusal said in the status line for a few seconds.
import { pause, start, step } from '../run/commands';
import { useLab } from '../run/state';
import { shortcutFor, type KeyInput, type RunFacts } from './rules';
import { useShortcuts } from './state';

/** How long a refusal stays in the status line. */
const REFUSAL_MS = 6000;

/** The refusal's timer (one per page). */
const refusals: { timer: ReturnType<typeof setTimeout> | null } = { timer: null };

function runFacts(): RunFacts {
  const s = useLab.getState();
  return { runState: s.runState, workerFailed: s.workerStatus === 'error', startQueued: s.queued.includes('Start') };
}

function refuse(message: string | null): void {
  if (refusals.timer) clearTimeout(refusals.timer);
  refusals.timer = message ? setTimeout(() => refuse(null), REFUSAL_MS) : null;
  useShortcuts.setState({ refusal: message });
}

export function openShortcuts(open: boolean): void {
  useShortcuts.setState({ helpOpen: open });
}

/** The key pressed (`input` without dialogOpen: read here); true when it was a shortcut (the page's default is then prevented). */
export function pressKey(input: Omit<KeyInput, 'dialogOpen'>): boolean {
  const action = shortcutFor({ ...input, dialogOpen: useShortcuts.getState().helpOpen }, runFacts());
  if (!action) return false;
  if (action.type !== 'refuse' && useShortcuts.getState().refusal) refuse(null);
  switch (action.type) {
    case 'start':
      void start();
      break;
    case 'pause':
      void pause();
      break;
    case 'step':
      void step();
      break;
    case 'open-help':
      openShortcuts(true);
      break;
    case 'close-help':
      openShortcuts(false);
      break;
    case 'refuse':
      refuse(action.message);
      break;
  }
  return true;
}
