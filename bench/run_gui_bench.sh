#!/usr/bin/env bash
# Frame time of the desktop app under Xvfb with Mesa's software renderer (llvmpipe), measured by the app
# itself (--frame-stats: median and p99 of the time between frame starts, vsync off in scripted runs, the
# first frames skipped). Runs each scenario RUNS times and prints the median of the per-run medians and p99s.
# Usage: bench/run_gui_bench.sh [EXE] [RUNS] [FRAMES]      (default: build/mlsyslab 5 600)
set -euo pipefail
cd "$(dirname "$0")/.."
EXE="${1:-build/mlsyslab}"
RUNS="${2:-5}"
FRAMES="${3:-600}"
if [ ! -x "$EXE" ]; then echo "run_gui_bench: $EXE not found; build first" >&2; exit 2; fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export XDG_CONFIG_HOME="$TMP/config" XDG_DATA_HOME="$TMP/data" XDG_CACHE_HOME="$TMP/cache"

scenario() {  # scenario NAME ARGS...
  local name=$1
  shift
  for i in $(seq 1 "$RUNS"); do
    xvfb-run -a -s "-screen 0 1280x800x24" "$EXE" --frames "$FRAMES" --size 1280x800 \
      --frame-stats "$TMP/$name-$i.json" "$@" >/dev/null 2>"$TMP/$name-$i.err" ||
      { echo "run_gui_bench: $name run $i failed:" >&2; cat "$TMP/$name-$i.err" >&2; exit 1; }
  done
  /usr/bin/python3 - "$name" "$TMP" "$RUNS" <<'PY'
import json, statistics, sys
name, tmp, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
stats = [json.load(open(f"{tmp}/{name}-{i}.json")) for i in range(1, runs + 1)]
med = statistics.median(s["frame_ms_median"] for s in stats)
p99 = statistics.median(s["frame_ms_p99"] for s in stats)
work = statistics.median(s["work_ms_median"] for s in stats)
ui = statistics.median(s["ui_ms_median"] for s in stats)
print(f"{name:28s} frame median {med:6.2f} ms   p99 {p99:6.2f} ms   work median {work:6.2f} ms (UI {ui:5.2f})   "
      f"({runs} runs x {stats[0]['frames_measured']} frames, {stats[0]['renderer']})")
if all(s.get("frames_with_job", 0) > 0 for s in stats):
    jmed = statistics.median(s["job_frame_ms_median"] for s in stats)
    jp99 = statistics.median(s["job_frame_ms_p99"] for s in stats)
    rate = statistics.median(s["job_rate_median"] for s in stats)
    nj = min(s["frames_with_job"] for s in stats)
    print(f"{'  while the job ran':28s} frame median {jmed:6.2f} ms   p99 {jp99:6.2f} ms   job rate median {rate:,.0f}/s"
          f"   (>= {nj} frames with the job running per run)")
PY
}

scenario "shell (Memory page)" --workspace memory
scenario "chart gallery" --workspace memory --show gallery,overlay
# cnn on Fashion-MNIST (the Train workspace's "fashion" demo: 10,000 training images, 2 epochs) with the
# performance overlay on; the second line is restricted to the frames drawn while training ran.
scenario "Train: cnn on Fashion-MNIST" --workspace train --demo fashion --show overlay
