// The health interval, live: a config field (so it is in the address and the next Reset keeps
// it) that also reaches the run in the worker at its next step.
import { updateConfig } from '../run/commands';
import { workerApi } from '../workerLine';
import { useLab } from '../run/state';

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Returns an error message, or null when the value was taken. */
export async function setHealthEvery(n: number): Promise<string | null> {
  try {
    updateConfig({ healthEvery: n });
  } catch (e) {
    return errText(e).replace(/^invalid config: /, '');
  }
  const run = useLab.getState().run;
  if (!run) return null;
  try {
    await workerApi().setHealthEvery(run.runId, n);
    return null;
  } catch (e) {
    return errText(e);
  }
}
