// Runs grouped by setting: runs whose configs differ only in the seed are one row, with the mean
// ± spread (sample standard deviation) over its seeds of the final loss and of the final linear
// probe's top-1 where its runs were probed. Of the ticked runs, the sweep's, or all; the sweep's
// groups first (groupBySetting, groupLabels, sweepGroupsFirst in src/store/runs/rules.ts).
import { useMemo, useState } from 'react';
import { groupBySetting, groupLabels, groupSource, sweepGroupsFirst, type GroupSource, type Spread } from '../../store/runs/rules';
import { useRuns } from '../../store/runs/state';
import { useSweep } from '../../store/sweep/state';
import type { RunRecord } from '../../worker/protocol';
import { formatNumber } from '../format';
import { RunName } from './RunName';

const SOURCE_LABELS: Record<GroupSource, string> = { ticked: 'the ticked runs', sweep: "the sweep's runs", all: 'all runs' };
const NO_RUNS: string[] = [];

function lossText(s: Spread | null): string {
  if (!s) return '–';
  return s.n > 1 ? `${formatNumber(s.mean, 4)} ± ${formatNumber(s.std, 2)}` : formatNumber(s.mean, 4);
}

function top1Text(s: Spread | null, n: number): string {
  if (!s) return 'not probed';
  const value = s.n > 1 ? `${(100 * s.mean).toFixed(1)} ± ${(100 * s.std).toFixed(1)} %` : `${(100 * s.mean).toFixed(1)} %`;
  return s.n < n ? `${value} (${s.n} of ${n} probed)` : value;
}

export function RunsBySetting({ ticked }: { ticked: RunRecord[] }) {
  const all = useRuns((s) => s.runs);
  const sweepRunIds = useSweep((s) => s.sweep?.runIds);
  const sweepIds = useMemo(() => (sweepRunIds ? Object.values(sweepRunIds) : NO_RUNS), [sweepRunIds]);
  const sweepRuns = useMemo(() => all.filter((r) => sweepIds.includes(r.runId)), [all, sweepIds]);
  const [choice, setChoice] = useState<GroupSource | null>(null);
  const source = groupSource(choice, ticked.length, sweepRuns.length);
  const runs = source === 'ticked' ? ticked : source === 'sweep' ? sweepRuns : all;
  const groups = useMemo(() => sweepGroupsFirst(groupBySetting(runs), sweepIds), [runs, sweepIds]);
  const labels = useMemo(() => groupLabels(groups), [groups]);
  const byId = useMemo(() => new Map(all.map((r) => [r.runId, r])), [all]);
  if (!all.length) return null;
  return (
    <section className="runs-groups" aria-label="Runs by setting" data-source={source} data-groups={groups.length}>
      <h3>By setting, over seeds</h3>
      <label className="field-inline">
        Group{' '}
        <select aria-label="Group runs of" value={source} onChange={(e) => setChoice(e.target.value as GroupSource)}>
          {(Object.keys(SOURCE_LABELS) as GroupSource[]).map((s) => (
            <option key={s} value={s}>
              {SOURCE_LABELS[s]}
            </option>
          ))}
        </select>
      </label>
      {groups.length ? (
        <table aria-label="Settings over seeds">
          <caption className="hint">
            Runs whose configs differ only in the seed are one setting: mean ± sample standard deviation over its runs of the final loss and of the last linear probe's top-1.
          </caption>
          <thead>
            <tr>
              <th>Setting</th>
              <th>Runs</th>
              <th>n</th>
              <th>Seeds</th>
              <th>Final loss</th>
              <th>Probe top-1</th>
            </tr>
          </thead>
          <tbody>
            {groups.map((g, i) => (
              <tr key={g.key} data-n={g.runIds.length} data-sweep={g.runIds.some((id) => sweepIds.includes(id)) || undefined}>
                <td>{labels[i]}</td>
                <td className="run-names">
                  {g.runIds.map((id) => {
                    const r = byId.get(id);
                    return r ? <RunName key={id} r={r} /> : null;
                  })}
                </td>
                <td>{g.runIds.length}</td>
                <td>{g.seeds.join(', ')}</td>
                <td data-mean={g.loss?.mean ?? ''} data-std={g.loss?.std ?? ''}>{lossText(g.loss)}</td>
                <td data-mean={g.top1?.mean ?? ''} data-std={g.top1?.std ?? ''}>{top1Text(g.top1, g.runIds.length)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="info">No runs in {SOURCE_LABELS[source]}.</p>
      )}
    </section>
  );
}
