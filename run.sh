#!/usr/bin/env bash
# Sets up (Debian packages), builds, and launches MLSys Lab on its built-in defaults. Idempotent.
# Arguments are passed to the app: ./run.sh train --model cnn --epochs 3
# Without a display (no DISPLAY or WAYLAND_DISPLAY) and without arguments, it runs a short demo training in
# the terminal instead of the desktop app, and says so.
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh
export ALSOFT_DRIVERS=${ALSOFT_DRIVERS:-null}
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build --parallel "$(nproc)" --target mlsyslab
if [ $# -eq 0 ] && [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "run.sh: no display (DISPLAY is not set), so the desktop app cannot open a window."
  echo "run.sh: running a terminal demo instead: mlsyslab train --model cnn --dataset fashion-mnist --epochs 1"
  echo "run.sh: (on a desktop, ./run.sh opens the app; headless, try: xvfb-run -a ./run.sh --screenshot shot.png --frames 120)"
  exec build/mlsyslab train --model cnn --dataset fashion-mnist --epochs 1 --lr 0.002
fi
exec build/mlsyslab "$@"
