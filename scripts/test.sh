#!/usr/bin/env bash
# The whole test suite, from a fresh machine: system packages, a virtualenv, pytest (unit, pages,
# real browser), then the practice county (../shared/practice) through the command line.
#
#   bash scripts/test.sh            # everything
#   SKIP_E2E=1 bash scripts/test.sh # without the browser
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

# Debian's Chromium for the browser tests (Playwright's own browser download is not reachable)
# a CJK font so Chinese renders in screenshots, and PostgreSQL 15 + PostGIS 3 for the benchmark
# comparison (the bench test starts and removes a throwaway cluster).
if [ -z "${SKIP_E2E:-}" ] && { [ ! -x /usr/bin/chromium ] || [ ! -d /usr/share/fonts/opentype/noto ] || [ ! -x /usr/lib/postgresql/15/bin/initdb ]; }; then
  if [ "$(id -u)" = "0" ]; then
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
    # PostGIS only widens the benchmark test (it is skipped without it): never fail the run for it
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15-postgis-3 >/dev/null \
      || echo "postgresql-15-postgis-3 not installed: the benchmark test runs without PostGIS" >&2
  else
    echo "need Debian packages chromium and fonts-noto-cjk (run as root or install them)" >&2
  fi
fi

PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -r requirements-dev.txt

# The house rules (pyproject.toml [tool.ruff]): lint only, never a reformat.
.venv/bin/ruff check . || { echo "ruff check . found problems (see above)" >&2; exit 1; }

export TZ=Asia/Shanghai LIANXIN_FAST_HASH=1
unset LIANXIN_DB LIANXIN_TODAY
# The practice county: every import and report through manage.py against independent answers.
KIT="$ROOT/../shared/practice/run.sh"
if [ -f "$KIT" ]; then
  PRACTICE_PYTHON="$ROOT/.venv/bin/python" bash "$KIT" "$ROOT" | tee /tmp/lianxin-practice.log
  tail -n 1 /tmp/lianxin-practice.log | grep -q " 0 failed" || { echo "practice kit failed" >&2; exit 1; }
else
  echo "practice kit not found at $KIT: skipped"
fi

# pytest last, so its summary is the closing line
PYTEST_ARGS=(-q -p no:cacheprovider)
if [ -n "${SKIP_E2E:-}" ]; then PYTEST_ARGS+=(--ignore=tests/e2e); fi
.venv/bin/python -m pytest "${PYTEST_ARGS[@]}" tests
