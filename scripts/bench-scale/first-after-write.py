#!/usr/bin/env python3
"""The web's first dashboard request of a plan after a data change (every cache of the plan is
stale: the plan's data is read again and assessed), then the next request (served from the
caches), ten times each, against one app server directly.

    first-after-write.py WORK SERVER_URL CODE SESSION
"""
import json
import os
import statistics
import sys
import time
import urllib.request

work, url, code, session = sys.argv[1:5]
writer = json.load(open(os.path.join(work, "writers.json"), encoding="utf-8"))[0]


def get(path):
    req = urllib.request.Request(url + path, headers={"Cookie": f"pw_session={session}"})
    t = time.perf_counter()
    with urllib.request.urlopen(req, timeout=30) as r:
        r.read()
        assert r.status == 200
    return (time.perf_counter() - t) * 1000


def write(k):
    v = writer["value"] + (k % 2 if writer["whole"] else writer["value"] * 0.001 * (k % 3))
    body = {"indicator": writer["id"], "quarter": "2024Q4", "value": v, "source": "统计月报"}
    req = urllib.request.Request(url + f"/p/{writer['code']}/api/v1/values", method="POST",
                                 data=json.dumps(body).encode(), headers={
                                     "Authorization": "Bearer " + writer["token"],
                                     "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        r.read()


first, cached = [], []
get(f"/p/{code}/")
for k in range(1, 11):
    write(k)
    first.append(get(f"/p/{code}/"))
    cached.append(get(f"/p/{code}/"))
print(f"   web, GET /p/{code}/ right after a write (another plan's value): median {statistics.median(first):.1f} ms, "
      f"max {max(first):.1f} ms; the next request: median {statistics.median(cached):.1f} ms")
