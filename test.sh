#!/usr/bin/env bash
# Sets up (Debian packages), builds, and runs the whole MLSys Lab test suite through CTest. Idempotent.
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh
export ALSOFT_DRIVERS=null  # OpenAL's null device: no ALSA noise and working playback without a sound card
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build --parallel "$(nproc)"
cd build
ctest --output-on-failure --parallel "$(nproc)" --timeout 900
