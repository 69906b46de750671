// The probe's commands: Evaluate now (a command: it waits its turn behind a model being built),
// and probe every N steps (live: the worker picks it up at the next step; it is also a config
// field, so it is in the URL and the next Reset keeps it).
import type { ProbeKind } from '../../engine/probeKind';
import { errText } from '../../shared/errors';
import { setLiveSetting } from '../liveSetting';
import { command, workerApi } from '../workerLine';
import { useProbe, useProbeKind } from './state';
import { useTransfer } from '../transfer/state';
import { recordProbeEvery } from '../runs/state';
import { useLab } from '../run/state';
import { probeOnChosen } from '../transfer/commands';

/** The busy label while Evaluate runs each read-out. */
const EVALUATE_LABEL: Record<ProbeKind, string> = { linear: 'Probing the encoder…', attentive: 'Attentive probe of the encoder…', knn: 'k-NN probe of the encoder…' };

/** Probe the run's encoder with the read-out chosen (linear, attentive or k-NN). */
export function evaluate(): Promise<void> {
  if (useTransfer.getState().on) return probeOnChosen(); // "Probe on" names another dataset: a transfer probe
  return command('Evaluate', async (setLabel) => {
    const s = useLab.getState();
    const runId = s.run?.runId;
    if (!runId) return void useProbe.setState({ progress: null, error: 'Probe: no model yet' });
    const kind = useProbeKind.getState().kind;
    const step = s.metrics[s.metrics.length - 1]?.step ?? 0;
    setLabel(EVALUATE_LABEL[kind]);
    useProbe.setState({ progress: { step, done: 0, phase: 'trained', kind }, error: null });
    try {
      await workerApi().evaluate(runId, kind); // the result arrives as a 'probe' event (the same path as probeEvery's)
    } catch (e) {
      // Not about a run that has since been replaced.
      if (useLab.getState().run?.runId === runId) useProbe.setState({ progress: null, error: `Probe failed: ${errText(e)}` });
    }
  });
}

/** Returns an error message, or null when the value was taken; the Runs table notes the new interval. */
export const setProbeEvery = (n: number): Promise<string | null> =>
  setLiveSetting('probeEvery', n, async (runId, every) => {
    await workerApi().setProbeEvery(runId, every);
    recordProbeEvery(every);
  });
