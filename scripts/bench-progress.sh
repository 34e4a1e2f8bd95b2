#!/usr/bin/env bash
# `planwatch progress` end to end (BENCHMARKS.md, "planwatch progress (CSV in, CSV out)"): a
# release binary reads a CSV of 600 000 series (the 300 Open SDG vectors' data rows 2 000 times
# under one header), assesses them and writes the output CSV to a file; hyperfine times the
# whole command in normal and in --strict mode and the script prints series per second.
#
#   scripts/bench-progress.sh [BINARY]      (needs hyperfine; default: builds the release binary)
#   REPEAT=N scripts/bench-progress.sh      (N × 300 series instead of 2 000 × 300)
#
# CARGO_TARGET_DIR is honoured. Pass BINARY to time another build, e.g. one from before a change.
set -euo pipefail
BIN=""
[ $# -ge 1 ] && BIN="$(realpath "$1")"
cd "$(dirname "$0")/.."
REPEAT="${REPEAT:-2000}"
command -v hyperfine >/dev/null || { echo "hyperfine is not installed (apt-get install hyperfine)" >&2; exit 1; }
if [ -z "$BIN" ]; then
  cargo build --release -p planwatch --bin planwatch >&2
  BIN="$(realpath "${CARGO_TARGET_DIR:-target}")/release/planwatch"
fi
WORK="$(mktemp -d /tmp/planwatch-bench-progress.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
FIXTURE=fixtures/monitor/opensdg-progress-vectors.csv
IN="$WORK/series.csv"
head -n 1 "$FIXTURE" >"$IN"
tail -n +2 "$FIXTURE" >"$WORK/rows.csv"
for _ in $(seq 1 "$REPEAT"); do cat "$WORK/rows.csv"; done >>"$IN"
SERIES=$(($(wc -l <"$IN") - 1))
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "input: $SERIES series, $(stat -c %s "$IN") bytes; binary: $BIN"
for mode in normal strict; do
  flag=""
  [ "$mode" = strict ] && flag="--strict"
  "$BIN" progress --input "$IN" $flag >"$WORK/out-$mode.csv"
  echo "output ($mode): $(($(wc -l <"$WORK/out-$mode.csv") - 1)) rows, $(stat -c %s "$WORK/out-$mode.csv") bytes"
  hyperfine --warmup 1 --runs 5 --export-json "$WORK/$mode.json" \
    "'$BIN' progress --input '$IN' $flag > '$WORK/out.csv'"
  python3 - "$WORK/$mode.json" "$SERIES" "$mode" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
n = int(sys.argv[2])
print(f"== {sys.argv[3]}: mean {r['mean']*1e3:.1f} ms ± {r['stddev']*1e3:.1f} ms "
      f"(min {r['min']*1e3:.1f} ms): {n / r['mean'] / 1e6:.2f} million series/s "
      f"(best run {n / r['min'] / 1e6:.2f} million/s)")
PY
done
