// The one number the status line needs that no other store keeps: the worker's last report of a
// dataset's decoding (done of total), with the line run/state.ts made of it, so that the fraction
// is shown only while that line is the one shown (a later load's "Loading …" has none yet).
import { create } from 'zustand';
import type { WorkerEvent } from '../../worker/protocol';
import { useLab } from '../run/state';
import type { ActivityFacts } from './rules';

export const useActivity = create<{ datasetProgress: ActivityFacts['datasetProgress'] }>()(() => ({ datasetProgress: null }));

/** After run/state.ts's handler (dispatch.ts): it has set the line this report gave. */
export function handleActivityEvent(e: WorkerEvent): void {
  if (e.type !== 'dataset-progress') return;
  const line = useLab.getState().datasetLoading;
  useActivity.setState({ datasetProgress: line ? { line, done: e.done, total: e.total } : null });
}
