// A log-scaled range input (logSlider.ts): positions 1…SLIDER_STEPS cover 10^minExp…10^maxExp,
// position 0 is exactly 0 where `min` is 0 (off); it reports values, not positions.
import { SLIDER_STEPS, sliderToValue, valueToSlider } from './logSlider';

export function LogRange({ id, value, exps: [minExp, maxExp], min = 0, symbol, onValue }: { id: string; value: number; exps: readonly [number, number]; min?: 0 | 1; symbol: string; onValue: (v: number) => void }) {
  return (
    <input
      id={id}
      type="range"
      min={min}
      max={SLIDER_STEPS}
      step={1}
      value={valueToSlider(value, minExp, maxExp)}
      aria-valuetext={`${symbol} = ${value}`}
      onChange={(e) => onValue(sliderToValue(Number(e.target.value), minExp, maxExp))}
    />
  );
}
