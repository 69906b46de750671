// The JEPA baseline of a SparseJEPA run: same seed, data, masks and schedules; plain linear head
// (mode 'jepa'), no KL and no group lasso. The trainer draws data, masks and the head's noise from
// separate seeded streams, so the twin sees the same batches and masks step for step.
import { parseConfig, type LabConfig } from '../../engine/config';

export function jepaTwinConfig(c: LabConfig): LabConfig {
  return parseConfig({ ...c, mode: 'jepa', lambda: 0, beta: 0, proximal: false });
}
