#!/usr/bin/env bash
# `make bench`: the service's figures on SQLite and PostgreSQL, then the engine's.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
scripts/system-deps.sh
command -v wrk >/dev/null || { apt-get update -qq; apt-get install -y -qq wrk >/dev/null; }

services_dir=$(mktemp -d /tmp/botsieve-bench-services.XXXXXX)
trap 'scripts/services.sh stop "$services_dir"' EXIT
service_urls=$(scripts/services.sh start "$services_dir")  # a failed start stops here
eval "$service_urls"

$BIN/python -m bench.run --workers 2 "$@"
if [ -f bench/engine/__main__.py ]; then
  $BIN/python -m bench.engine
fi
$BIN/python -m bench.readme
