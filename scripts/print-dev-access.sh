#!/usr/bin/env bash
# Tells a newcomer how to reach what `make run` serves.
set -euo pipefail
cd "$(dirname "$0")/.."
key=$(.venv/bin/botsieve dev-key)
cat <<EOT

  botsieve is starting at http://127.0.0.1:8000
    API docs:     http://127.0.0.1:8000/docs
    Demo survey:  http://127.0.0.1:8000/demo
  Development secret API key (kept in ${BOTSIEVE_DATA_DIR:-data}/dev_key):
    $key
  Try:  curl -H "Authorization: Bearer $key" http://127.0.0.1:8000/api/v1/dashboard/overview

EOT
