#!/usr/bin/env bash
# Province-sized benchmark (BENCHMARKS.md, section "Province-sized: 300 plans on PostgreSQL behind
# a load balancer"; issue 17 item 7).
#
# 1. A synthetic province on PostgreSQL, in its own database `bench_scale`: N plans (default 300)
#    of 2022–2024 (12 quarters), each with 50 units drawn from a shared pool of 360 units, and
#    every quarter's demo reports with their indicator values, all labelled 示例数据 (demo = 1).
#    Built through the product's own write path: `planwatch init --file` for the first plan,
#    then the hidden `planwatch bench-load DIR` (plan add + the demo loader per plan, in one
#    process), which ends with the store's integrity check.
# 2. Two release `planwatch serve` processes on that database behind HAProxy (all on loopback).
# 3. wrk through the load balancer: 100 connections reading (dashboard pages with a session
#    cookie, then the indicator API with a bearer token) over random plans, while 10
#    connections write indicator values through the API (one token per unit).
# 4. The assessment time of one plan (hyperfine of `planwatch --plan CODE assess`, and the web's
#    first dashboard request after a write), each server's RSS during the load, the database size.
#
#   scripts/bench-scale.sh [DURATION]          (default 30s per load run; needs wrk, haproxy,
#                                               hyperfine, psql, curl, python3)
#   PG_ADMIN_URL=postgres://user:pw@host:port/db   a role that may create databases (default:
#                                               $PLANWATCH_TEST_PG_URL, else 127.0.0.1:55433)
#   BENCH_PLANS=300  BENCH_KEEP=1 (keep the database and the folder)  BENCH_BIN=path (no build)
#   BENCH_REUSE=1 (with BENCH_KEEP: use the database a kept run left and skip loading)
#
# The database bench_scale is dropped and made anew at the start and dropped at the end; every
# process started here is stopped on exit. It takes 9–10 minutes with 300 plans on the
# 2-core machine (loading 4.5–5.5 minutes of it; a release build first if there is none).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-30s}"
PLANS="${BENCH_PLANS:-300}"
PG_ADMIN_URL="${PG_ADMIN_URL:-${PLANWATCH_TEST_PG_URL:-postgres://planwatch:planwatch@127.0.0.1:55433/planwatch}}"
DB=bench_scale
DB_URL="${PG_ADMIN_URL%/*}/$DB"
LB_PORT="${BENCH_LB_PORT:-28410}"
PORTS=("${BENCH_PORT_A:-28411}" "${BENCH_PORT_B:-28412}")
for tool in wrk haproxy hyperfine psql curl python3; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool is missing (apt-get install -y $tool)" >&2; exit 1; }
done

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
if [ -n "${BENCH_BIN:-}" ]; then  # a binary built elsewhere (e.g. a debug build to try the script)
  BIN="$BENCH_BIN"
else
  cargo build --release --locked -p planwatch >/dev/null
  BIN="$CARGO_TARGET_DIR/release/planwatch"
fi
WORK="$(mktemp -d /tmp/planwatch-bench-scale.XXXXXX)"
mkdir -p "$WORK/data"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  if [ -z "${BENCH_KEEP:-}" ]; then
    psql -q "$PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
    rm -rf "$WORK"
  else
    echo "kept: database $DB_URL, folder $WORK"
  fi
}
trap cleanup EXIT
export PLANWATCH_LOG=warn
unset PLANWATCH_PLAN
sql() { psql -qAt "$DB_URL" -c "$1"; }
secs() { python3 -c "import time; print(time.time())"; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GB RAM; load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u '+%Y-%m-%d %H:%M UTC'); $(psql -qAt "$PG_ADMIN_URL" -c 'SHOW server_version') PostgreSQL"

# --- 1. the province -------------------------------------------------------------------------
export DATABASE_URL="$DB_URL"
if [ -n "${BENCH_REUSE:-}" ] && [ "$(sql 'SELECT COUNT(*) FROM plans' 2>/dev/null || echo 0)" -gt 0 ]; then
  echo "== load: skipped, the database $DB is used as it is (BENCH_REUSE): $(sql 'SELECT COUNT(*) FROM plans') plans"
else
psql -q "$PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB" >/dev/null
# A bulk load of synthetic data: commits need not wait for the disk (on a VM whose flushes take
# milliseconds the load takes three times as long otherwise). Set back before anything is
# measured: the servers and the load runs work with the default (synchronous_commit = on).
psql -q "$PG_ADMIN_URL" -c "ALTER DATABASE $DB SET synchronous_commit = off" >/dev/null
python3 scripts/bench-scale/make-plans.py "$PLANS" "$WORK/plans"
T0="$(secs)"
FIRST="$(ls "$WORK/plans" | head -n1)"
"$BIN" --data-dir "$WORK/data" --plan "${FIRST%.json}" init --file "$WORK/plans/$FIRST" >"$WORK/init.log"
"$BIN" --data-dir "$WORK/data" bench-load "$WORK/plans" --until 2024Q4 | tee "$WORK/load.log" | grep -v '^[0-9]* / ' || true
grep -q '^新增计划' "$WORK/load.log" || { echo "FAIL: loading stopped" >&2; exit 1; }
T1="$(secs)"
psql -q "$PG_ADMIN_URL" -c "ALTER DATABASE $DB RESET synchronous_commit" >/dev/null
echo "== load: $(python3 -c "print(f'{$T1 - $T0:.0f} s')") for $PLANS plans ($(tail -n3 "$WORK/load.log" | head -n1))"
# After a bulk load, as the PostgreSQL manual advises ("Populating a Database": run ANALYZE
# afterwards) and an operator does: without it, autovacuum works through the gigabyte just
# written while the first load run is measured, and the first reader of each page sets its hint
# bits (a write).
T0="$(secs)"
psql -q "$DB_URL" -c "VACUUM (ANALYZE)" >/dev/null
echo "   VACUUM (ANALYZE) after the load: $(python3 -c "print(f'{$(secs) - $T0:.0f} s')")"
echo "   rows: plans $(sql 'SELECT COUNT(*) FROM plans'), units $(sql 'SELECT COUNT(*) FROM units'), reports $(sql 'SELECT COUNT(*) FROM reports') (demo $(sql 'SELECT COUNT(*) FROM reports WHERE demo = 1')), report events $(sql 'SELECT COUNT(*) FROM report_events'), indicator rows $(sql 'SELECT COUNT(*) FROM report_indicator_rows'), indicators $(sql 'SELECT COUNT(*) FROM indicators'), audit rows $(sql 'SELECT COUNT(*) FROM audit_log')"
echo "   database size after loading: $(sql "SELECT pg_size_pretty(pg_database_size('$DB'))")"
fi

# --- 2. two servers behind HAProxy -----------------------------------------------------------
export PLANWATCH_API_RATE_LIMIT=1000000 PLANWATCH_REMIND_AT=off
# How many plans' monitoring sources each server keeps (the server's default, 12; e.g.
# BENCH_PLAN_CACHE=32 to compare, at the memory the RSS line below shows).
export PLANWATCH_PLAN_CACHE="${BENCH_PLAN_CACHE:-12}"
echo "== two servers behind HAProxy, each keeping the monitoring results of $PLANWATCH_PLAN_CACHE plans"
for i in 0 1; do
  "$BIN" --data-dir "$WORK/data" serve --behind-proxy --addr "127.0.0.1:${PORTS[$i]}" \
    >"$WORK/serve$i.out" 2>"$WORK/serve$i.log" &
  PIDS+=("$!")
done
SERVERS=("${PIDS[@]}")
sed -e "s/@LB_PORT@/$LB_PORT/" -e "s/@PORT_A@/${PORTS[0]}/" -e "s/@PORT_B@/${PORTS[1]}/" \
  -e "s|@SOCK@|$WORK/haproxy.sock|" scripts/bench-scale/haproxy.cfg >"$WORK/haproxy.cfg"
haproxy -f "$WORK/haproxy.cfg" -db >"$WORK/haproxy.log" 2>&1 &
PIDS+=("$!")
URL="http://127.0.0.1:$LB_PORT"
for port in "${PORTS[@]}" "$LB_PORT"; do
  for _ in $(seq 1 150); do curl -fs -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.2; done
  curl -fs -o /dev/null "http://127.0.0.1:$port/healthz" || { echo "FAIL: nothing answers on $port" >&2; cat "$WORK"/serve*.log >&2; exit 1; }
done

JAR="$WORK/jar"
csrf() { grep -o 'name="csrf" value="[0-9a-f]*"' | sed -n '1{s/.*value="//;s/"//;p}'; }  # reads all its input: no SIGPIPE for curl
TOKEN="$(curl -fs -c "$JAR" -b "$JAR" "$URL/login" | csrf)"
curl -fs -o /dev/null -c "$JAR" -b "$JAR" --data-urlencode "csrf=$TOKEN" --data-urlencode username=office \
  --data-urlencode "password=planwatch-demo" "$URL/login"
SESSION="$(awk '$6 == "pw_session" { print $7 }' "$JAR")"
[ -n "$SESSION" ] || { echo "FAIL: could not sign in" >&2; exit 1; }
# One API token per writing unit (both scopes), as the office makes them on 接口令牌; the first
# also reads.
# Writers: units with a 2024Q4 report still open to them (none yet, a draft or returned) in some
# plan where they report an indicator; 20 of them at random, each with up to 3 such plans.
sql "SELECT u.name || E'\t' || p.code FROM indicators i JOIN units u ON u.id = i.reporter_id
     JOIN plans p ON p.id = i.plan_id LEFT JOIN reports r ON r.plan_id = i.plan_id
     AND r.unit_id = i.reporter_id AND r.quarter = '2024Q4'
     WHERE i.set_aside IS NULL AND (r.id IS NULL OR r.state IN ('draft', 'returned'))
     GROUP BY u.name, p.code ORDER BY u.name, p.code" >"$WORK/candidates.txt"
python3 - "$WORK/candidates.txt" >"$WORK/writers.txt" <<'PY'
import random, sys
units = sorted({l.split("\t")[0] for l in open(sys.argv[1], encoding="utf-8").read().split("\n") if l})
random.Random(7).shuffle(units)
print("\n".join(units[:20]))
PY
: >"$WORK/tokens.txt"
while IFS= read -r unit; do
  FORM="$(curl -fs -b "$JAR" "$URL/api-tokens" | csrf)"
  T="$(curl -fs -b "$JAR" --data-urlencode "csrf=$FORM" --data-urlencode "unit=$unit" \
    --data-urlencode "name=bench-scale" --data-urlencode "read=on" --data-urlencode "write=on" \
    "$URL/api-tokens" | grep -o '<pre class="json">[0-9a-f]*' | sed 's/.*>//')"
  [ "${#T}" = 64 ] || { echo "FAIL: no API token for $unit" >&2; exit 1; }
  printf '%s\t%s\n' "$unit" "$T" >>"$WORK/tokens.txt"
done <"$WORK/writers.txt"
READ_TOKEN="$(head -n1 "$WORK/tokens.txt" | cut -f2)"
sql "SELECT code FROM plans ORDER BY id" >"$WORK/codes.txt"
python3 scripts/bench-scale/make-lua.py "$WORK" "$URL"

# --- warm-up: each server reads every plan once, as it would after running a while ---------------
# (the first read of a plan loads its monitoring sources, about 40–70 ms; the answers are then
# kept — rendered.rs — and the sources of the plans used last)
T0="$(secs)"
for port in "${PORTS[@]}"; do
  while IFS= read -r code; do
    curl -fs -o /dev/null -H "Cookie: pw_session=$SESSION" "http://127.0.0.1:$port/p/$code/"
    curl -fs -o /dev/null -H "Authorization: Bearer $READ_TOKEN" "http://127.0.0.1:$port/p/$code/api/v1/indicators"
  done <"$WORK/codes.txt"
done
echo "== warm-up: every plan's dashboard and indicator list once through each server, $(python3 -c "print(f'{$(secs) - $T0:.0f} s')")"

# --- 3. load: 100 reading connections over random plans while 10 write -------------------------
rss_watch() {  # samples each server's RSS every second into $WORK/rss.txt until stopped
  while :; do
    for p in "${SERVERS[@]}"; do printf '%s %s\n' "$p" "$(awk '/VmRSS/ {print $2}' "/proc/$p/status")"; done
    sleep 1
  done >>"$WORK/rss.txt"
}
summary() { grep -E 'Requests/sec|Latency  |  50%|  99%|Non-2xx|Writes not 2xx|Socket errors|requests in'; }
mixed() {  # $1 = label, $2 = read script, $3… = extra wrk options for the readers
  local label="$1" script="$2"; shift 2
  echo "== $label: 100 reading connections (random plans) + 10 writing connections, $DURATION"
  wrk -t2 -c10 -d"$DURATION" --latency -s "$WORK/write.lua" "$URL/" >"$WORK/w.out" 2>&1 &
  local w=$!
  wrk -t2 -c100 -d"$DURATION" --latency -s "$script" "$@" "$URL/" >"$WORK/r.out" 2>&1
  wait "$w"
  echo "-- reads"; summary <"$WORK/r.out"
  echo "-- writes (POST /p/{code}/api/v1/values)"; summary <"$WORK/w.out"
}
rss_watch &
RSS_PID=$!
PIDS+=("$RSS_PID")
mixed "dashboard GET /p/{code}/ (session cookie)" "$WORK/read-pages.lua" -H "Cookie: pw_session=$SESSION"
mixed "API GET /p/{code}/api/v1/indicators (bearer token)" "$WORK/read-api.lua" -H "Authorization: Bearer $READ_TOKEN"
kill "$RSS_PID"
for p in "${SERVERS[@]}"; do
  echo "server $p: RSS max during load $(awk -v p="$p" '$1 == p && $2 > m { m = $2 } END { printf "%.0f MB", m / 1024 }' "$WORK/rss.txt"), peak (VmHWM) $(awk '/VmHWM/ {printf "%.0f MB", $2 / 1024}' "/proc/$p/status")"
done
python3 - "$WORK/haproxy.sock" <<'PY'
import csv, io, socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(b"show stat\n")
data = b""
while chunk := s.recv(65536):
    data += chunk
rows = list(csv.reader(io.StringIO(data.decode().lstrip("# "))))
head = rows[0]
for r in rows[1:]:
    if len(r) == len(head) and r[0] == "app" and r[1] in ("s1", "s2"):
        d = dict(zip(head, r))
        print(f"   {d['svname']}: {d['stot']} requests, {d['hrsp_5xx']} answered 5xx, status {d['status']}")
PY

# --- 4. one plan's assessment ------------------------------------------------------------------
CODE="$(sed -n "$(( (PLANS + 1) / 2 ))p" "$WORK/codes.txt")"
echo "== assessment of one plan ($CODE: 22 tasks, 50 units, 12 quarters)"
hyperfine -N --warmup 3 --runs 20 --export-json "$WORK/hf.json" \
  "$BIN --data-dir $WORK/data --plan $CODE assess --period 2024Q4" \
  "$BIN --data-dir $WORK/data --plan $CODE plan list" 2>&1 | grep -E 'Benchmark|Time|Range'
python3 - "$WORK/hf.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
a, b = r[0], r[1]
print(f"   assess median {a['median']*1000:.1f} ms; a process that opens the same database and lists the plans {b['median']*1000:.1f} ms; difference (reading the plan's data + assessing) {1000*(a['median']-b['median']):.1f} ms")
PY
# The same inside one process, as a server pays it: the store open and the plan's reporting
# context kept; reading the plan's data, then assessing it.
"$BIN" --data-dir "$WORK/data" --plan "$CODE" bench-assess --period 2024Q4 --runs 30 | sed 's/^/   in one process: /'
# The web: the first dashboard request after a write (every cache of that plan is stale), then
# the next one (cached), through one server directly, ten times each.
python3 scripts/bench-scale/first-after-write.py "$WORK" "http://127.0.0.1:${PORTS[0]}" "$CODE" "$SESSION"
echo "== database size after the load: $(sql "SELECT pg_size_pretty(pg_database_size('$DB'))")"
echo "   errors in the server logs: $(cat "$WORK"/serve*.log | grep -c -E 'ERROR|panick' || true)"
