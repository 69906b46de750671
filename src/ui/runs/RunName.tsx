// A run's name with its colour's swatch (runColour: the same in every chart and table of runs).
import { runColour } from '../../store/runs/rules';
import type { RunRecord } from '../../worker/protocol';
import { LegendItem } from '../ChartFrame';

export function RunName({ r }: { r: Pick<RunRecord, 'runId' | 'name'> }) {
  return <LegendItem color={runColour(r.runId)} name={r.name} />;
}
