#!/usr/bin/env python3
"""The scale-out tier's checks (tests/scale/run.sh starts everything; decision 0065).

  check.py plan SOURCE.json OUT.json   the plan moved to the years around today; prints
                                        "UNTIL PERIODS": the quarter the demo reports stop at and
                                        the periods whose reminders are due today (comma-separated)
  check.py run                          the checks, configured by run.sh's environment

Standard library only. Any failed check raises and ends the run with "FAIL: what and where".
"""
import csv
import datetime
import http.client
import io
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse

PASSWORD = "planwatch-demo"
LIMIT = 2.0  # seconds: every request while the database is away (issue 17)
CHINA = datetime.timezone(datetime.timedelta(hours=8))


class Fail(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Fail(msg)


# ---------------------------------------------------------------- the plan
def quarter_end(year, q):
    month = q * 3
    first_of_next = datetime.date(year + (month == 12), 1 if month == 12 else month + 1, 1)
    return first_of_next - datetime.timedelta(days=1)


def plan(source, out):
    """The periods of the moved plan whose reminders are due: a deadline (10 days after the
    quarter, the default) from 3 days ahead back to 92 days ago, as the scheduler decides."""
    doc = json.load(open(source, encoding="utf-8"))
    today = datetime.datetime.now(CHINA).date()
    doc["period"] = {"start": today.year - 1, "end": today.year + 1}
    with open(out, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False)
    quarters = [(y, q) for y in range(today.year - 1, today.year + 2) for q in range(1, 5)]
    due = [
        i
        for i, (y, q) in enumerate(quarters)
        if -92 <= (quarter_end(y, q) + datetime.timedelta(days=10) - today).days <= 3
    ]
    check(due and due[0] > 0, f"no reminder period due on {today}")
    name = lambda i: "%dQ%d" % quarters[i]  # noqa: E731
    print(name(due[0] - 1), ",".join(name(i) for i in due))


# ---------------------------------------------------------------- HTTP
class Answer:
    def __init__(self, status, headers, body, took):
        self.status, self.headers, self.body, self.took = status, headers, body, took

    def header(self, name):
        values = self.headers.get(name.lower())
        return values[0] if values else None

    def cookies(self):
        out = {}
        for v in self.headers.get("set-cookie", []):
            name, _, rest = v.partition("=")
            out[name.strip()] = rest.split(";", 1)[0]
        return out


def request(base, method, path, headers=None, body=None, timeout=15):
    u = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
    started = time.monotonic()
    try:
        conn.request(method, path, body=body.encode() if isinstance(body, str) else body,
                     headers=headers or {})
        r = conn.getresponse()
        data = r.read()
    except (OSError, http.client.HTTPException) as e:
        raise Fail(f"{method} {base}{path}: no answer ({e!r}) after {time.monotonic() - started:.2f} s")
    finally:
        conn.close()
    took = time.monotonic() - started
    headers_out = {}
    for k, v in r.getheaders():
        headers_out.setdefault(k.lower(), []).append(v)
    return Answer(r.status, headers_out, data.decode("utf-8", "replace"), took)


def csrf_of(html, where):
    m = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    check(m, f"{where}: no form with a CSRF token")
    return m.group(1)


def form(fields):
    return urllib.parse.urlencode(fields)


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def sign_in(base, username):
    """Signs in through `base`; returns the session cookie's value."""
    page = request(base, "GET", "/login")
    check(page.status == 200, f"GET {base}/login: {page.status}")
    pre = page.cookies().get("pw_pre")
    check(pre, f"{base}/login set no pw_pre cookie")
    r = request(base, "POST", "/login", {**FORM, "Cookie": f"pw_pre={pre}"},
                form({"csrf": csrf_of(page.body, base + "/login"), "username": username,
                      "password": PASSWORD, "next": "/"}))
    check(r.status == 303, f"signing in as {username} through {base}: {r.status} {r.body[:300]}")
    session = r.cookies().get("pw_session")
    check(session, f"signing in as {username} through {base} set no session cookie")
    return session


def page(base, path, session):
    return request(base, "GET", path, {"Cookie": f"pw_session={session}"})


def api(base, method, path, token, doc=None):
    headers = {"Authorization": f"Bearer {token}"}
    body = None
    if doc is not None:
        headers["Content-Type"] = "application/json"
        body = json.dumps(doc, ensure_ascii=False)
    return request(base, method, path, headers, body)


# ---------------------------------------------------------------- the checks
class Tier:
    def __init__(self):
        env = os.environ
        self.a, self.b, self.lb = env["A_URL"], env["B_URL"], env["LB_URL"]
        self.servers = {"A": self.a, "B": self.b, "LB": self.lb}
        self.stats = env["STATS_URL"]
        self.mail_log = env["MAIL_LOG"]
        self.expected_mails = int(env["EXPECTED_MAILS"])
        self.server_logs = env["SERVER_LOGS"].split()
        self.pg_stop, self.pg_start = env["PG_STOP"], env["PG_START"]

    # a. one database behind both servers
    def setup_and_values(self):
        self.office = sign_in(self.a, "office")
        tokens = page(self.a, "/api-tokens", self.office)
        check(tokens.status == 200, f"A /api-tokens: {tokens.status}")
        made = request(self.a, "POST", "/api-tokens",
                       {**FORM, "Cookie": f"pw_session={self.office}"},
                       form({"csrf": csrf_of(tokens.body, "A /api-tokens"), "unit": "市科技局",
                             "name": "scale-tier", "read": "on", "write": "on"}))
        m = re.search(r'<pre class="json">([0-9a-f]{64})', made.body)
        check(made.status == 200 and m, f"A: no API token from the 接口令牌 page ({made.status})")
        self.token = m.group(1)
        # The unit's overdue report (the period the reminders are about) and one of its indicators.
        todo = api(self.a, "GET", "/api/v1/todo", self.token)
        check(todo.status == 200, f"A /api/v1/todo: {todo.status} {todo.body[:300]}")
        item = next((i for i in json.loads(todo.body)["items"] if i["kind"] == "overdue"), None)
        check(item, f"市科技局 has no overdue report to write to: {todo.body[:500]}")
        self.report, self.quarter = item["link"], item["period"]
        inds = api(self.a, "GET", "/api/v1/indicators", self.token)
        check(inds.status == 200, f"A /api/v1/indicators: {inds.status}")
        ind = next((i for i in json.loads(inds.body)["indicators"]
                    if i["reporter"] == "市科技局" and i["unit"] == "%"), None)
        check(ind, "市科技局 reports no percentage indicator")
        self.indicator = ind["id"]
        self.write_and_read(self.a, [self.b, self.lb], 2.37, "a")

    def write_and_read(self, via, readers, value, label):
        text = f"{value:.2f}"
        for base in readers:
            before = page(base, self.report, self.office)
            check(before.status == 200, f"{base}{self.report}: {before.status}")
            check(not re.search(rf"(?<![0-9.]){re.escape(text)}(?![0-9])", before.body),
                  f"{base}{self.report} shows {text} before it was written")
        w = api(via, "POST", "/api/v1/values", self.token,
                {"indicator": self.indicator, "quarter": self.quarter, "value": value,
                 "source": "规模测试", "note": f"经由 {via} 写入"})
        check(w.status == 200, f"writing {self.indicator} {self.quarter} = {value} through {via}: "
                               f"{w.status} {w.body[:400]}")
        for base in readers:
            after = page(base, self.report, self.office)
            check(after.status == 200 and re.search(rf"(?<![0-9.]){re.escape(text)}(?![0-9])", after.body),
                  f"({label}) {value} written through {via} is not on {base}{self.report} at once "
                  f"({after.status})")
        print(f"scale tier ({label}): {self.indicator} {self.quarter} = {text} written through {via}, "
              f"read at once through {', '.join(readers)}")

    # b. sessions across servers
    def sessions(self):
        for name, base in self.servers.items():
            for _ in range(2):  # through the balancer: both servers in turn
                r = page(base, "/account", self.office)
                check(r.status == 200 and "办公室王主任" in r.body,
                      f"(b) the session made on A does not work on {name}: {r.status}")
        leader = sign_in(self.b, "leader")
        r = page(self.a, "/account", leader)
        check(r.status == 200 and "李市长" in r.body, f"(b) a session made on B does not work on A: {r.status}")
        acct = page(self.a, "/account", leader)
        out = request(self.a, "POST", "/logout", {**FORM, "Cookie": f"pw_session={leader}"},
                      form({"csrf": csrf_of(acct.body, "A /account")}))
        check(out.status in (303, 200), f"signing out through A: {out.status}")
        r = page(self.b, "/account", leader)
        check(r.status == 303 and "/login" in (r.header("location") or ""),
              f"(b) a session ended on A still works on B: {r.status}")
        print("scale tier (b): a session made on A works on B and through HAProxy; one ended on A "
              "is refused on B at once")

    # c. scheduled reminders go out once
    def mails(self):
        return [json.loads(line) for line in open(self.mail_log, encoding="utf-8")
                if line.startswith("{") and '"type": "mail"' in line]

    def reminders(self):
        check(self.expected_mails > 0, "(c) the dry run expects no reminder e-mail: nothing to check")
        deadline = time.monotonic() + 90
        while len(self.mails()) < self.expected_mails and time.monotonic() < deadline:
            time.sleep(0.5)
        # Time for a second sender round on either server (each wakes at least every 30 s) to
        # send anything twice.
        time.sleep(35)
        mails = self.mails()
        keys = [(tuple(m["rcpt_tos"]), m["subject"]) for m in mails]
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        check(not dupes, f"(c) reminders sent more than once: {dupes}")
        check(len(mails) == self.expected_mails,
              f"(c) {len(mails)} reminder e-mails reached the SMTP server, expected {self.expected_mails}")
        check(all("提醒" in m["subject"] for m in mails), f"(c) not reminders: {[m['subject'] for m in mails]}")
        senders = [log for log in self.server_logs if "定时提醒已发送" in open(log, encoding="utf-8").read()]
        check(len(senders) == 1, f"(c) {len(senders)} servers sent the daily reminders, expected one")
        which = "A" if senders[0] == self.server_logs[0] else "B"
        print(f"scale tier (c): {len(mails)} reminder e-mails, each once, scheduled on both servers "
              f"and sent by server {which} only")

    # d. the database stopped, then back
    def haproxy_states(self):
        u = urllib.parse.urlsplit(self.stats)
        r = request(f"{u.scheme}://{u.netloc}", "GET", u.path)
        rows = list(csv.reader(io.StringIO(r.body.lstrip("# "))))
        head = rows[0]
        return {row[head.index("svname")]: row[head.index("status")]
                for row in rows[1:] if row and row[0] == "app" and row[1] in ("a", "b")}

    def wait_states(self, want, limit):
        started = time.monotonic()
        while True:
            states = self.haproxy_states()
            if all(s.startswith(want) for s in states.values()) and len(states) == 2:
                return time.monotonic() - started
            check(time.monotonic() - started < limit,
                  f"(d) HAProxy has not marked both servers {want} within {limit} s: {states}")
            time.sleep(0.1)

    def outage(self):
        run(self.pg_stop)
        print("scale tier (d): PostgreSQL stopped (pg_ctl stop -m fast)")
        stopped = time.monotonic()
        worst = {}
        count = 0
        # Every kind of request through A, B and the balancer, over and over for 5 s: while the
        # servers find out, and after HAProxy has marked them down.
        while time.monotonic() - stopped < 5:
            for name, base in self.servers.items():
                for kind, ans in self.unavailable_answers(base):
                    check(ans.took < LIMIT, f"(d) {kind} through {name} took {ans.took:.2f} s")
                    worst[(name, kind)] = max(worst.get((name, kind), 0), ans.took)
                    count += 1
        took = self.wait_states("DOWN", 5)
        print(f"scale tier (d): {count} requests while PostgreSQL was down, every one 503 "
              f"(healthz non-200) in under {LIMIT:.0f} s; slowest per server and kind:")
        for (name, kind), t in sorted(worst.items()):
            print(f"    {name:2} {kind:28} {t * 1000:7.1f} ms")
        print(f"scale tier (d): HAProxy marks both servers DOWN ({took:.1f} s after the requests above)")

        run(self.pg_start)
        started = time.monotonic()
        print("scale tier (d): PostgreSQL started again")
        back = {}
        while len(back) < 3:
            for name, base in self.servers.items():
                if name not in back and request(base, "GET", "/healthz").status == 200:
                    back[name] = time.monotonic() - started
            check(time.monotonic() - started < 15, f"(d) /healthz not 200 15 s after PostgreSQL "
                                                   f"started again: back so far {back}")
            time.sleep(0.1)
        up = self.wait_states("UP", 10)
        print("scale tier (d): /healthz 200 again without restarting anything: "
              + ", ".join(f"{n} after {t:.1f} s" for n, t in back.items())
              + f"; HAProxy marks both UP {up:.1f} s later")
        for name, base in self.servers.items():
            r = page(base, "/account", self.office)
            check(r.status == 200, f"(d) the session does not work on {name} after the outage: {r.status}")
        self.write_and_read(self.lb, [self.a, self.b, self.lb], 2.43, "d")

    def unavailable_answers(self, base):
        # A page of a signed-in person.
        r = page(base, "/account", self.office)
        check(r.status == 503, f"(d) {base}/account: {r.status}, expected 503")
        check((r.header("content-type") or "").startswith("text/html"),
              f"(d) {base}/account: {r.header('content-type')}")
        check("服务暂时不可用" in r.body and "数据库暂时无法访问" in r.body,
              f"(d) {base}/account: the 503 page does not say so in Chinese: {r.body[:300]}")
        check(r.header("retry-after"), f"(d) {base}/account: no Retry-After")
        yield "page GET /account", r
        # Signing in.
        r = request(base, "GET", "/login")
        yield "page GET /login", r
        # API read and write with a token.
        for method, doc in (("GET", None), ("POST", {"indicator": self.indicator,
                                                      "quarter": self.quarter, "value": 2.5})):
            path = "/api/v1/indicators" if method == "GET" else "/api/v1/values"
            r = api(base, method, path, self.token, doc)
            check(r.status == 503, f"(d) {method} {base}{path}: {r.status}, expected 503")
            check(r.header("content-type") == "application/problem+json",
                  f"(d) {method} {base}{path}: {r.header('content-type')}")
            p = json.loads(r.body)
            check(p.get("status") == 503 and p.get("title") == "服务暂时不可用"
                  and "数据库暂时无法访问" in p.get("detail", ""),
                  f"(d) {method} {base}{path}: not the Chinese problem: {r.body[:300]}")
            check(r.header("retry-after"), f"(d) {method} {base}{path}: no Retry-After")
            yield f"api {method} {path}", r
        r = request(base, "GET", "/healthz")
        check(r.status != 200, f"(d) {base}/healthz: 200 while PostgreSQL is stopped")
        yield "GET /healthz", r


def run(cmd):
    done = subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=60)
    check(done.returncode == 0, f"{cmd}: exit {done.returncode}\n{done.stdout}\n{done.stderr}")


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "plan":
        plan(sys.argv[2], sys.argv[3])
        return 0
    if sys.argv[1:] != ["run"]:
        print(__doc__, file=sys.stderr)
        return 2
    t = Tier()
    t.setup_and_values()
    t.sessions()
    t.reminders()
    t.outage()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Fail as e:
        print(f"FAIL: {e}", file=sys.stderr)
        sys.exit(1)
