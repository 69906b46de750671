// The probe's commands: Evaluate now, and probe every N steps (live: the worker picks it up at
// the next step; it is also a config field, so it is in the URL and the next Reset keeps it).
import { updateConfig, workerApi } from '../../store/actions';
import { useProbe } from '../../store/probeStore';
import { recordProbeEvery } from '../../store/runsStore';
import { useLab } from '../../store/runStore';

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

export async function evaluate(): Promise<void> {
  const s = useLab.getState();
  const step = s.metrics[s.metrics.length - 1]?.step ?? 0;
  const runId = s.run?.runId;
  useProbe.setState({ progress: { step, done: 0, phase: 'trained' }, error: null });
  try {
    await workerApi().evaluate(); // the result arrives as a 'probe' event (the same path as probeEvery's)
  } catch (e) {
    // Not about a run that has since been replaced.
    if (useLab.getState().run?.runId === runId) useProbe.setState({ progress: null, error: `Probe failed: ${errText(e)}` });
  }
}

/** Returns an error message, or null when the value was taken. */
export async function setProbeEvery(n: number): Promise<string | null> {
  try {
    updateConfig({ probeEvery: n });
  } catch (e) {
    return errText(e).replace(/^invalid config: /, '');
  }
  if (!useLab.getState().run) return null;
  try {
    await workerApi().setProbeEvery(n);
    recordProbeEvery(n);
    return null;
  } catch (e) {
    return errText(e);
  }
}
