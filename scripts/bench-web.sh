#!/usr/bin/env bash
# Web benchmark (BENCHMARKS.md, section "Web"): a release `planwatch serve` on a fresh data
# folder with the demo data, one signed-in session, then wrk with 100 connections against the
# dashboard, the indicator pages and the indicator-value API (reads, and writes with a unit's
# API token).
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
"$BIN" --data-dir "$DATA" demo --until 2024Q2 --no-serve >/dev/null
PLANWATCH_LOG=warn "$BIN" --data-dir "$DATA" serve --addr 127.0.0.1:0 >"$DATA/out" 2>"$DATA/log" &
PID=$!
for _ in $(seq 1 100); do grep -q http "$DATA/out" 2>/dev/null && break; sleep 0.1; done
URL="$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$DATA/out")"
JAR="$DATA/jar"
csrf() { grep -o 'name="csrf" value="[0-9a-f]*"' | head -n1 | sed 's/.*value="//;s/"//'; }
TOKEN="$(curl -s -c "$JAR" -b "$JAR" "$URL/login" | csrf)"
curl -s -o /dev/null -c "$JAR" -b "$JAR" --data-urlencode "csrf=$TOKEN" --data-urlencode username=office \
  --data-urlencode "password=planwatch-demo" "$URL/login"
SESSION="$(awk '$6 == "pw_session" { print $7 }' "$JAR")"
[ -n "$SESSION" ] || { echo "FAIL: could not sign in" >&2; exit 1; }
# An API token for 市科技局, to write one of its indicator values.
FORM="$(curl -s -b "$JAR" "$URL/api-tokens" | csrf)"
API_TOKEN="$(curl -s -b "$JAR" --data-urlencode "csrf=$FORM" --data-urlencode "unit=市科技局" \
  --data-urlencode "name=bench" "$URL/api-tokens" | grep -o '<pre class="json">[0-9a-f]*' | sed 's/.*>//')"
[ -n "$API_TOKEN" ] || { echo "FAIL: no API token" >&2; exit 1; }
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%d)"
for path in ${BENCH_PATHS:-/ /indicators /indicators/hightech-revenue-share /api/v1/indicators /api/v1/indicators/hightech-revenue-share}; do
  curl -s -o /dev/null -w "== GET $path (%{http_code}, %{size_download} bytes)\n" -b "$JAR" "$URL$path"
  wrk -t2 -c100 -d"$DURATION" --latency -H "Cookie: pw_session=$SESSION" "$URL$path" \
    | grep -E 'Requests/sec|Latency  |  50%|  99%|Non-2xx|Socket errors'
done
# Every request writes a real change (a new report version, an audit row, a synced commit), all to
# 市科技局's 2024Q3 draft, cycling over the unit's indicators the way a data platform sends a
# unit's figures: each one's latest value, nudged so that every request changes something while
# staying valid (whole numbers stay whole; no change is large enough to need a note).
curl -s -H "Authorization: Bearer $API_TOKEN" "$URL/api/v1/indicators" >"$DATA/indicators.json"
python3 - "$DATA/indicators.json" "$API_TOKEN" "$URL" >"$DATA/post.lua" <<'PY'
import json, sys, urllib.request
doc = json.load(open(sys.argv[1]))
token, url = sys.argv[2], sys.argv[3]
rows = []
for i in doc["indicators"]:
    latest = (i.get("latest") or {}).get("value")
    if i["reporter"] != "市科技局" or latest is None:
        continue
    body = json.dumps({"indicator": i["id"], "quarter": "2024Q3", "value": latest, "source": "统计月报"}).encode()
    req = urllib.request.Request(url + "/api/v1/values", data=body, method="POST", headers={
        "Content-Type": "application/json", "Authorization": "Bearer " + token})
    try:
        urllib.request.urlopen(req).read()
    except Exception:
        continue  # not writable as it stands: leave it out of the benchmark
    rows.append('{"%s", %r, %s}' % (i["id"], latest, "true" if latest == int(latest) else "false"))
print("-- %d indicators" % len(rows))
print("ids = {" + ", ".join(rows) + "}")
print("""counter = 0
request = function()
  counter = counter + 1
  local k = counter % #ids + 1
  local turn = math.floor(counter / #ids)
  local id, base, whole = ids[k][1], ids[k][2], ids[k][3]
  local v
  if whole then v = base + turn % 2 else v = base * (1 + 0.001 * (turn % 3)) end
  local body = string.format('{"indicator":"%s","quarter":"2024Q3","value":%.4f,"source":"统计月报"}', id, v)
  return wrk.format("POST", "/api/v1/values", {["Content-Type"] = "application/json", ["Authorization"] = "Bearer TOKEN"}, body)
end""".replace("TOKEN", token))
PY
echo "== POST /api/v1/values ($(head -n1 "$DATA/post.lua" | sed 's/^-- //') of 市科技局, each request a new value)"
for c in 100 8; do
  echo "-- $c connections"
  wrk -t2 -c"$c" -d"$DURATION" --latency -s "$DATA/post.lua" "$URL/api/v1/values" \
    | grep -E 'Requests/sec|Latency  |  50%|  99%|Non-2xx|Socket errors'
done
echo "server peak RSS: $(grep VmHWM /proc/$PID/status | awk '{print $2, $3}')"
