// The implicit-bias demo (Littwin et al. 2024): a deep linear MAE and a deep linear JEPA trained
// side by side in the worker on Gaussian data whose features the person sets (λ: how much a
// feature varies, ρ: how much it predicts the other view), encoder depth L = 1…5. Each panel
// plots every feature's gain over time with its critical time; the sentence says which feature
// each objective learned first. Changing the depth or a λ/ρ restarts the pair. The demo starts
// when the panel is opened and stops when it is closed.
import { useEffect, useId, useState } from 'react';
import { MAX_DEPTH, MAX_FEATURES } from '../../engine/deepLinear';
import {  defaultFeatures, useBiasDemo, type FeatureRow } from '../../store/biasDemo/state';
import { BiasDemoChart, FEATURE_COLOURS } from './BiasDemoChart';
import { addFeature, removeFeature, restartBiasDemo, setFeature, stopBiasDemo } from '../../store/biasDemo/commands';
import { ErrorAlert } from '../ErrorAlert';

function NumberCell({ label, value, invalid, onValue }: { label: string; value: number; invalid: boolean; onValue: (v: number) => void }) {
  const [text, setText] = useState(String(value));
  useEffect(() => setText((t) => (Number(t) === value ? t : String(value))), [value]);
  return (
    <input
      type="number"
      step="any"
      aria-label={label}
      value={text}
      aria-invalid={invalid}
      onChange={(e) => {
        setText(e.target.value);
        const v = e.target.value.trim() === '' ? NaN : Number(e.target.value);
        if (Number.isFinite(v)) onValue(v);
      }}
    />
  );
}

function FeatureTable() {
  const features = useBiasDemo((s) => s.features);
  const errorField = useBiasDemo((s) => s.errorField);
  const set = (i: number, patch: Partial<FeatureRow>) => setFeature(i, { ...features[i], ...patch });
  return (
    <table className="bias-features" aria-label="Features">
      <thead>
        <tr>
          <th>Feature</th>
          <th title="its variance: Σ_xx = diag(λ)">λ (variance)</th>
          <th title="its regression coefficient to the other view: Σ_yx = diag(ρλ), 0 < ρ ≤ 1">ρ (predictiveness)</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {features.map((f, i) => (
          <tr key={i}>
            <td>
              <span className="swatch" style={{ background: FEATURE_COLOURS[i % FEATURE_COLOURS.length] }} aria-hidden="true" />
              {i + 1}
            </td>
            <td>
              <NumberCell label={`λ of feature ${i + 1}`} value={f.lambda} invalid={errorField === 'lambdas'} onValue={(lambda) => set(i, { lambda })} />
            </td>
            <td>
              <NumberCell label={`ρ of feature ${i + 1}`} value={f.rho} invalid={errorField === 'rhos'} onValue={(rho) => set(i, { rho })} />
            </td>
            <td>
              <button type="button" onClick={() => removeFeature(i)} disabled={features.length <= 1} aria-label={`Remove feature ${i + 1}`}>
                Remove
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Controls() {
  const depthId = useId();
  const depth = useBiasDemo((s) => s.depth);
  const features = useBiasDemo((s) => s.features);
  return (
    <div className="bias-controls">
      <FeatureTable />
      <div className="button-row">
        <label htmlFor={depthId}>Encoder depth L</label>
        <select id={depthId} value={depth} onChange={(e) => void restartBiasDemo(undefined, Number(e.target.value))}>
          {Array.from({ length: MAX_DEPTH }, (_, i) => i + 1).map((d) => (
            <option key={d} value={d}>
              {d}
            </option>
          ))}
        </select>
        <button type="button" onClick={addFeature} disabled={features.length >= MAX_FEATURES}>
          Add feature
        </button>
        <button type="button" onClick={() => void restartBiasDemo(defaultFeatures())}>
          Default features
        </button>
      </div>
    </div>
  );
}

function Results() {
  const result = useBiasDemo((s) => s.result);
  const done = useBiasDemo((s) => s.done);
  const ms = useBiasDemo((s) => s.ms);
  const error = useBiasDemo((s) => s.error);
  return (
    <>
      <ErrorAlert error={error} />
      {result ? (
        <>
          <p className="bias-sentence" aria-label="Which feature each objective learned first" data-done={done}>
            {done ? result.sentence : `Training… ${result.sentence}`}
          </p>
          <div className="chart-grid">
            <BiasDemoChart trace={result.mae} lr={result.settings.lr} done={result.mae.done} />
            <BiasDemoChart trace={result.jepa} lr={result.settings.lr} done={result.jepa.done} />
          </div>
          <p className="hint">
            Gradient descent on the population loss (η = {result.settings.lr}, from W̄(0) = {result.settings.init}·I, every layer balanced), in the
            training worker in small slices: while a run trains the demo takes at most a tenth of the worker's time. {done ? `Done in ${(ms / 1000).toFixed(1)} s.` : ''}{' '}
            Critical time t*: the gain reaching half its final value g* (dotted: MAE ρ^(L/(L+1)), JEPA ρ^L).
          </p>
        </>
      ) : !error ? (
        <p className="info">Starting…</p>
      ) : null}
    </>
  );
}

export function BiasDemoPanel() {
  const [open, setOpen] = useState(false);
  useEffect(() => {
    if (!open) return;
    void restartBiasDemo();
    return () => stopBiasDemo();
  }, [open]);
  return (
    <details className="bias-demo" onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
      <summary>
        <h2>Why predict in latent space: the deep linear demo</h2>
      </summary>
      <p className="hint">
        Littwin et al. 2024: in deep linear networks MAE learns features in order of how much they vary (λ), JEPA in order of how much they predict the
        other view (ρ), the more so the deeper the encoder. The defaults disagree: feature 1 varies more, feature 2 predicts more.
      </p>
      {open ? (
        <>
          <Controls />
          <Results />
        </>
      ) : null}
    </details>
  );
}
