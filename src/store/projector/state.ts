// The embedding projector's state (issue 23): the projections a person computed — at most two,
// side by side (JEPA beside SparseJEPA, say), each a run's test split at one step with its PCA and,
// as the worker lays it out, its UMAP — the layout shown, and the point picked in each.
import { create } from 'zustand';
import type { EmbeddingSample, WorkerEvent } from '../../worker/protocol';

/** Test images embedded per projection, and neighbours listed for a picked point. */
export const PROJECTOR_IMAGES = 500;
export const PROJECTOR_NEIGHBOURS = 10;
/** Projections shown side by side; computing one more drops the oldest. */
export const MAX_PROJECTIONS = 2;

export type LayoutMethod = 'pca' | 'umap';

export interface Projection {
  /** Also the id of its UMAP layout in the worker. */
  id: number;
  /** The run's name when it was computed (runs/state.ts), and its id for its colour. */
  name: string;
  sample: EmbeddingSample;
  /** UMAP's [n, 2] layout so far (null until the worker's first slice), and how far it is. */
  umap: Float32Array | null;
  umapEpoch: number;
  umapEpochs: number;
  /** The worker's layout has finished (its reply came; a slower progress event is ignored after it). */
  umapDone: boolean;
  umapError: string | null;
  /** The point clicked, whose neighbours are listed. */
  picked: number | null;
}

export interface ProjectorState {
  projections: Projection[];
  method: LayoutMethod;
  nextId: number;
  loading: boolean;
  error: string | null;
}

export const useProjector = create<ProjectorState>()(() => ({ projections: [], method: 'pca', nextId: 1, loading: false, error: null }));

/** Apply `patch` to projection `id` (nothing if it was dropped). */
export function patchProjection(id: number, patch: Partial<Projection>): void {
  const s = useProjector.getState();
  if (!s.projections.some((p) => p.id === id)) return;
  useProjector.setState({ projections: s.projections.map((p) => (p.id === id ? { ...p, ...patch } : p)) });
}

/** UMAP's slices as they stream in; a dropped projection's are ignored. */
export function handleProjectorEvent(e: WorkerEvent): void {
  if (e.type === 'umap-progress') {
    if (!useProjector.getState().projections.find((p) => p.id === e.layoutId)?.umapDone) patchProjection(e.layoutId, { umap: e.coords, umapEpoch: e.epoch, umapEpochs: e.epochs });
  }
  else if (e.type === 'umap-error') patchProjection(e.layoutId, { umapError: e.message });
}

/** A new worker: its layouts are gone (the projections' PCA and neighbours stay, UMAP is marked unfinished). */
export function projectorOnWorkerStarting(): void {
  const s = useProjector.getState();
  useProjector.setState({
    loading: false,
    projections: s.projections.map((p) => (p.umapDone ? p : { ...p, umapError: p.umapError ?? 'the worker restarted before UMAP finished: compute again' })),
  });
}
