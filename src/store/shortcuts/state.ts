// The keyboard shortcuts' state: whether their list (the dialog) is open, and the last shortcut
// refused, in words (the status line shows it, as it shows a refused button's reason).
import { create } from 'zustand';

export interface ShortcutsState {
  helpOpen: boolean;
  refusal: string | null;
}

export const useShortcuts = create<ShortcutsState>()(() => ({ helpOpen: false, refusal: null }));
