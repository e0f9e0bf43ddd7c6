#!/usr/bin/env bash
# Reproduces the first shipped models (models/archive/sgpt-small-v1, models/archive/l2r-small-v1) and the figures of their model card.
# CPU, 2 cores: the two trainings run side by side, one thread each (on 2 cores one thread per run is faster than
# two runs of two threads), for the same wall-clock budget. Seeds are fixed; wall-clock budgets make the number of
# steps depend on the machine's speed, so expect close, not identical, figures on other hardware.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PY=/usr/bin/python3
MINUTES="${MINUTES:-52}"
DATA="$ROOT/target/dataset"
RUNS="$ROOT/trainer/runs"

cd "$ROOT"
bin/forecaster dataset --input data/flights --out "$DATA"           # stride 8, seed 20240415, 10% val, 10% test flights

cd "$ROOT/trainer"
mkdir -p "$RUNS"
common=(--data "$DATA" --size small --minutes "$MINUTES" --threads 1 --motion-weight 2 --eval-every 400 --seed 1)
"$PY" -u -m sigmavrate_trainer train "${common[@]}" --out "$RUNS/sgpt-small" --order random > "$RUNS/sgpt-small.log" 2>&1 &
"$PY" -u -m sigmavrate_trainer train "${common[@]}" --out "$RUNS/l2r-small" --order l2r > "$RUNS/l2r-small.log" 2>&1 &
wait

for run in sgpt-small l2r-small; do
  "$PY" -m sigmavrate_trainer calibrate --ckpt "$RUNS/$run/best.pt" --data "$DATA" --out "$RUNS/$run/calibration.json"
  "$PY" -m sigmavrate_trainer evaluate --ckpt "$RUNS/$run/best.pt" --data "$DATA" --split val --threads 1 \
      --calibration "$RUNS/$run/calibration.json" --out "$RUNS/$run/eval_val.json"
  "$PY" -m sigmavrate_trainer export --ckpt "$RUNS/$run/best.pt" --out "$ROOT/models/archive/$run-v1" \
      --calibration "$RUNS/$run/calibration.json" --metrics "$RUNS/$run/eval_val.json"
done

cd "$ROOT"
bin/forecaster evaluate --input "$DATA/test_flights.csv" --protocol all --model models/archive/sgpt-small-v1 \
    --out "$RUNS/evaluate_test.json"
