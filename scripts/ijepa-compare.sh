#!/usr/bin/env bash
# The tables of docs/ijepa.md ("Checked against I-JEPA"): the reference recipe's JEPA (interop/pytorch/
# ijepa_parity.py --recipe reference) beside the lab's, probed every 100 steps, and the lab's JEPA
# with one setting changed at a time, to see which one explains the probe's decline.
#   SPARSEJEPA_IJEPA=/path/to/ijepa [SWEEP_SEEDS="0"] [VARIANTS="lr-3e-4 …"] [ATTENTIVE="lab-jepa mae-random …"] bash scripts/ijepa-compare.sh DATASET [OUT=runs/ijepa-compare] [SEEDS="0 1 2"] [STEPS=500]
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
  npm run -s train -- --dataset "$DATA" --preset micro --mode jepa --steps "$STEPS" --seed "$seed" --probe-every 100 --log-every 0 --out "$dir" "$@" > "$dir.log" 2>&1 \
    || echo "failed: $name seed $seed (see $dir.log)" >&2
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
# REFERENCE_VARIANTS="lr-3e-4": the reference recipe with one lab config field changed.
for seed in ${REFERENCE_SEEDS:-$SEEDS}; do
  for v in ${REFERENCE_VARIANTS:-}; do
    case $v in lr-3e-4) cfg='{"lr": 3e-4}' ;; *) echo "unknown reference variant $v" >&2; exit 2 ;; esac
    dir="$OUT/reference-recipe-$v/seed-$seed"
    if [ ! -s "$dir/probes.jsonl" ]; then
      $PY interop/pytorch/ijepa_parity.py --recipe reference --recipe-config "$cfg" --dataset "$DATA" --steps "$STEPS" --seed "$seed" --save-every 100 --out "$dir" 2>/dev/null
      probe_each "$dir"
    fi
  done
done
# One setting at a time, from the lab's JEPA defaults (lr 1e-3, warm-up 0.1, EMA 0.996→1, predictor width ½·D, the paper's loss reduction).
VARIANTS=${VARIANTS:-lr-3e-4 lr-1e-4 ema-0.999 warmup-0.3 predictor-width-1 mean-reduction}
flags_of() {
  case $1 in
    lr-3e-4) echo --lr 3e-4 ;; lr-1e-4) echo --lr 1e-4 ;; ema-0.999) echo --ema 0.999,1 ;;
    warmup-0.3) echo --warmup-fraction 0.3 ;; predictor-width-1) echo --predictor-width-ratio 1 ;;
    mean-reduction) echo --prediction-reduction mean ;;
    # the other modes on the same seeds (a later --mode wins over lab()'s --mode jepa)
    mae-random) echo --mode mae --mask-strategy random ;; mae-blocks) echo --mode mae --mask-strategy blocks ;;
    sparse-lambda-1) echo --mode sparse --lambda 1 ;;
    *) echo "unknown variant $1" >&2; exit 2 ;;
  esac
}
for seed in $SWEEP_SEEDS; do
  for name in $VARIANTS; do
    mkdir -p "$OUT/$name" && lab "$name" "$seed" $(flags_of "$name")
  done
done
# ATTENTIVE="lab-jepa mae-random …": the attentive probe of each named run's last weights (beside
# the same probe on its random-init encoder) into OUT/NAME/seed-S/attentive/probe-attentive.json.
for seed in $SWEEP_SEEDS; do
  for name in ${ATTENTIVE:-}; do
    dir="$OUT/$name/seed-$seed"
    [ -s "$dir/attentive/probe-attentive.json" ] && continue
    npm run -s probe -- --weights "$dir/weights.safetensors" --dataset "$DATA" --kind attentive --out "$dir/attentive" > "$dir/attentive.log" 2>&1 \
      || echo "failed: attentive probe of $name seed $seed (see $dir/attentive.log)" >&2
  done
done
