#!/usr/bin/env bash
# The scale-out tier (issue 17, decision 0065), all on loopback: a PostgreSQL cluster of the
# tier's own (initdb into a temporary folder, so that stopping it disturbs no other tier), two
# `planwatch serve` processes on it, HAProxy (Debian's package) in front of them checking
# /healthz, and a real SMTP server (aiosmtpd, as in the notification tests). tests/scale/check.py
# then checks, through server A, server B and the balancer:
#   a. a value written through A is visible through B and through the balancer at once;
#   b. a session made on A works on B and through the balancer;
#   c. the daily reminders, scheduled on both servers, reach the SMTP server exactly once;
#   d. PostgreSQL stopped: every request answers within 2 s with 503 (a page in Chinese, a
#      problem for the API), /healthz fails and HAProxy marks both servers down; PostgreSQL
#      started again: both servers recover by themselves, reads and writes work again.
# Fails loudly with what went wrong and the logs.
#
#   tests/scale/run.sh PATH/TO/planwatch
#
# Needs root (PostgreSQL runs as the postgres user) and installs haproxy with apt-get if missing.
set -euo pipefail
BIN="$(realpath "${1:?usage: run.sh PATH/TO/planwatch}")"
cd "$(dirname "$0")"
HERE="$PWD"
ROOT="$(cd ../.. && pwd)"

fail() { echo "FAIL: $*" >&2; exit 1; }
# check.py runs from the checkout: no __pycache__ beside it.
export PYTHONDONTWRITEBYTECODE=1

if ! command -v haproxy >/dev/null 2>&1; then
  [ "$(id -u)" = 0 ] || fail "haproxy is missing and this is not root (apt-get install haproxy)"
  echo "scale tier: installing haproxy"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends haproxy >/dev/null
fi
[ "$(id -u)" = 0 ] || fail "the scale tier runs PostgreSQL as the postgres user: run it as root"
PGBIN=""
if command -v pg_config >/dev/null 2>&1; then PGBIN="$(pg_config --bindir)"; fi
if [ ! -x "$PGBIN/initdb" ]; then
  PGBIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)"
fi
[ -x "$PGBIN/initdb" ] || fail "no PostgreSQL server binaries (apt-get install postgresql)"

WORK="$(mktemp -d /tmp/planwatch-scale.XXXXXX)"
chmod 755 "$WORK"
PIDS=()
MAIL_PID=""
LB_PID=""
pg_ctl() { runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pg/data" "$@"; }
cleanup() {
  exec 7>&- 2>/dev/null || true
  for p in "${PIDS[@]}" "$LB_PID" "$MAIL_PID"; do
    if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then kill "$p" 2>/dev/null || true; fi
  done
  for p in "${PIDS[@]}" "$LB_PID"; do
    if [ -n "$p" ]; then wait "$p" 2>/dev/null || true; fi
  done
  if [ -f "$WORK/pg/data/postmaster.pid" ]; then pg_ctl -m immediate -w stop >/dev/null 2>&1 || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
show_logs() {
  for f in "$WORK"/a/server.log "$WORK"/b/server.log "$WORK"/haproxy.log "$WORK"/pg/server.log; do
    [ -f "$f" ] && { echo "--- $f (last 25 lines)" >&2; tail -n 25 "$f" >&2; }
  done
  return 0
}
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# PostgreSQL: a cluster of this tier's own on a free loopback port.
PGPORT="$(free_port)"
mkdir -p "$WORK/pg"
chown postgres:postgres "$WORK/pg"
runuser -u postgres -- "$PGBIN/initdb" -D "$WORK/pg/data" -U postgres --auth=trust -E UTF8 \
  --locale=C.UTF-8 >"$WORK/pg/initdb.log" 2>&1 || { cat "$WORK/pg/initdb.log" >&2; fail "initdb"; }
PG_OPTS="-c listen_addresses=127.0.0.1 -p $PGPORT -k $WORK/pg"
pg_ctl -l "$WORK/pg/server.log" -w -o "$PG_OPTS" start >/dev/null \
  || { cat "$WORK/pg/server.log" >&2; fail "PostgreSQL did not start"; }
psql -q -h 127.0.0.1 -p "$PGPORT" -U postgres -v ON_ERROR_STOP=1 \
  -c "CREATE ROLE planwatch LOGIN PASSWORD 'planwatch'" -c "CREATE DATABASE planwatch OWNER planwatch" >/dev/null
export DATABASE_URL="postgres://planwatch:planwatch@127.0.0.1:$PGPORT/planwatch"
echo "scale tier: PostgreSQL on 127.0.0.1:$PGPORT (cluster in $WORK/pg)"

# The SMTP server on loopback.
PY="${PLANWATCH_AIOSMTPD_PYTHON:-$ROOT/target/aiosmtpd-venv/bin/python}"
if ! "$PY" -c 'import aiosmtpd' 2>/dev/null; then
  python3 -m venv "$ROOT/target/aiosmtpd-venv"
  "$ROOT/target/aiosmtpd-venv/bin/pip" install --quiet --disable-pip-version-check 'aiosmtpd==1.4.6'
  PY="$ROOT/target/aiosmtpd-venv/bin/python"
fi
MAIL_LOG="$WORK/mail.jsonl"
# It runs until its standard input closes: a FIFO that this script holds open (fd 7) until the end.
mkfifo "$WORK/mail.in"
"$PY" "$ROOT/tests/notify/receivers.py" <"$WORK/mail.in" >"$MAIL_LOG" 2>"$WORK/receivers.log" &
MAIL_PID=$!
exec 7>"$WORK/mail.in"
SMTP_PORT=""
for _ in $(seq 1 100); do
  SMTP_PORT="$(grep -o 'READY smtp=[0-9]*' "$MAIL_LOG" 2>/dev/null | grep -o '[0-9]*$' || true)"
  [ -n "$SMTP_PORT" ] && break
  sleep 0.1
done
[ -n "$SMTP_PORT" ] || { cat "$WORK/receivers.log" >&2; fail "the SMTP server on loopback did not start"; }

# The plan, moved to the years around today so that the daily reminders have a period due now
# (the Yangquan plan's own periods ended in 2025); the demo reports stop before that period.
mkdir -p "$WORK/a" "$WORK/b"
read -r UNTIL PERIODS < <(python3 "$HERE/check.py" plan \
  "$ROOT/fixtures/plans/yangquan-2022-2024.gold.json" "$WORK/plan.json")
[ -n "${PERIODS:-}" ] || fail "could not move the plan to today's years"
"$BIN" --data-dir "$WORK/a" init --plan "$WORK/plan.json" >"$WORK/init.log" 2>&1 \
  || { cat "$WORK/init.log" >&2; fail "planwatch init on PostgreSQL"; }
"$BIN" --data-dir "$WORK/a" demo --until "$UNTIL" --no-serve >"$WORK/demo.log" 2>&1 \
  || { cat "$WORK/demo.log" >&2; fail "planwatch demo on PostgreSQL"; }
# What the reminders of each period due now will send (a dry run sends and records nothing).
EXPECTED_MAILS=0
for q in ${PERIODS//,/ }; do
  out="$(PLANWATCH_SMTP_URL="smtp://127.0.0.1:$SMTP_PORT" "$BIN" --data-dir "$WORK/a" remind --period "$q" --dry-run 2>&1)" || { echo "$out" >&2; fail "remind --dry-run"; }
  n="$(printf '%s\n' "$out" | grep -o '电子邮件 [0-9]* 封' | grep -o '[0-9]*' || true)"
  EXPECTED_MAILS=$((EXPECTED_MAILS + ${n:-0}))
done
echo "scale tier: plan moved to today's years, demo reports up to $UNTIL; reminders due for $PERIODS: $EXPECTED_MAILS e-mails"

# Two app servers on the one database, both with the daily reminders due at once (00:00 China
# time has always passed): only one of them may send them.
start_server() {
  local name="$1"
  "$BIN" --data-dir "$WORK/$name" serve --addr 127.0.0.1:0 --behind-proxy \
    --smtp-url "smtp://127.0.0.1:$SMTP_PORT" --smtp-from "PlanWatch <planwatch@example.org>" \
    --remind-at 00:00 --remind-days 3 >"$WORK/$name/server.out" 2>"$WORK/$name/server.log" &
  PIDS+=($!)
}
start_server a
start_server b
url_of() {
  local name="$1" pid="$2" url=""
  for _ in $(seq 1 150); do
    url="$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$WORK/$name/server.out" 2>/dev/null | head -n1 || true)"
    [ -n "$url" ] && break
    kill -0 "$pid" 2>/dev/null || { cat "$WORK/$name/server.log" >&2; fail "server $name exited before listening"; }
    sleep 0.1
  done
  [ -n "$url" ] || { cat "$WORK/$name/server.log" >&2; fail "server $name did not start within 15 s"; }
  echo "$url"
}
A_URL="$(url_of a "${PIDS[0]}")"
B_URL="$(url_of b "${PIDS[1]}")"

# HAProxy in front of them.
LB_PORT="$(free_port)"
STATS_PORT="$(free_port)"
sed -e "s|@WORK@|$WORK|g" -e "s|@HERE@|$HERE|g" -e "s|@LB_PORT@|$LB_PORT|g" \
  -e "s|@STATS_PORT@|$STATS_PORT|g" -e "s|@A_PORT@|${A_URL##*:}|g" -e "s|@B_PORT@|${B_URL##*:}|g" \
  "$HERE/haproxy.cfg.in" >"$WORK/haproxy.cfg"
haproxy -c -q -f "$WORK/haproxy.cfg" || fail "the HAProxy configuration is invalid"
haproxy -db -f "$WORK/haproxy.cfg" >"$WORK/haproxy.log" 2>&1 &
LB_PID=$!
echo "scale tier: server A $A_URL, server B $B_URL, HAProxy http://127.0.0.1:$LB_PORT"

status=0
A_URL="$A_URL" B_URL="$B_URL" LB_URL="http://127.0.0.1:$LB_PORT" \
  STATS_URL="http://127.0.0.1:$STATS_PORT/stats;csv" MAIL_LOG="$MAIL_LOG" \
  EXPECTED_MAILS="$EXPECTED_MAILS" SERVER_LOGS="$WORK/a/server.log $WORK/b/server.log" \
  PG_STOP="runuser -u postgres -- $PGBIN/pg_ctl -D $WORK/pg/data -m fast -w stop" \
  PG_START="runuser -u postgres -- $PGBIN/pg_ctl -D $WORK/pg/data -l $WORK/pg/server.log -w -o '$PG_OPTS' start" \
  python3 "$HERE/check.py" run || status=$?

for i in 0 1; do
  kill -0 "${PIDS[$i]}" 2>/dev/null || { status=1; echo "FAIL: server $([ $i = 0 ] && echo A || echo B) died during the tier" >&2; }
done
kill -0 "$LB_PID" 2>/dev/null || { status=1; echo "FAIL: HAProxy died during the tier" >&2; }
if [ "$status" -ne 0 ]; then show_logs; exit "$status"; fi
echo "scale tier: passed"
