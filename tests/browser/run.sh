#!/usr/bin/env bash
# The browser tier: a fresh data folder with the demo data (planwatch demo: the Yangquan plan,
# synthetic reports up to 2024Q2 and one account per role),
# `planwatch serve` on a free loopback port, the journeys in real headless Chromium
# (`node --test`), then the server is stopped. Fails loudly: any failing journey, a server that
# does not come up, or a server that died during the run fails the tier.
#
#   tests/browser/run.sh PATH/TO/planwatch
#
# Needs Debian's chromium (/usr/bin/chromium) and `npm ci` done in this folder.
set -euo pipefail
BIN="$(realpath "${1:?usage: run.sh PATH/TO/planwatch}")"
cd "$(dirname "$0")"
ROOT="$(cd ../.. && pwd)"
PASSWORD='planwatch-demo'
DATA="$(mktemp -d /tmp/planwatch-browser.XXXXXX)"
PID=""
MAIL_PID=""
cleanup() {
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
    kill "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
  fi
  if [ -n "$MAIL_PID" ]; then kill "$MAIL_PID" 2>/dev/null || true; fi
  rm -rf "$DATA"
}
trap cleanup EXIT
# The browser tier runs on the embedded SQLite store, whatever the caller's environment says.
unset DATABASE_URL

pw() { "$BIN" --data-dir "$DATA" "$@"; }
pw demo --until 2024Q2 --no-serve >/dev/null
# One more reporter, for the journeys that change or disable an account.
printf '%s\n' "$PASSWORD" | pw user add fgw --role reporter --unit 市发展改革委 --name 钱五 --password-stdin >/dev/null

# A real SMTP server on loopback (aiosmtpd, as in the notification tests, decision 0061): the
# journey of issue 15 (11) reads the e-mail the server sends when the office returns a report.
PY="${PLANWATCH_AIOSMTPD_PYTHON:-$ROOT/target/aiosmtpd-venv/bin/python}"
if ! "$PY" -c 'import aiosmtpd' 2>/dev/null; then
  python3 -m venv "$ROOT/target/aiosmtpd-venv"
  "$ROOT/target/aiosmtpd-venv/bin/pip" install --quiet --disable-pip-version-check 'aiosmtpd==1.4.6'
  PY="$ROOT/target/aiosmtpd-venv/bin/python"
fi
export PLANWATCH_MAIL_LOG="$DATA/mail.jsonl"
# It runs until its standard input closes: a FIFO that this script holds open (fd 7) until the end
# (a `sleep | receivers` pipeline left the sleep behind after the tier).
mkfifo "$DATA/mail.in"
"$PY" "$ROOT/tests/notify/receivers.py" <"$DATA/mail.in" >"$PLANWATCH_MAIL_LOG" 2>"$DATA/receivers.log" &
MAIL_PID=$!
exec 7>"$DATA/mail.in"
SMTP_PORT=""
for _ in $(seq 1 100); do
  SMTP_PORT="$(grep -o 'READY smtp=[0-9]*' "$PLANWATCH_MAIL_LOG" 2>/dev/null | grep -o '[0-9]*$' || true)"
  [ -n "$SMTP_PORT" ] && break
  sleep 0.1
done
if [ -z "$SMTP_PORT" ]; then echo "FAIL: the SMTP server on loopback did not start" >&2; cat "$DATA/receivers.log" >&2; exit 1; fi

# --public: the public page journey (08) reads /public without signing in.
# The binary itself in the background, not `pw`: a backgrounded function is a subshell, and
# killing it at the end left the server running.
"$BIN" --data-dir "$DATA" serve --addr 127.0.0.1:0 --public --smtp-url "smtp://127.0.0.1:$SMTP_PORT" \
  --remind-at off >"$DATA/server.out" 2>"$DATA/server.log" &
PID=$!
URL=""
for _ in $(seq 1 100); do
  URL="$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$DATA/server.out" 2>/dev/null | head -n1 || true)"
  [ -n "$URL" ] && break
  if ! kill -0 "$PID" 2>/dev/null; then
    echo "FAIL: planwatch serve exited before listening:" >&2; cat "$DATA/server.log" >&2; exit 1
  fi
  sleep 0.1
done
if [ -z "$URL" ]; then echo "FAIL: planwatch serve did not start within 10 s" >&2; cat "$DATA/server.log" >&2; exit 1; fi
echo "browser tier: server at $URL (data $DATA)"

# One file at a time, in name order (the plan import changes the plan; screenshots come last).
# Works with Debian's Node 18 as well as newer releases.
status=0
failed=()
for f in journeys/*.test.js; do
  if ! PLANWATCH_URL="$URL" PLANWATCH_TEST_PASSWORD="$PASSWORD" PLANWATCH_BIN="$BIN" \
      PLANWATCH_DATA="$DATA" node --test "$f"; then
    status=1
    failed+=("$f")
  fi
done
if ! kill -0 "$PID" 2>/dev/null; then
  echo "FAIL: the server died during the browser journeys:" >&2; cat "$DATA/server.log" >&2; exit 1
fi
if [ "$status" -ne 0 ]; then
  echo "FAIL: browser journeys failed: ${failed[*]} (server log follows)" >&2; tail -n 50 "$DATA/server.log" >&2
  exit "$status"
fi
echo "browser tier: all journeys passed"
