// The health interval, live: a config field (so it is in the address and the next Reset keeps
// it) that also reaches the run in the worker at its next step.
import { setLiveSetting } from '../liveSetting';
import { workerApi } from '../workerLine';

/** Returns an error message, or null when the value was taken. */
export const setHealthEvery = (n: number): Promise<string | null> => setLiveSetting('healthEvery', n, (runId, every) => workerApi().setHealthEvery(runId, every));
