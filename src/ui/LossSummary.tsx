// Loss at the first step against the latest steps (raw training losses from the loop).
import { useLab } from '../store/run/state';
import { formatNumber } from './format';

/** The latest steps averaged: up to 5, and never more than half the run. */
const recentCount = (n: number) => Math.max(1, Math.min(5, Math.floor(n / 2)));

export function LossSummary() {
  useLab((s) => s.version);
  const metrics = useLab.getState().metrics;
  if (!metrics.length) return null;
  const first = metrics[0];
  const recent = metrics.slice(-recentCount(metrics.length));
  const mean = recent.reduce((a, m) => a + m.loss, 0) / recent.length;
  return (
    <dl className="loss-summary" aria-label="Loss summary">
      <div>
        <dt>Loss at step {first.step}</dt>
        <dd data-value={first.loss}>{formatNumber(first.loss)}</dd>
      </div>
      <div>
        <dt>
          Mean loss, steps {recent[0].step}–{recent[recent.length - 1].step}
        </dt>
        <dd data-value={mean}>{formatNumber(mean)}</dd>
      </div>
    </dl>
  );
}
