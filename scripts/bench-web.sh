#!/usr/bin/env bash
# Web benchmark (BENCHMARKS.md, section "Web"): a release `planwatch serve` on a fresh data
# folder, one signed-in session, then wrk at 100 connections against the main pages and the API.
#
#   scripts/bench-web.sh [DURATION]        (default 20s per URL; needs wrk and curl)
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-20s}"
cargo build --release --locked -p planwatch >/dev/null
BIN="$PWD/target/release/planwatch"
DATA="$(mktemp -d /tmp/planwatch-bench.XXXXXX)"
PID=""
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$DATA"' EXIT
unset DATABASE_URL
if [ -x "$BIN" ] && "$BIN" demo --help >/dev/null 2>&1; then
  "$BIN" --data-dir "$DATA" demo --until 2024Q2 --no-serve >/dev/null
else
  "$BIN" --data-dir "$DATA" init >/dev/null
fi
printf 'correct horse battery\n' | "$BIN" --data-dir "$DATA" user add bench --role office --password-stdin >/dev/null
PLANWATCH_LOG=warn "$BIN" --data-dir "$DATA" serve --addr 127.0.0.1:0 >"$DATA/out" 2>"$DATA/log" &
PID=$!
for _ in $(seq 1 100); do grep -q http "$DATA/out" 2>/dev/null && break; sleep 0.1; done
URL="$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$DATA/out")"
JAR="$DATA/jar"
TOKEN="$(curl -s -c "$JAR" -b "$JAR" "$URL/login" | grep -o 'name="csrf" value="[0-9a-f]*"' | sed 's/.*value="//;s/"//')"
curl -s -o /dev/null -c "$JAR" -b "$JAR" --data-urlencode "csrf=$TOKEN" --data-urlencode username=bench \
  --data-urlencode "password=correct horse battery" "$URL/login"
SESSION="$(awk '$6 == "pw_session" { print $7 }' "$JAR")"
[ -n "$SESSION" ] || { echo "FAIL: could not sign in" >&2; exit 1; }
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $(date -u +%Y-%m-%d)"
for path in ${BENCH_PATHS:-/ /plan /tasks/2 /api/v1/plan /api/v1/tasks/2}; do
  echo "== GET $path"
  wrk -t2 -c100 -d"$DURATION" --latency -H "Cookie: pw_session=$SESSION" "$URL$path" \
    | grep -E 'Requests/sec|Latency  |  50%|  99%|Non-2xx|Socket errors'
done
