// λ and β: log-scaled sliders with a number field. Changes reach the trainer on the next step
// (debounced while dragging) and are marked on the charts.
import { useEffect, useId, useRef, useState } from 'react';
import { ConfigSchema } from '../engine/config';
import { updateConfig } from '../store/run/commands';
import { useLab } from '../store/run/state';
import { NumberField } from './fields';
import { useNumberText } from './numberText';
import { LogRange } from './LogRange';

/** Slider ranges (10^min … 10^max, position 0 = off), for the paper's loss scale: on the built-in
 * data λ ≈ 0.1–10 moves the group norms within a few hundred micro steps (docs/results.md, "What λ does"). */
const RANGES: Record<'lambda' | 'beta', [number, number]> = { lambda: [-3, 2], beta: [-6, 1] };
const DEBOUNCE_MS = 120;

function HyperSlider({ field, symbol, name }: { field: 'lambda' | 'beta'; symbol: string; name: string }) {
  const sliderId = useId();
  const numberId = useId();
  const value = useLab((s) => s.config[field]);
  const [local, setLocal] = useState(value);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => setLocal(value), [value]);
  const commit = (v: number, now = false) => {
    if (timer.current) clearTimeout(timer.current);
    const go = () => {
      timer.current = null;
      updateConfig({ [field]: v });
    };
    if (now) go();
    else timer.current = setTimeout(go, DEBOUNCE_MS);
  };
  // A typed value the schema accepts applies at once (no debounce: typing is not dragging).
  const typed = (n: number): string | null => {
    const r = ConfigSchema.shape[field].safeParse(n);
    if (!Number.isFinite(n) || !r.success) return Number.isFinite(n) ? (r.error?.issues[0]?.message ?? 'invalid') : 'expected a number';
    setLocal(n);
    commit(n, true);
    return null;
  };
  const { setText, error, setError, input } = useNumberText(value, typed);
  const label = `${symbol} (${name})`;
  return (
    <div className="hyper">
      <label htmlFor={sliderId}>{label}</label>
      <LogRange
        id={sliderId}
        value={local}
        exps={RANGES[field]}
        symbol={symbol}
        onValue={(v) => {
          setLocal(v);
          setText(String(v));
          setError(null);
          commit(v);
        }}
      />
      <label htmlFor={numberId} className="visually-hidden">
        {symbol} value
      </label>
      <input id={numberId} type="number" step="any" min={0} max={100} {...input} />
      {error ? <small className="error">{error}</small> : null}
    </div>
  );
}

export function HyperSliders() {
  const mode = useLab((s) => s.config.mode);
  return (
    <fieldset className="hypers">
      <legend>Live settings</legend>
      <HyperSlider field="lambda" symbol="λ" name="lambda" />
      <HyperSlider field="beta" symbol="β" name="beta" />
      <NumberField field="lr" label="Learning rate" hint="peak of the warm-up/cosine schedule" />
      <small className="hint">
        λ weighs the group lasso, β the KL term{mode !== 'sparse' ? ` (the ${mode === 'mae' ? 'MAE' : 'JEPA baseline'} has no sparse head: they have no effect)` : ''}; these three apply from the next step, also while training.
      </small>
    </fieldset>
  );
}
