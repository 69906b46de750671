// Probe top-1 and top-5 of this run against step — the linear probe's and, when it has been
// run, the attentive probe's — with each one's random-init floor and chance level.
import { useMemo } from 'react';
import { kindOf, useProbe } from '../../store/probe/state';
import { useLab } from '../../store/run/state';
import { AccuracyChart, type AccuracyReference, type AccuracySeries } from './AccuracyChart';

const LINEAR: AccuracySeries[] = [
  { key: 'top1', name: 'top-1', color: '#1f77b4' },
  { key: 'top5', name: 'top-5', color: '#1f77b4', dashed: true },
];
const ATTENTIVE: AccuracySeries[] = [
  { key: 'attTop1', name: 'attentive top-1', color: '#2ca02c' },
  { key: 'attTop5', name: 'attentive top-5', color: '#2ca02c', dashed: true },
];

export function ProbeChart() {
  const results = useProbe((s) => s.results);
  const classes = useLab((s) => s.dataset?.numClasses ?? 0);
  const { rows, series, references } = useMemo(() => {
    const byStep = new Map<number, Record<string, number>>();
    const row = (step: number) => byStep.get(step) ?? byStep.set(step, { step }).get(step)!;
    for (const r of results) {
      if (kindOf(r) === 'attentive') Object.assign(row(r.step), { attTop1: r.top1, attTop5: r.top5 });
      else Object.assign(row(r.step), { top1: r.top1, top5: r.top5 });
    }
    const linear = results.filter((r) => kindOf(r) === 'linear');
    const attentive = results.filter((r) => kindOf(r) === 'attentive');
    const refs: AccuracyReference[] = [];
    if (linear.length) refs.push({ y: linear[linear.length - 1].randomInitTop1, label: 'top-1 at random init', color: '#d62728' });
    if (attentive.length) refs.push({ y: attentive[attentive.length - 1].randomInitTop1, label: 'attentive top-1 at random init', color: '#ff7f0e' });
    if (classes > 0) refs.push({ y: 1 / classes, label: 'chance', color: '#999' });
    return {
      rows: [...byStep.values()].sort((a, b) => a.step - b.step),
      series: attentive.length ? [...LINEAR, ...ATTENTIVE] : LINEAR,
      references: refs,
    };
  }, [results, classes]);
  return <AccuracyChart title="Probe accuracy vs step" rows={rows} series={series} references={references} />;
}
