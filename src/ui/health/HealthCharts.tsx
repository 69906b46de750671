// Representation health, live, for every run: RankMe (the effective rank of the encoder's
// patch-token outputs over a fixed batch of 32 train images) and the per-dimension standard
// deviation (mean and minimum), measured in the worker every N steps between steps. The encoder
// that makes the targets is drawn solid; beside an EMA target, the context encoder dashed.
// Without the stop-gradient (Targets) or with EMA momentum 0 the rank falls: collapse, seen.
// Beside them the paper's quantity (SparseJEPA §3, Lemma 1 / Theorem 1): the groups' multi-information
// (and, for SparseJEPA, the K latents'), a Gaussian estimate on 128 train images (src/engine/groupInformation.ts).
import { useMemo } from 'react';
import { useHealth } from '../../store/health/state';
import { useLab } from '../../store/run/state';
import { Chart, type LineSpec } from '../ChartFrame';
import { EveryStepsField } from '../EveryStepsField';
import { setHealthEvery } from '../../store/health/commands';

function HealthEveryField() {
  const value = useLab((s) => s.config.healthEvery);
  return <EveryStepsField label="Health every N steps" hint="0 = off; applies while training" value={value} apply={setHealthEvery} />;
}

export function HealthCharts() {
  const points = useHealth((s) => s.points);
  const error = useHealth((s) => s.error);
  const config = useLab((s) => s.run?.config ?? s.config);
  const hasContext = points.some((p) => p.context);
  const target = config.mode === 'mae' ? "MAE's encoder" : config.targetEncoder === 'ema' ? 'target encoder (EMA)' : 'encoder (no stop-gradient)';
  const { rank, std, info } = useMemo(() => {
    const rank = points.map((p) => ({ step: p.step, target: p.target.rankMe, ...(p.context ? { context: p.context.rankMe } : {}) }));
    const std = points.map((p) => ({
      step: p.step,
      mean: p.target.stdMean,
      min: p.target.stdMin,
      ...(p.context ? { ctxMean: p.context.stdMean, ctxMin: p.context.stdMin } : {}),
    }));
    const info = points.flatMap((p) => (p.totalCorrelation ? [{ step: p.step, ...p.totalCorrelation }] : []));
    return { rank, std, info };
  }, [points]);
  const hasLatents = info.some((p) => p.latents !== undefined);
  // Measured at every 5th health point (worker/health.ts TC_EVERY): the newest one, wherever it was.
  const lastInfo = info.at(-1);
  const infoLines = useMemo<LineSpec[]>(
    () => [{ key: 'groups', name: 'groups G_1…G_m', color: '#ff7f0e', width: 2 }, ...(hasLatents ? [{ key: 'latents', name: 'latents u_1…u_K', color: '#8c564b', width: 1.5 }] : [])],
    [hasLatents],
  );
  const rankLines = useMemo<LineSpec[]>(
    () => [{ key: 'target', name: target, color: '#1f77b4', width: 2 }, ...(hasContext ? [{ key: 'context', name: 'context encoder', color: '#9467bd', width: 1.5 }] : [])],
    [target, hasContext],
  );
  const stdLines = useMemo<LineSpec[]>(
    () => [
      { key: 'mean', name: `${target}: mean`, color: '#2ca02c', width: 2 },
      { key: 'min', name: `${target}: min`, color: '#d62728', width: 2 },
      ...(hasContext
        ? [
            { key: 'ctxMean', name: 'context: mean', color: '#2ca02c', width: 1, opacity: 0.5 },
            { key: 'ctxMin', name: 'context: min', color: '#d62728', width: 1, opacity: 0.5 },
          ]
        : []),
    ],
    [target, hasContext],
  );
  const last = points[points.length - 1];
  return (
    <section className="health" aria-label="Representation health">
      <h2>Representation health</h2>
      <div className="chart-tools">
        <HealthEveryField />
      </div>
      <p className="hint">
        The {target} on the same 32 train images every time, every patch token a row ({last ? `${last.target.rows} × ${last.target.dim}` : 'rows × D'}).
        RankMe is exp of the entropy of the normalised singular values: {last ? `at most ${Math.min(last.target.rows, last.target.dim)}` : 'at most D'}, 1 when
        collapsed. To watch it fall, choose Target encoder: online encoder, no stop-gradient, or EMA momentum 0, 0, and Reset.
      </p>
      {error ? <p className="error">{error}</p> : null}
      {config.healthEvery === 0 && !points.length ? <p className="info">Health is off (every 0 steps).</p> : null}
      <div className="chart-grid">
        <Chart title="RankMe (effective rank)" rows={rank} lines={rankLines} legend leftDigits={4} />
        <Chart title="Per-dimension std of the outputs" rows={std} lines={stdLines} legend />
        {info.length ? <Chart title="Multi-information I(G_1; …; G_m), nats" rows={info} lines={infoLines} legend /> : null}
      </div>
      {last ? (
        <p className="hint" aria-label="Latest health" data-step={last.step} data-rankme={last.target.rankMe} data-std-mean={last.target.stdMean} data-std-min={last.target.stdMin}>
          Step {last.step}: RankMe {last.target.rankMe.toFixed(2)}, std mean {last.target.stdMean.toFixed(3)}, min {last.target.stdMin.toFixed(3)}
          {last.context ? ` · context encoder: RankMe ${last.context.rankMe.toFixed(2)}, std mean ${last.context.stdMean.toFixed(3)}` : ''}
          {lastInfo
            ? ` · multi-information at step ${lastInfo.step}: groups ${lastInfo.groups.toFixed(2)} nats${lastInfo.latents === undefined ? '' : `, latents ${lastInfo.latents.toFixed(2)} nats`}`
            : ''}
        </p>
      ) : null}
    </section>
  );
}
