// The JEPA baseline of a SparseJEPA or an MAE run: same seed, data, masks and schedules; plain
// linear head (mode 'jepa'), no KL and no group lasso. The trainer draws data, masks and the
// head's noise from separate seeded streams, so the twin sees the same batches and masks step for
// step — except the twin of an MAE run with MAE's random masks, which trains on JEPA's blocks
// (JEPA has no random masks; maskStrategy 'blocks' gives MAE the twin's masks); an MAE run's context encoder starts from the draw a JEPA run's encoders start from, so
// the twin of an MAE run also starts from MAE's encoder (and shares its probe floor).
import { parseConfig, withMode, type LabConfig } from '../../engine/config';

export function jepaTwinConfig(c: LabConfig): LabConfig {
  return parseConfig({ ...withMode(c, 'jepa'), lambda: 0, beta: 0, proximal: false });
}

/** Runs a JEPA twin can be made of. */
export const hasJepaTwin = (c: Pick<LabConfig, 'mode'>): boolean => c.mode === 'sparse' || c.mode === 'mae';
