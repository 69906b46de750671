// Log-scaled slider positions for λ and β: position 0 is exactly 0 (off), positions 1..STEPS
// cover 10^minExp .. 10^maxExp evenly in log space.
export const SLIDER_STEPS = 160;

export function roundSig(v: number, digits = 3): number {
  if (v === 0 || !Number.isFinite(v)) return v;
  return Number(v.toPrecision(digits));
}

export function sliderToValue(pos: number, minExp: number, maxExp: number): number {
  if (pos <= 0) return 0;
  const t = (Math.min(pos, SLIDER_STEPS) - 1) / (SLIDER_STEPS - 1);
  return roundSig(Math.pow(10, minExp + t * (maxExp - minExp)));
}

export function valueToSlider(v: number, minExp: number, maxExp: number): number {
  if (!(v > 0)) return 0;
  const t = (Math.log10(v) - minExp) / (maxExp - minExp);
  return Math.min(SLIDER_STEPS, Math.max(1, Math.round(t * (SLIDER_STEPS - 1)) + 1));
}
