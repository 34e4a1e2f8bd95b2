#!/usr/bin/env bash
# The whole PlanWatch test suite: lint, every test tier on SQLite, the PostgreSQL tier against a
# throwaway server on loopback, and (where present) the document and browser tiers.
# Works on a fresh Debian machine as root with only the Rust toolchain and Python 3: it installs
# the Debian packages the tiers need. README.md and .ci/run both call exactly this script.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

say() { printf '\n==> %s\n' "$*"; }

need_pkgs=()
command -v pg_config >/dev/null 2>&1 || need_pkgs+=(postgresql)
command -v pdftotext >/dev/null 2>&1 || need_pkgs+=(poppler-utils)
command -v chromium >/dev/null 2>&1 || need_pkgs+=(chromium)
command -v npm >/dev/null 2>&1 || need_pkgs+=(nodejs npm)
# The durability test opens the SQLite database from outside with the sqlite3 shell.
command -v sqlite3 >/dev/null 2>&1 || need_pkgs+=(sqlite3)
# The TLS test makes a throwaway certificate with openssl and talks to the server with curl.
command -v openssl >/dev/null 2>&1 || need_pkgs+=(openssl)
command -v curl >/dev/null 2>&1 || need_pkgs+=(curl)
# The scale-out tier puts HAProxy in front of two app servers (decision 0065).
command -v haproxy >/dev/null 2>&1 || need_pkgs+=(haproxy)
# The API contract tier installs schemathesis into a virtual environment (Debian splits venv out).
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || need_pkgs+=(python3-venv)
# Document tier (planwatch-docs): free CJK fonts for PDF and charts, LibreOffice to open the docx.
[ -e /usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc ] || need_pkgs+=(fonts-noto-cjk)
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need_pkgs+=(fonts-wqy-microhei)
command -v soffice >/dev/null 2>&1 || need_pkgs+=(libreoffice-writer-nogui)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  say "installing Debian packages: ${need_pkgs[*]}"
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
  else
    echo "FAIL: missing packages ${need_pkgs[*]} and not root" >&2; exit 1
  fi
fi
if ! cargo nextest --version >/dev/null 2>&1; then
  say "installing cargo-nextest"
  cargo install --locked cargo-nextest
fi

say "format and lint"
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings

# A throwaway PostgreSQL on loopback for the PostgreSQL tier.
PGBIN="$(pg_config --bindir)"
PGTMP="$(mktemp -d /tmp/planwatch-pg.XXXXXX)"
PGPORT_TEST="${PGPORT_TEST:-55432}"
cleanup() {
  if [ -f "$PGTMP/data/postmaster.pid" ]; then
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGTMP/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$PGTMP"
}
trap cleanup EXIT
say "starting PostgreSQL on 127.0.0.1:$PGPORT_TEST"
chown postgres:postgres "$PGTMP"
runuser -u postgres -- "$PGBIN/initdb" -D "$PGTMP/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$PGTMP/initdb.log"
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $PGPORT_TEST -k $PGTMP -c max_connections=300 -c fsync=on" start >/dev/null \
  || { echo "FAIL: PostgreSQL did not start; its log:" >&2; cat "$PGTMP/server.log" >&2; exit 1; }
psql -q -h 127.0.0.1 -p "$PGPORT_TEST" -U postgres -v ON_ERROR_STOP=1 \
  -c "CREATE ROLE planwatch LOGIN PASSWORD 'planwatch' CREATEDB" -c "CREATE DATABASE planwatch OWNER planwatch" >/dev/null
export PLANWATCH_TEST_PG_URL="postgres://planwatch:planwatch@127.0.0.1:$PGPORT_TEST/planwatch"

# Notifications (decision 0061): the tests start a real SMTP server (aiosmtpd from PyPI, pinned)
# in a virtual environment of its own; crates/planwatch/tests/notify.rs finds it there.
if ! target/aiosmtpd-venv/bin/python -c 'import aiosmtpd' 2>/dev/null; then
  python3 -m venv target/aiosmtpd-venv
  target/aiosmtpd-venv/bin/pip install --quiet --disable-pip-version-check 'aiosmtpd==1.4.6'
fi
export PLANWATCH_AIOSMTPD_PYTHON="$ROOT/target/aiosmtpd-venv/bin/python"

say "unit, integration and snapshot tests (SQLite, and PostgreSQL via PLANWATCH_TEST_PG_URL)"
export INSTA_UPDATE=no
# The document tier's tools (pdftotext, pdftoppm, soffice) are installed above: require them.
export PLANWATCH_REQUIRE_DOC_TOOLS=1
cargo nextest run --workspace --locked --no-fail-fast 2>&1 | tee "$PGTMP/nextest.log"

say "checking that the PostgreSQL tier ran"
pg_count=$(cargo nextest list --workspace --locked -E 'test(/pg_/)' 2>/dev/null | grep -c 'pg_' || true)
if [ "${PLANWATCH_REQUIRE_PG_TESTS:-1}" = 1 ] && [ -d crates/planwatch-store/tests ] && [ "$pg_count" -eq 0 ]; then
  echo "FAIL: the PostgreSQL tier has no tests (expected tests named pg_*)" >&2; exit 1
fi
echo "PostgreSQL tier: $pg_count tests"

say "browser tier: journeys in headless Chromium against planwatch serve"
(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
cargo build --locked -p planwatch
PLANWATCH_SCREENSHOTS="${PLANWATCH_SCREENSHOTS:-$ROOT/target/screenshots}" \
  tests/browser/run.sh target/debug/planwatch

say "API contract tier: schemathesis against planwatch serve, with a token and with a session"
# schemathesis from PyPI in a virtual environment of its own (pinned; about 1.5 min on 2 cores).
ST_VENV="${PLANWATCH_ST_VENV:-$ROOT/target/schemathesis-venv}"
if ! "$ST_VENV/bin/schemathesis" --version 2>/dev/null | grep -q 'version 4.32.5'; then
  python3 -m venv "$ST_VENV"
  "$ST_VENV/bin/pip" install --quiet --disable-pip-version-check 'schemathesis==4.32.5' 'hypothesis==6.170.27'
fi
tests/api/run.sh target/debug/planwatch "$ST_VENV/bin/schemathesis"

say "scale-out tier: two planwatch serve on one PostgreSQL of its own, behind HAProxy (decision 0065)"
tests/scale/run.sh target/debug/planwatch

say "all tiers passed"
# One plain closing line that CI reads: the Rust test tiers' totals.
sed -n 's/.*Summary \[.*\] \([0-9]*\) tests\{0,1\} run: \([0-9]*\) passed.*/\2/p' "$PGTMP/nextest.log" | tail -1 | {
  read -r passed; echo "rust-tests: ${passed:-0} passed, 0 failed"; }
