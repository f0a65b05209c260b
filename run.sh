#!/usr/bin/env bash
# Sets up (Debian packages), builds, and launches MLSys Lab on its built-in defaults. Idempotent.
# Arguments are passed to the app: ./run.sh train --model cnn --epochs 1
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh
export ALSOFT_DRIVERS=${ALSOFT_DRIVERS:-null}
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build --parallel "$(nproc)" --target mlsyslab
exec build/mlsyslab "$@"
