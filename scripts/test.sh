#!/usr/bin/env bash
# Every suite: lint and types, Python tests on SQLite and on PostgreSQL with Redis, then the
# collector's and the dashboard's suites in Chromium, and the collector in real browsers
# (Chromium, Firefox, WebKit) with no automation. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
scripts/system-deps.sh

services_dir=$(mktemp -d /tmp/botsieve-services.XXXXXX)
trap 'scripts/services.sh stop "$services_dir"' EXIT
# Assigned first: a failed start (a port already taken) stops the run here, where eval alone
# would go on and test against whatever answers on those ports.
service_urls=$(scripts/services.sh start "$services_dir")
eval "$service_urls"

echo "== lint and types"
$BIN/ruff check src tests bench sdk/python
$BIN/ruff format --check src tests bench sdk/python
$BIN/mypy
$BIN/mypy sdk/python/src

echo "== Python tests on SQLite"
BOTSIEVE_TEST_DATABASE=sqlite $BIN/pytest tests

echo "== Python tests on PostgreSQL 15 with Redis 7"
BOTSIEVE_TEST_DATABASE=postgresql $BIN/pytest tests -m "not engine_only"

echo "== Python client (sdk/python), against a live service"
$BIN/pytest sdk/python/tests

root=$(pwd)
for suite in sdk/js dashboard; do
  if [ -f "$suite/package.json" ]; then
    echo "== $suite"
    (cd "$suite" && npm ci --no-audit --no-fund --loglevel=error && npm run build && npm test)
    if grep -q '"e2e"' "$suite/package.json"; then
      (cd "$suite" && BOTSIEVE_BIN="$root/$BIN/botsieve" npm run e2e)
    fi
    if grep -q '"browsers"' "$suite/package.json"; then
      echo "== $suite in real browsers without automation (Xvfb)"
      (cd "$suite" && BOTSIEVE_BIN="$root/$BIN/botsieve" npm run browsers)
    fi
  fi
done
echo "== all suites passed"
