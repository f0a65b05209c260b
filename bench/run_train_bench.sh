#!/usr/bin/env bash
# Runs bench_train and the PyTorch reference side by side, alternating, N times each; prints the medians
# [min-max] and the ratio of the medians for docs/BENCHMARKS.md. Installs python3-torch and
# libopenblas0-pthread (benchmark only, not in ./test.sh).
# Usage: bench/run_train_bench.sh [runs=5]; MLSYS_BUILD_DIR=DIR uses another build tree than build/.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
build=${MLSYS_BUILD_DIR:-build}
for p in python3-torch libopenblas0-pthread; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || \
    { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-torch libopenblas0-pthread >/dev/null; break; }
done
cmake --build "$build" --target bench_train >/dev/null
out=$(mktemp)
for i in $(seq "$runs"); do
  for m in mlp cnn; do
    OMP_NUM_THREADS=1 "$build"/bench/bench_train --model "$m" >>"$out"
    OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 /usr/bin/python3 bench/reference/torch_train.py "$m" >>"$out"
  done
done
/usr/bin/python3 - "$out" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
def vals(impl, model, key):
    return [r[key] for r in rows if r["impl"] == impl and r["model"] == model]
def show(v):
    return f"{statistics.median(v):9.0f} [{min(v):.0f}-{max(v):.0f}]"
for m in ("mlp", "cnn"):
    for key in ("train_images_per_s", "infer_images_per_s", "peak_rss_mb"):
        a, b = vals("mlsyslab", m, key), vals("pytorch", m, key)
        ratio = statistics.median(a) / statistics.median(b)
        print(f"{m:4s} {key:20s} mlsyslab {show(a):26s} pytorch {show(b):26s} ratio {ratio:5.2f}")
PY
rm -f "$out"
