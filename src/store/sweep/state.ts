// The Sweep panel's state: the form's lists, the sweep kept in this browser (its rows and its
// run in progress), what this tab's driver is doing now, and whether another tab drives it.
import { create } from 'zustand';
import { defaultConfig } from '../../engine/config';
import { defaultSweepForm, type SweepForm, type SweepRecord } from './rules';

export interface SweepPhase {
  /** 0-based index of the run in the plan, and the plan's length. */
  index: number;
  total: number;
  key: string;
  what: 'opening' | 'training' | 'probing' | 'reading';
}

export interface SweepState {
  form: SweepForm;
  /** The latest sweep (running, finished, cancelled or stopped), as kept in IndexedDB. */
  sweep: SweepRecord | null;
  /** What this tab's driver does now (null: it is not driving). */
  phase: SweepPhase | null;
  /** The sweep is running in another tab of this browser, which drives it. */
  elsewhere: boolean;
  /** Whether the sweep is kept across reloads (IndexedDB opened). */
  persistent: boolean;
  /** A refusal or a storage problem, in words. */
  error: string | null;
}

export const useSweep = create<SweepState>()(() => ({ form: defaultSweepForm(defaultConfig()), sweep: null, phase: null, elsewhere: false, persistent: false, error: null }));

export function setSweepForm(patch: Partial<SweepForm>): void {
  useSweep.setState((s) => ({ form: { ...s.form, ...patch } }));
}
