#!/usr/bin/env bash
# Runs SCALE-Sim v2 and `mlsyslab accel` on the same topology and config, times both, and diffs their
# COMPUTE_REPORT.csv (docs/ACCEL.md, docs/BENCHMARKS.md). SCALE-Sim is not bundled: check its source out
# somewhere (it needs Debian's python3-numpy python3-pandas python3-tqdm python3-absl) and pass the folder.
# Usage: bench/scalesim/run_scalesim.sh SCALESIM_DIR [TOPOLOGY.csv] [CONFIG.cfg] [path/to/mlsyslab]
#   default topology assets/topologies/resnet50.csv, config a 128x128 CALC config per dataflow (os, ws, is).
set -euo pipefail
cd "$(dirname "$0")/../.."
SCALESIM="${1:?usage: run_scalesim.sh SCALESIM_DIR [TOPOLOGY.csv] [CONFIG.cfg] [mlsyslab]}"
TOPO="${2:-assets/topologies/resnet50.csv}"
CFG="${3:-}"
EXE="${4:-build/mlsyslab}"
[ -f "$SCALESIM/scalesim/scale.py" ] || { echo "run_scalesim: $SCALESIM/scalesim/scale.py not found" >&2; exit 2; }
[ -x "$EXE" ] || { echo "run_scalesim: $EXE not found; build first" >&2; exit 2; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
run_one() {  # run_one CONFIG NAME
  local cfg=$1 name=$2
  local t0 t1 t2
  t0=$(date +%s.%N)
  (cd "$SCALESIM" && PYTHONPATH="$SCALESIM" python3 scalesim/scale.py -c "$cfg" -t "$(realpath "$OLDPWD/$TOPO")" -p "$TMP/ss_$name" >/dev/null)
  t1=$(date +%s.%N)
  "$EXE" accel --topology "$TOPO" --config "$cfg" --no-vector --out "$TMP/ours_$name" --runs "$TMP/runs" >/dev/null
  t2=$(date +%s.%N)
  local theirs
  theirs=$(find "$TMP/ss_$name" -name COMPUTE_REPORT.csv | head -1)
  if diff -q "$theirs" "$TMP/ours_$name/COMPUTE_REPORT.csv" >/dev/null; then same=identical; else same=DIFFERENT; fi
  printf '%s: SCALE-Sim %.1f s, mlsyslab accel %.3f s (process, incl. start-up), COMPUTE_REPORT %s\n' "$name" \
    "$(echo "$t1 - $t0" | bc)" "$(echo "$t2 - $t1" | bc)" "$same"
  [ "$same" = identical ] || diff "$theirs" "$TMP/ours_$name/COMPUTE_REPORT.csv" | head -20
}
if [ -n "$CFG" ]; then
  run_one "$(realpath "$CFG")" custom
else
  for df in os ws is; do
    sed "s/^Dataflow *:.*/Dataflow : $df/; s/^run_name.*/run_name = bench_$df/" assets/topologies/configs/tpu_like_128.cfg \
      > "$TMP/$df.cfg"
    run_one "$TMP/$df.cfg" "$df"
  done
fi
