#!/usr/bin/env python3
"""One plan's dashboard in the web after data changes, against one app server directly, ten
times each:

- right after a write to another plan (a value through the API): with a data version per plan
  (decision 0066) the plan's caches stay valid unless it reads that plan's values;
- right after a sign-in (an access row: it moves no plan's version, decision 0067);
- right after a write to the plan itself: its full load — its data read again and assessed —
  and the page rendered anew;
- the next request (served from the caches).

    first-after-write.py WORK SERVER_URL CODE SESSION
"""
import http.cookiejar
import json
import os
import re
import statistics
import sys
import time
import urllib.parse
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


def sign_in():
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(url + "/login", timeout=30) as r:
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', r.read().decode()).group(1)
    form = urllib.parse.urlencode({"csrf": csrf, "username": "office",
                                   "password": "planwatch-demo"}).encode()
    with opener.open(url + "/login", data=form, timeout=30) as r:
        r.read()


after_write, after_sign_in, after_own, cached = [], [], [], []
get(f"/p/{code}/")
own = writer["code"]
for k in range(1, 11):
    write(k)
    after_write.append(get(f"/p/{code}/"))
    sign_in()
    after_sign_in.append(get(f"/p/{code}/"))
    cached.append(get(f"/p/{code}/"))
    write(k + 1)
    after_own.append(get(f"/p/{own}/"))


def show(xs):
    return f"median {statistics.median(xs):.1f} ms, max {max(xs):.1f} ms"


print(f"   web, GET /p/{code}/ right after a write to plan {own}: {show(after_write)}")
print(f"   web, GET /p/{code}/ right after a sign-in: {show(after_sign_in)}")
print(f"   web, GET /p/{code}/ the next request (cached): {show(cached)}")
print(f"   web, GET /p/{own}/ right after a write to that plan (its full load and render): {show(after_own)}")
