#!/usr/bin/env bash
# Regenerates docs/screenshots/<workspace>.png: each workspace of the desktop app rendered under Xvfb by the
# app's own --screenshot mode (read from the back buffer before the swap, so the pictures are deterministic).
# Usage: scripts/screenshots.sh [path/to/mlsyslab]   (default: build/mlsyslab; build it first)
set -euo pipefail
cd "$(dirname "$0")/.."
EXE="${1:-build/mlsyslab}"
OUT=docs/screenshots
SIZE=1280x800
if [ ! -x "$EXE" ]; then echo "screenshots: $EXE not found; build first (./run.sh or cmake --build build)" >&2; exit 2; fi
if ! command -v xvfb-run >/dev/null; then echo "screenshots: xvfb-run missing (apt-get install xvfb xauth)" >&2; exit 2; fi
mkdir -p "$OUT"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# Scripted runs neither read nor write settings. HOME is a neutral name so paths shown in the pictures
# (Help > Where things are saved) read like a user's; Mesa's shader cache goes to the scratch folder.
shot() {  # shot NAME ARGS...
  local name=$1
  shift
  env -u XDG_CONFIG_HOME -u XDG_DATA_HOME HOME=/home/student XDG_CACHE_HOME="$TMP/cache" \
    xvfb-run -a -s "-screen 0 ${SIZE}x24" "$EXE" --screenshot "$OUT/$name.png" --size "$SIZE" "$@"
  echo "wrote $OUT/$name.png"
}
# The Train workspace mid-demo: the spiral set once its boundary has formed, Fashion-MNIST while cnn trains.
shot train --workspace train --demo spiral --frames 240
shot train-fashion --workspace train --demo fashion --frames 150
# The Accelerator workspace with its PE grid animating the first layer of the untrained cnn preset.
shot accelerator --workspace accelerator --demo play --frames 90
# Deploy: the untrained preset (no model in a fresh session, as the toolbar says) with the live offload measured.
shot deploy --workspace deploy --demo offload --frames 240
# Optimize: the int8-prune demo trains the cnn briefly, adds int8 and 50%-pruned variants and measures the
# original's per-layer sensitivity; --job-progress 1 waits for the whole demo.
shot optimize --workspace optimize --demo int8-prune --frames 10 --job-progress 1
# Faults: the cnn demo trains for one epoch, then sweeps BER 1e-7..1e-3 and maps layer x bit vulnerability.
shot faults --workspace faults --demo cnn --frames 700
# Memory with the Cortex-M7 computing out of its DTCM: the on-chip box labelled scratchpad with its DMA bytes.
shot memory-scratchpad --workspace memory --demo scratchpad --frames 60
# The Board workspace's motion lab: capture, features, train, int8 deploy and live classification on its virtual board.
shot board-motion --workspace board --demo motion --frames 20
for ws in memory board labs; do
  shot "$ws" --workspace "$ws" --frames 20
done
# The Runs workspace comparing three training runs on the playground circles that differ only in learning rate.
for lr in 0.001 0.005 0.03; do
  id=$("$EXE" train --model playground --dataset circles --samples 500 --epochs 10 --lr "$lr" --runs "$TMP/runs" --json |
       sed -n 's/.*"run_dir":"[^"]*\/\([^"\/]*\)".*/\1/p')
  "$EXE" runs rename "$id" "circles lr $lr" --runs "$TMP/runs" >/dev/null
done
shot runs --workspace runs --demo compare --runs "$TMP/runs" --frames 12
# A lab step in progress beside the Train workspace it drives, and a completed lab's report.
shot labs-step --workspace labs --demo first-neural-network@3 --frames 20
shot labs-report --workspace labs --demo architectures-cost@report --frames 20
shot light-theme --workspace memory --theme light --frames 20
shot help --workspace memory --show help --frames 20
