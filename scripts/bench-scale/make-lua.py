#!/usr/bin/env python3
"""Writes the wrk scripts of scripts/bench-scale.sh into WORK:

- read-pages.lua / read-api.lua: every request a random plan's dashboard (/p/{code}/) or
  indicator list (/p/{code}/api/v1/indicators); the credentials come from wrk's -H option;
- write.lua: every request a new value (POST /p/{code}/api/v1/values) with the token of the unit
  that reports it, for indicators found writable here (the unit's 2024Q4 report is still with
  the unit), nudged on each turn so that every request changes something while staying valid
  (as scripts/bench-web.sh does); writers.json keeps the list for first-after-write.py.

    make-lua.py WORK URL
"""
import json
import os
import sys
import urllib.error
import urllib.request

work, url = sys.argv[1], sys.argv[2]
codes = [c for c in open(os.path.join(work, "codes.txt"), encoding="utf-8").read().split() if c]
tokens = [l.split("\t") for l in open(os.path.join(work, "tokens.txt"), encoding="utf-8").read().splitlines() if l]
PER_UNIT_PLANS = 3
QUARTER = "2024Q4"


def call(method, path, token, body=None):
    req = urllib.request.Request(url + path, method=method, headers={
        "Authorization": "Bearer " + token, "Content-Type": "application/json"},
        data=json.dumps(body).encode() if body is not None else None)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, None


# The plans where each unit may still write 2024Q4 values (see bench-scale.sh).
plans_of = {}
for line in open(os.path.join(work, "candidates.txt"), encoding="utf-8").read().splitlines():
    if line:
        unit, code = line.split("\t")
        plans_of.setdefault(unit, []).append(code)

rows = []
for unit, token in tokens:
    for code in plans_of.get(unit, [])[:PER_UNIT_PLANS]:
        status, doc = call("GET", f"/p/{code}/api/v1/indicators", token)
        if status != 200:
            continue
        for i in doc["indicators"]:
            latest = (i.get("latest") or {}).get("value")
            if i["reporter"] != unit or latest is None:
                continue
            body = {"indicator": i["id"], "quarter": QUARTER, "value": latest, "source": "统计月报"}
            status, _ = call("POST", f"/p/{code}/api/v1/values", token, body)
            if 200 <= status < 300:
                rows.append({"code": code, "token": token, "unit": unit, "id": i["id"],
                             "value": latest, "whole": latest == int(latest)})
if not rows:
    sys.exit("FAIL: no writable indicator value found for the writers")
json.dump(rows, open(os.path.join(work, "writers.json"), "w"), ensure_ascii=False)
units = len({r["unit"] for r in rows})
plans = len({r["code"] for r in rows})
print(f"writers: {len(rows)} indicators of {units} units in {plans} plans, each unit with its own token")

lua_codes = "codes = {" + ", ".join(f'"{c}"' for c in codes) + "}\n"
seeding = """local counter = 1
local threads = {}
setup = function(thread)
  thread:set("id", counter)
  counter = counter + 1
end
init = function(args)
  math.randomseed(id * 7919 + os.time())
end
"""
for name, path in (("read-pages.lua", "/"), ("read-api.lua", "/api/v1/indicators")):
    with open(os.path.join(work, name), "w", encoding="utf-8") as f:
        f.write(lua_codes + seeding + f"""request = function()
  return wrk.format("GET", "/p/" .. codes[math.random(#codes)] .. "{path}")
end
""")
with open(os.path.join(work, "write.lua"), "w", encoding="utf-8") as f:
    f.write("rows = {" + ", ".join(
        '{"%s", "%s", "%s", %r, %s}' % (r["code"], r["token"], r["id"], r["value"], "true" if r["whole"] else "false")
        for r in rows) + "}\n")
    f.write(seeding + """turn = 0
request = function()
  turn = turn + 1
  local r = rows[math.random(#rows)]
  local v
  if r[5] then v = r[4] + turn % 2 else v = r[4] * (1 + 0.001 * (turn % 3)) end
  local body = string.format('{"indicator":"%s","quarter":"2024Q4","value":%.4f,"source":"统计月报"}', r[3], v)
  return wrk.format("POST", "/p/" .. r[1] .. "/api/v1/values",
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. r[2]}, body)
end
-- Which statuses the writes that did not succeed got, and the first such answer, printed at
-- the end (wrk itself only counts them).
local count_setup = setup
setup = function(thread)
  count_setup(thread)
  table.insert(threads, thread)
end
failed = {}
response = function(status, headers, body)
  if status >= 300 then
    failed[tostring(status)] = (failed[tostring(status)] or 0) + 1
    if first_failure == nil then first_failure = string.sub(body or "", 1, 300) end
  end
end
done = function(summary, latency, requests)
  local by = {}
  local first = nil
  for _, t in ipairs(threads) do
    for k, n in pairs(t:get("failed") or {}) do by[k] = (by[k] or 0) + n end
    first = first or t:get("first_failure")
  end
  local parts = {}
  for k, n in pairs(by) do table.insert(parts, k .. " ×" .. n) end
  table.sort(parts)
  if #parts > 0 then
    print("Writes not 2xx, by status: " .. table.concat(parts, ", ") .. "; the first: " .. first)
  end
end
""")
