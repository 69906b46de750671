// What every sharing view derives from the latest G×K norms matrix and the threshold: rows,
// active sets, the heatmap's row and column orders, the sparsity summary. Computed once per
// published matrix (the page's render queue paces it) and per threshold.
import { useMemo } from 'react';
import { groupOfPatch } from '../../engine/config';
import { activeSets, groupOrder, latentOrder, normRows, sparsitySummary } from '../../engine/sharing';
import { useLab } from '../../store/run/state';
import { useThreshold } from '../../store/sharing/state';
import { useSeriesVersion } from '../useSeries';
import { maxOf } from './draw';

export interface SharingData {
  /** Step of the matrix (the one the worker last sent). */
  step: number;
  G: number;
  K: number;
  rows: Float32Array[];
  max: number;
  threshold: number;
  active: boolean[][];
  rowOrder: number[];
  colOrder: number[];
  summary: ReturnType<typeof sparsitySummary>;
}

export function deriveSharing(data: Float32Array, G: number, K: number, step: number, threshold: number): SharingData {
  const rows = normRows(data, G, K);
  const active = activeSets(rows, threshold);
  const rowOrder = groupOrder(active);
  return {
    step,
    G,
    K,
    rows,
    max: maxOf(data),
    threshold,
    active,
    rowOrder,
    colOrder: latentOrder(rows, threshold, rowOrder),
    summary: sparsitySummary(rows, threshold),
  };
}

export function useSharingData(): { data: SharingData | null; ref: (el: Element | null) => void } {
  const { version, ref } = useSeriesVersion();
  const threshold = useThreshold();
  const latest = useMemo(() => useLab.getState().norms.at(-1) ?? null, [version]);
  const data = useMemo(() => (latest ? deriveSharing(latest.data, latest.G, latest.K, latest.step, threshold) : null), [latest, threshold]);
  return { data, ref };
}

/** The run's patch grid and its partition into groups g(p). */
export function useGrouping(): { grid: number; groupOfPatch: Int32Array } | null {
  const run = useLab((s) => s.run);
  return useMemo(() => (run ? { grid: run.dims.grid, groupOfPatch: groupOfPatch(run.config.grouping, run.dims.grid) } : null), [run]);
}
