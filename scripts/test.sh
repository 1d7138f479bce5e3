#!/usr/bin/env bash
# The whole test suite, from a fresh machine, on both stores: system packages, a virtualenv, then
# the practice county (../shared/practice) through the command line and pytest (unit, pages, real
# browser) — first on the DuckDB file, then on PostgreSQL 15 + PostGIS 3 in a throwaway cluster.
#
#   bash scripts/test.sh                 # everything
#   SKIP_E2E=1 bash scripts/test.sh      # without the browser
#   STORES=duckdb bash scripts/test.sh   # one store only (duckdb or postgres)
#   WORKERS=1 bash scripts/test.sh       # pytest in one process (default: 2, pytest-xdist)
#
# Time (CI's budget is 30 minutes on a fresh 2-core machine): pytest runs in WORKERS processes
# (pytest-xdist, a test file stays on one worker; the longest files first, tests/conftest.py
# LONG_FILES, so that neither worker idles at the end of a round); the practice kit of every store runs in the
# background meanwhile (it only calls manage.py), and its result is awaited before the summary.
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

# The house rules (pyproject.toml [tool.ruff]): the linter, then the formatter's check.
.venv/bin/ruff check . || { echo "ruff check . found problems (see above)" >&2; exit 1; }
.venv/bin/ruff format --check . || { echo "ruff format --check . would reformat files: run ruff format ." >&2; exit 1; }

export TZ=Asia/Shanghai LIANXIN_FAST_HASH=1
unset LIANXIN_DB LIANXIN_TODAY LIANXIN_TEST_STORE LIANXIN_TEST_PG LIANXIN_KIT_DB LIANXIN_DB_REPLICA
KIT="$ROOT/../shared/practice/run.sh"
WORKERS="${WORKERS:-2}"
PYTEST_ARGS=(-q -p no:cacheprovider --durations=15)
if [ "$WORKERS" != "1" ]; then PYTEST_ARGS+=(-n "$WORKERS" --dist loadfile --no-loadscope-reorder); fi
if [ -n "${SKIP_E2E:-}" ]; then PYTEST_ARGS+=(--ignore=tests/e2e); fi

PG_DIR=""
KIT_PID=""
cleanup() {
  if [ -n "$KIT_PID" ]; then kill "$KIT_PID" 2>/dev/null || true; fi
  if [ -n "$PG_DIR" ]; then .venv/bin/python -m store.cluster stop "$PG_DIR" || true; fi
}
trap cleanup EXIT

PG_URL=""
if [[ " $STORES " == *" postgres "* ]]; then
  # a throwaway cluster on 127.0.0.1 at a free port (trust authentication, fsync off), removed on exit
  read -r PG_URL PG_DIR < <(.venv/bin/python -m store.cluster start)
fi

# The practice county: every import and report through manage.py against independent answers,
# on each store in turn, in the background while pytest runs.
kits() {
  for store in $STORES; do
    log="/tmp/lianxin-practice-$store.log"
    if [ "$store" = "postgres" ]; then
      LIANXIN_KIT_DB="${PG_URL%/*}/kit_{name}" PRACTICE_PYTHON="$ROOT/.venv/bin/python" bash "$KIT" "$ROOT" >"$log" 2>&1 || true
    else
      PRACTICE_PYTHON="$ROOT/.venv/bin/python" bash "$KIT" "$ROOT" >"$log" 2>&1 || true
    fi
  done
}
if [ -f "$KIT" ]; then
  kits & KIT_PID=$!
else
  echo "practice kit not found at $KIT: skipped"
fi

failed=()
summaries=()
for store in $STORES; do
  echo "=== pytest on store: $store ($WORKERS workers)"
  if [ "$store" = "postgres" ]; then
    export LIANXIN_TEST_STORE=postgres LIANXIN_TEST_PG="$PG_URL"
  fi
  log="/tmp/lianxin-pytest-$store.log"
  started=$SECONDS
  if .venv/bin/python -m pytest "${PYTEST_ARGS[@]}" tests 2>&1 | tee "$log"; then :; else failed+=("pytest on $store"); fi
  summaries+=("pytest on $store: $(tail -n 1 "$log") [$((SECONDS - started)) s wall]")
done

if [ -n "$KIT_PID" ]; then
  wait "$KIT_PID" || true
  KIT_PID=""
  for store in $STORES; do
    log="/tmp/lianxin-practice-$store.log"
    echo "=== practice kit on store: $store"
    cat "$log"
    if tail -n 1 "$log" | grep -q " 0 failed"; then :; else failed+=("practice kit on $store"); fi
    summaries+=("practice kit on $store: $(tail -n 1 "$log")")
  done
fi

echo "=== summary ($SECONDS s in all)"
printf '%s\n' "${summaries[@]}"
if [ "${#failed[@]}" -gt 0 ]; then
  echo "FAILED: ${failed[*]}" >&2
  exit 1
fi
