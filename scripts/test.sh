#!/usr/bin/env bash
# The whole test suite, from a fresh machine, on both stores: system packages, a virtualenv, then
# the practice county (../shared/practice) through the command line and pytest (unit, pages, real
# browser) — first on the DuckDB file, then on PostgreSQL 15 + PostGIS 3 in a throwaway cluster.
#
#   bash scripts/test.sh                 # everything
#   SKIP_E2E=1 bash scripts/test.sh      # without the browser
#   STORES=duckdb bash scripts/test.sh   # one store only (duckdb or postgres)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
STORES="${STORES:-duckdb postgres}"

# Debian's Chromium for the browser tests (Playwright's own browser download is not reachable),
# a CJK font so Chinese renders in screenshots, PostgreSQL 15 + PostGIS 3 (the second store, and
# the benchmark's comparison) and nginx (several app processes behind one address).
need_apt=""
if [ -z "${SKIP_E2E:-}" ] && { [ ! -x /usr/bin/chromium ] || [ ! -d /usr/share/fonts/opentype/noto ]; }; then
  need_apt="chromium fonts-noto-cjk"
fi
if [ ! -x /usr/lib/postgresql/15/bin/initdb ] || [ ! -f /usr/share/postgresql/15/extension/postgis.control ]; then
  need_apt="$need_apt postgresql-15-postgis-3"
fi
if [ ! -x /usr/sbin/nginx ]; then
  need_apt="$need_apt nginx"
fi
if [ -n "$need_apt" ]; then
  if [ "$(id -u)" = "0" ]; then
    apt-get update -qq >/dev/null
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need_apt >/dev/null
  else
    echo "need Debian packages:$need_apt (run as root or install them)" >&2
  fi
fi

PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -r requirements-dev.txt

export TZ=Asia/Shanghai LIANXIN_FAST_HASH=1
unset LIANXIN_DB LIANXIN_TODAY LIANXIN_TEST_STORE LIANXIN_TEST_PG LIANXIN_KIT_DB LIANXIN_DB_REPLICA
KIT="$ROOT/../shared/practice/run.sh"
PYTEST_ARGS=(-q -p no:cacheprovider)
if [ -n "${SKIP_E2E:-}" ]; then PYTEST_ARGS+=(--ignore=tests/e2e); fi

PG_DIR=""
cleanup() { if [ -n "$PG_DIR" ]; then .venv/bin/python -m store.cluster stop "$PG_DIR" || true; fi; }
trap cleanup EXIT

failed=()
summaries=()
for store in $STORES; do
  echo "=== store: $store"
  if [ "$store" = "postgres" ]; then
    # a throwaway cluster on 127.0.0.1 at a free port (trust authentication, fsync off), removed on exit
    read -r PG_URL PG_DIR < <(.venv/bin/python -m store.cluster start)
    export LIANXIN_TEST_STORE=postgres LIANXIN_TEST_PG="$PG_URL"
    export LIANXIN_KIT_DB="${PG_URL%/*}/kit_{name}"
  fi
  # The practice county: every import and report through manage.py against independent answers.
  if [ -f "$KIT" ]; then
    log="/tmp/lianxin-practice-$store.log"
    PRACTICE_PYTHON="$ROOT/.venv/bin/python" bash "$KIT" "$ROOT" | tee "$log" || true
    if tail -n 1 "$log" | grep -q " 0 failed"; then
      summaries+=("practice kit on $store: $(tail -n 1 "$log")")
    else
      failed+=("practice kit on $store"); summaries+=("practice kit on $store: $(tail -n 1 "$log")")
    fi
  else
    echo "practice kit not found at $KIT: skipped"
  fi
  log="/tmp/lianxin-pytest-$store.log"
  if .venv/bin/python -m pytest "${PYTEST_ARGS[@]}" tests 2>&1 | tee "$log"; then :; else failed+=("pytest on $store"); fi
  summaries+=("pytest on $store: $(tail -n 1 "$log")")
done

echo "=== summary"
printf '%s\n' "${summaries[@]}"
if [ "${#failed[@]}" -gt 0 ]; then
  echo "FAILED: ${failed[*]}" >&2
  exit 1
fi
