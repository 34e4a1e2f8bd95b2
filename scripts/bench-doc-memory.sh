#!/usr/bin/env bash
# Documents benchmark (BENCHMARKS.md, "Documents: memory under parallel downloads"): a release
# `planwatch serve` on a fresh demo data folder (reports up to 2024Q4), one signed-in session,
# then N annual-report PDFs of 2024 asked for at the same moment. Every answer must be 200 with a
# PDF; the server's peak resident memory is read from /proc/PID/status (VmHWM). Memory is
# measured, not timed: the server makes two documents at once and the others wait their turn.
#
#   scripts/bench-doc-memory.sh [N]          (default 16; needs curl; Linux)
#   PLANWATCH_BIN=path/to/planwatch …        measures that build instead of building this one
#   DOC_MEMORY_GOAL_MB=400                   exit 2 when the peak is above it (default 400)
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-16}"
GOAL_MB="${DOC_MEMORY_GOAL_MB:-400}"
if [ -n "${PLANWATCH_BIN:-}" ]; then
  BIN="$PLANWATCH_BIN"
else
  cargo build --release --locked -p planwatch >/dev/null
  BIN="${CARGO_TARGET_DIR:-$PWD/target}/release/planwatch"
fi
DATA="$(mktemp -d /tmp/planwatch-docmem.XXXXXX)"
PID=""
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$DATA"' EXIT
unset DATABASE_URL PLANWATCH_REPORT_CONFIG
"$BIN" --data-dir "$DATA" demo --until 2024Q4 --no-serve >/dev/null
PLANWATCH_LOG=warn "$BIN" --data-dir "$DATA" serve --addr 127.0.0.1:0 >"$DATA/out" 2>"$DATA/log" &
PID=$!
for _ in $(seq 1 100); do grep -q http "$DATA/out" 2>/dev/null && break; sleep 0.1; done
URL="$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$DATA/out")"
JAR="$DATA/jar"
csrf() { grep -o 'name="csrf" value="[0-9a-f]*"' | head -n1 | sed 's/.*value="//;s/"//'; }
TOKEN="$(curl -s -c "$JAR" -b "$JAR" "$URL/login" | csrf)"
curl -s -o /dev/null -c "$JAR" -b "$JAR" --data-urlencode "csrf=$TOKEN" --data-urlencode username=office \
  --data-urlencode "password=planwatch-demo" "$URL/login"
grep -q pw_session "$JAR" || { echo "FAIL: could not sign in" >&2; exit 1; }
kb() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$PID/status"; }
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $(free -h | awk '/^Mem:/ { print $2 " memory, " $7 " available" }'); $(date -u +%Y-%m-%d)"
echo "server after sign-in: VmRSS $(( $(kb VmRSS) / 1024 )) MB"
START="$(date +%s.%N)"
for i in $(seq 1 "$N"); do
  curl -s -o "$DATA/annual-$i.pdf" -w "%{http_code} %{content_type} %{time_total}\n" -b "$JAR" \
    --max-time 600 "$URL/documents/annual?year=2024&format=pdf" >"$DATA/answer-$i" &
done
wait $(jobs -p | grep -v "^$PID\$") 2>/dev/null || true
END="$(date +%s.%N)"
ok=0
for i in $(seq 1 "$N"); do
  read -r code type secs <"$DATA/answer-$i" || true
  if [ "$code" = 200 ] && [ "$type" = application/pdf ] && [ "$(head -c 5 "$DATA/annual-$i.pdf")" = "%PDF-" ]; then
    ok=$((ok + 1))
  else
    echo "download $i: ${code:-none} ${type:-} ($(head -c 200 "$DATA/annual-$i.pdf" 2>/dev/null | tr '\n' ' '))" >&2
  fi
  printf '%s\n' "${secs:-0}" >>"$DATA/times"
done
HWM_MB=$(( $(kb VmHWM) / 1024 ))
echo "$ok of $N downloads answered 200 with a PDF ($(stat -c %s "$DATA/annual-1.pdf") bytes each) in $(awk -v a="$START" -v b="$END" 'BEGIN { printf "%.1f", b - a }') s; slowest answer $(sort -n "$DATA/times" | tail -1) s"
echo "server peak resident memory (VmHWM): $HWM_MB MB; now (VmRSS): $(( $(kb VmRSS) / 1024 )) MB"
[ "$ok" = "$N" ] || { echo "FAIL: not every download was a PDF" >&2; exit 1; }
if [ "$HWM_MB" -gt "$GOAL_MB" ]; then
  echo "FAIL: peak above the goal of $GOAL_MB MB" >&2
  exit 2
fi
echo "goal met: peak under $GOAL_MB MB"
