#!/usr/bin/env bash
# The commands of docs/tutorial.md, in order, as recorded in this folder. Run from the project root:
#   docs/results/tutorial/commands.sh [RUNS_DIR]
# Each step prints one JSON line (the commands' own output); the runs go to RUNS_DIR (default: runs/tutorial).
set -euo pipefail
runs="${1:-runs/tutorial}"
mkdir -p "$runs"

./imitation expert --env CartPole-v1 --out "$runs/expert"
./imitation demos --policy "$runs/expert/policy.onnx" --env CartPole-v1 --episodes 10 --out "$runs/demos.jsonl"
head -1 "$runs/demos.jsonl" > "$runs/one.jsonl"

./imitation train --algo bc --env CartPole-v1 --demos "$runs/one.jsonl" --out "$runs/bc-one" --quiet
./imitation train --algo bc --env CartPole-v1 --demos "$runs/demos.jsonl" --out "$runs/bc" --quiet
./imitation evaluate --policy "$runs/bc/policy.onnx" --env CartPole-v1 --episodes 50
./imitation train --algo dagger --env CartPole-v1 --demos "$runs/one.jsonl" --expert "$runs/expert/policy.onnx" --out "$runs/dagger" --quiet
./imitation train --algo gail --env CartPole-v1 --demos "$runs/one.jsonl" --out "$runs/gail" --quiet
./imitation train --algo airl --env CartPole-v1 --demos "$runs/demos.jsonl" --out "$runs/airl" --quiet
./imitation train --algo ppo --env CartPole-v1 --reward "$runs/airl/reward.onnx" --out "$runs/ppo-on-airl" --quiet
