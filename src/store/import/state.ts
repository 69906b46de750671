// Runs brought in from outside the page: the message of the last import or open, a run waiting
// for the data it trained on, and the files of the runs imported in this tab (kept in memory).
import { create } from 'zustand';
import type { StepMetrics } from '../../engine/types';

/** What the page keeps of an imported run's files, to open its weights (this tab only). */
export interface ImportedFiles {
  weights: ArrayBuffer;
  weightsName: string;
  metrics: StepMetrics[];
  step: number;
  trainSize?: number;
}

export interface ImportState {
  /** What the last import or open did; `recordId`: the run it was about. */
  message: { text: string; recordId: string } | null;
  error: string | null;
  /** An imported run waiting for the data it trained on, which the page cannot load by itself. */
  needsData: { recordId: string; name: string; dataset: string } | null;
  /** The files of the runs imported in this tab, by record id. */
  files: Record<string, ImportedFiles>;
}

export const useImport = create<ImportState>()(() => ({ message: null, error: null, needsData: null, files: {} }));

/** A deleted record's files go with it (runActions.deleteRun). */
export function forgetImportedFiles(recordId: string): void {
  const { files, needsData } = useImport.getState();
  if (!(recordId in files)) return;
  const kept = { ...files };
  delete kept[recordId];
  useImport.setState({ files: kept, ...(needsData?.recordId === recordId ? { needsData: null } : {}) });
}
