// Probe top-1 and top-5 of this run against step — the linear probe's and, when they have been
// run, the attentive probe's and the k-NN probe's — with each one's random-init floor and chance.
import { useMemo } from 'react';
import { PROBE_KINDS, type ProbeKind } from '../../engine/probeKind';
import type { ProbeReport } from '../../worker/protocol';
import { kindOf, useProbe } from '../../store/probe/state';
import { useLab } from '../../store/run/state';
import { AccuracyChart, type AccuracyReference, type AccuracySeries } from './AccuracyChart';

/** Per kind: its rows' keys, its lines and its floor's reference line. */
const KINDS: Record<ProbeKind, { top1: string; top5: string; series: AccuracySeries[]; floor: Omit<AccuracyReference, 'y'> }> = {
  linear: {
    top1: 'top1',
    top5: 'top5',
    series: [
      { key: 'top1', name: 'top-1', color: '#1f77b4' },
      { key: 'top5', name: 'top-5', color: '#1f77b4', dashed: true },
    ],
    floor: { label: 'top-1 at random init', color: '#d62728' },
  },
  attentive: {
    top1: 'attTop1',
    top5: 'attTop5',
    series: [
      { key: 'attTop1', name: 'attentive top-1', color: '#2ca02c' },
      { key: 'attTop5', name: 'attentive top-5', color: '#2ca02c', dashed: true },
    ],
    floor: { label: 'attentive top-1 at random init', color: '#ff7f0e' },
  },
  knn: {
    top1: 'knnTop1',
    top5: 'knnTop5',
    series: [
      { key: 'knnTop1', name: 'k-NN top-1', color: '#9467bd' },
      { key: 'knnTop5', name: 'k-NN top-5', color: '#9467bd', dashed: true },
    ],
    floor: { label: 'k-NN top-1 at random init', color: '#8c564b' },
  },
};

export function ProbeChart() {
  const results = useProbe((s) => s.results);
  const classes = useLab((s) => s.dataset?.numClasses ?? 0);
  const { rows, series, references } = useMemo(() => {
    const byStep = new Map<number, Record<string, number>>();
    const row = (step: number) => byStep.get(step) ?? byStep.set(step, { step }).get(step)!;
    for (const r of results) {
      const k = KINDS[kindOf(r)];
      Object.assign(row(r.step), { [k.top1]: r.top1, [k.top5]: r.top5 });
    }
    const ofKind = (kind: ProbeKind): ProbeReport[] => results.filter((r) => kindOf(r) === kind);
    const refs: AccuracyReference[] = [];
    for (const kind of PROBE_KINDS) {
      const last = ofKind(kind).at(-1);
      if (last) refs.push({ y: last.randomInitTop1, ...KINDS[kind].floor });
    }
    if (classes > 0) refs.push({ y: 1 / classes, label: 'chance', color: '#999' });
    // The linear lines always (the chart's empty state); the others once they have a probe.
    const series = PROBE_KINDS.filter((kind) => kind === 'linear' || ofKind(kind).length).flatMap((kind) => KINDS[kind].series);
    return { rows: [...byStep.values()].sort((a, b) => a.step - b.step), series, references: refs };
  }, [results, classes]);
  return <AccuracyChart title="Probe accuracy vs step" rows={rows} series={series} references={references} />;
}
