#!/usr/bin/env bash
# The paper's claim on the digits (docs/results.md, "JEPA against SparseJEPA, λ = 0 and λ = 1"):
# for each seed, JEPA, SparseJEPA λ = 0 and SparseJEPA λ = 1 trained the same way, then the k-NN
# probe (DINO's protocol) of each and the multi-information of its groups (health.jsonl).
#   bash scripts/claim-compare.sh DATASET [OUT=runs/claim] [SEEDS="0 1 2"] [STEPS=200]
# Then: /usr/bin/python3 scripts/claim-table.py OUT
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${1:?usage: scripts/claim-compare.sh DATASET [OUT] [SEEDS] [STEPS]}
OUT=${2:-runs/claim}
SEEDS=${3:-0 1 2}
STEPS=${4:-200}
run() { # NAME SEED [train flags…]: train (unless done), then the k-NN probe of its weights
  local name=$1 seed=$2; shift 2
  local dir="$OUT/$name/seed-$seed"
  mkdir -p "$OUT/$name"
  if [ ! -s "$dir/weights.safetensors" ]; then
    npm run -s train -- --dataset "$DATA" --preset micro --batch 32 --steps "$STEPS" --seed "$seed" \
      --health-every 100 --log-every 0 --backend wasm --out "$dir" "$@" > "$dir.log" 2>&1 \
      || { echo "failed: $name seed $seed (see $dir.log)" >&2; return; }
  fi
  [ -s "$dir/knn/probe-knn.json" ] || npm run -s probe -- --weights "$dir/weights.safetensors" --dataset "$DATA" \
    --kind knn --backend wasm --out "$dir/knn" > "$dir/knn.log" 2>&1 || echo "failed: k-NN of $name seed $seed" >&2
}
for seed in $SEEDS; do
  run jepa "$seed" --mode jepa
  run sparse-lambda-0 "$seed" --mode sparse --lambda 0
  run sparse-lambda-1 "$seed" --mode sparse --lambda 1
done
