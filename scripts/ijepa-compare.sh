#!/usr/bin/env bash
# The README's "Checked against I-JEPA" tables: the reference recipe's JEPA (interop/pytorch/
# ijepa_parity.py --recipe reference) beside the lab's, probed every 100 steps, and the lab's JEPA
# with one setting changed at a time, to see which one explains the probe's decline.
#   SPARSEJEPA_IJEPA=/path/to/ijepa bash scripts/ijepa-compare.sh DATASET [OUT=runs/ijepa-compare] [SEEDS="0 1 2"] [STEPS=500]
# Then: /usr/bin/python3 scripts/probe-table.py OUT
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${1:?usage: scripts/ijepa-compare.sh DATASET [OUT] [SEEDS] [STEPS]}
OUT=${2:-runs/ijepa-compare}
SEEDS=${3:-0 1 2}
STEPS=${4:-500}
SWEEP_SEEDS=${SWEEP_SEEDS:-$SEEDS}  # the one-setting-at-a-time runs
: "${SPARSEJEPA_IJEPA:?set SPARSEJEPA_IJEPA to a checkout of github.com/facebookresearch/ijepa}"
PY=/usr/bin/python3
probe_each() { # DIR: probe DIR/weights-step-*.safetensors and weights.safetensors into DIR/probes.jsonl
  local dir=$1; : > "$dir/probes.jsonl"
  for w in "$dir"/weights-step-*.safetensors "$dir/weights.safetensors"; do
    local step; step=$(basename "$w" .safetensors); step=${step#weights-step-}; [ "$step" = weights ] && step=$STEPS
    npm run -s probe -- --weights "$w" --dataset "$DATA" --out "$dir/probe-$step" 2>/dev/null \
      | tail -1 | $PY -c "import json,sys; r=json.loads(sys.stdin.read()); print(json.dumps({'step': int('$step'), 'top1': r['top1'], 'top5': r['top5']}))" >> "$dir/probes.jsonl"
  done
}
lab() { # NAME SEED [train flags…]
  local name=$1 seed=$2; shift 2
  local dir="$OUT/$name/seed-$seed"
  [ -s "$dir/probes.jsonl" ] && [ "$(wc -l < "$dir/probes.jsonl")" -ge $((STEPS / 100 + 1)) ] && return
  npm run -s train -- --dataset "$DATA" --preset micro --mode jepa --steps "$STEPS" --seed "$seed" --probe-every 100 --log-every 0 --out "$dir" "$@" > "$dir.log" 2>&1
}
mkdir -p "$OUT"
for seed in $SEEDS; do
  dir="$OUT/reference-recipe/seed-$seed"
  if [ ! -s "$dir/probes.jsonl" ]; then
    $PY interop/pytorch/ijepa_parity.py --recipe reference --dataset "$DATA" --steps "$STEPS" --seed "$seed" --save-every 100 --out "$dir" 2>/dev/null
    probe_each "$dir"
  fi
  mkdir -p "$OUT/lab-jepa" && lab lab-jepa "$seed"
done
# One setting at a time, from the lab's JEPA defaults (lr 1e-3, warm-up 0.1, EMA 0.996→1, predictor width ½·D).
echo '{"predictorWidthRatio": 1}' > "$OUT/wide-predictor.json"
for seed in $SWEEP_SEEDS; do
  for v in "lr-3e-4 --lr 3e-4" "lr-1e-4 --lr 1e-4" "ema-0.999 --ema 0.999,1" "warmup-0.3 --warmup-fraction 0.3" "predictor-width-1 --config $OUT/wide-predictor.json" "mean-reduction --prediction-reduction mean"; do
    set -- $v; name=$1; shift
    mkdir -p "$OUT/$name" && lab "$name" "$seed" "$@"
  done
done
