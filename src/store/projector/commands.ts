// The projector's commands: Compute (embed the run's test split between two steps, then lay it out
// with UMAP in the worker's slices), drop a projection, pick a point, choose PCA or UMAP.
import { errText } from '../../shared/errors';
import { useRuns } from '../runs/state';
import { modeLabel } from '../run/rules';
import { useLab } from '../run/state';
import { workerApi } from '../workerLine';
import { MAX_PROJECTIONS, PROJECTOR_IMAGES, PROJECTOR_NEIGHBOURS, patchProjection, useProjector, type LayoutMethod, type Projection } from './state';

/** Embed the shown run's test split at its current step, beside the projection before it. */
export async function computeProjection(): Promise<void> {
  const run = useLab.getState().run;
  if (!run || useProjector.getState().loading) return;
  useProjector.setState({ loading: true, error: null });
  let projection: Projection;
  try {
    const sample = await workerApi().embeddingSample(run.runId, { images: PROJECTOR_IMAGES, neighbours: PROJECTOR_NEIGHBOURS });
    const s = useProjector.getState();
    const name = useRuns.getState().runs.find((r) => r.runId === sample.runId)?.name ?? `${modeLabel(sample.mode)} seed ${sample.seed}`;
    projection = { id: s.nextId, name, sample, umap: null, umapEpoch: 0, umapEpochs: 0, umapDone: false, umapError: null, picked: null };
    const kept = [...s.projections, projection];
    for (const old of kept.splice(0, Math.max(0, kept.length - MAX_PROJECTIONS))) void workerApi().stopUmap(old.id).catch(() => undefined);
    useProjector.setState({ projections: kept, nextId: s.nextId + 1 });
  } catch (e) {
    useProjector.setState({ error: `Could not embed the test split: ${errText(e)}` });
    return;
  } finally {
    useProjector.setState({ loading: false });
  }
  await layOut(projection);
}

/** UMAP of a projection, in the worker's slices (progress through 'umap-progress' events). */
async function layOut(p: Projection): Promise<void> {
  const { features, n, dim, seed, neighbours } = p.sample;
  try {
    const coords = await workerApi().layoutUmap(p.id, { features, n, dim, seed, neighbours });
    patchProjection(p.id, { umap: coords, umapDone: true });
  } catch (e) {
    if (!/stopped/.test(errText(e))) patchProjection(p.id, { umapError: errText(e) });
  }
}

/** Remove projection `id` (its UMAP stops). */
export function dropProjection(id: number): void {
  useProjector.setState({ projections: useProjector.getState().projections.filter((p) => p.id !== id) });
  void workerApi().stopUmap(id).catch(() => undefined);
}

/** Point `point` of projection `id` is clicked (null: none). */
export const pickPoint = (id: number, point: number | null): void => patchProjection(id, { picked: point });

export const setLayoutMethod = (method: LayoutMethod): void => useProjector.setState({ method });
