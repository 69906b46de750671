// Probe top-1 and top-5 of this run against step — the linear probe's and, when they have been
// run, the attentive probe's and the k-NN probe's — with each one's random-init floor and chance.
import { useMemo } from 'react';
import { PROBE_KINDS, type ProbeKind } from '../../engine/probeKind';
import type { ProbeReport } from '../../worker/protocol';
import { kindOf, useProbe } from '../../store/probe/state';
import { useLab } from '../../store/run/state';
import { AccuracyChart, type AccuracyReference, type AccuracySeries } from './AccuracyChart';

/** A kind's rows' keys, its top-1/top-5 lines (in its colour) and its floor's reference line. */
function kindLines(prefix: string, name: string, color: string, floorColor: string) {
  const key = (k: string) => (prefix ? `${prefix}${k[0].toUpperCase()}${k.slice(1)}` : k);
  const label = name ? `${name} ` : '';
  return {
    top1: key('top1'),
    top5: key('top5'),
    series: [
      { key: key('top1'), name: `${label}top-1`, color },
      { key: key('top5'), name: `${label}top-5`, color, dashed: true },
    ] as AccuracySeries[],
    floor: { label: `${label}top-1 at random init`, color: floorColor } as Omit<AccuracyReference, 'y'>,
  };
}

/** Per kind: its rows' keys, its lines and its floor's reference line. */
const KINDS: Record<ProbeKind, ReturnType<typeof kindLines>> = {
  linear: kindLines('', '', '#1f77b4', '#d62728'),
  attentive: kindLines('att', 'attentive', '#2ca02c', '#ff7f0e'),
  knn: kindLines('knn', 'k-NN', '#9467bd', '#8c564b'),
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
