#!/usr/bin/env bash
# Builds the collector and the dashboard when their sources exist, so the service serves them.
set -euo pipefail
cd "$(dirname "$0")/.."
for suite in sdk/js dashboard; do
  if [ -f "$suite/package.json" ]; then
    echo "building $suite"
    (cd "$suite" && npm ci --no-audit --no-fund --loglevel=error && npm run build >/dev/null)
  fi
done
