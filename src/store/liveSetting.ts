// A setting that is live while a run trains: a config field (so it is in the address and the next
// Reset keeps it) that is also sent to the run open in the worker, which takes it at its next step.
import type { LabConfig } from '../engine/config';
import type { RunId } from '../worker/protocol';
import { errText } from '../shared/errors';
import { updateConfig } from './run/commands';
import { useLab } from './run/state';

/**
 * Set `field` to `n`, then `send` it to the open run (if any). Returns the error to show (the
 * config schema's, without its "invalid config:" prefix, or the worker's), or null when taken.
 */
export async function setLiveSetting<K extends keyof LabConfig>(field: K, n: LabConfig[K], send: (runId: RunId, n: LabConfig[K]) => Promise<void>): Promise<string | null> {
  try {
    updateConfig({ [field]: n } as Partial<LabConfig>);
  } catch (e) {
    return errText(e).replace(/^invalid config: /, '');
  }
  const run = useLab.getState().run;
  if (!run) return null;
  try {
    await send(run.runId, n);
    return null;
  } catch (e) {
    return errText(e);
  }
}
