// Probe top-1 and top-5 of this run against step, with its random-init floor and chance level.
import { useMemo } from 'react';
import { useProbe } from '../../store/probeStore';
import { useLab } from '../../store/runStore';
import { AccuracyChart, type AccuracyReference, type AccuracySeries } from './AccuracyChart';

const SERIES: AccuracySeries[] = [
  { key: 'top1', name: 'top-1', color: '#1f77b4' },
  { key: 'top5', name: 'top-5', color: '#1f77b4', dashed: true },
];

export function ProbeChart() {
  const results = useProbe((s) => s.results);
  const classes = useLab((s) => s.dataset?.numClasses ?? 0);
  const rows = useMemo(() => results.map((r) => ({ step: r.step, top1: r.top1, top5: r.top5 })), [results]);
  const references = useMemo<AccuracyReference[]>(() => {
    const out: AccuracyReference[] = [];
    const floor = results[results.length - 1]?.randomInitTop1;
    if (floor !== undefined) out.push({ y: floor, label: 'top-1 at random init', color: '#d62728' });
    if (classes > 0) out.push({ y: 1 / classes, label: 'chance', color: '#999' });
    return out;
  }, [results, classes]);
  return <AccuracyChart title="Probe accuracy vs step" rows={rows} series={SERIES} references={references} />;
}
