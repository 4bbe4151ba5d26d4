#!/usr/bin/env bash
# Tells a newcomer how to reach what `make run` serves.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${PORT:-8000}
key=$(.venv/bin/botsieve dev-key)
users=$(.venv/bin/botsieve users list 2>/dev/null | wc -l)
cat <<EOT

  botsieve is running at http://127.0.0.1:$port
    Dashboard:    http://127.0.0.1:$port/
    API docs:     http://127.0.0.1:$port/docs
    Demo survey:  http://127.0.0.1:$port/demo
  Development secret API key (kept in ${BOTSIEVE_DATA_DIR:-data}/dev_key):
    $key
  Try:  curl -H "Authorization: Bearer $key" http://127.0.0.1:$port/api/v1/dashboard/overview
EOT
if [ "$users" -eq 0 ]; then
  cat <<EOT
  To sign in to the dashboard, create the first admin (in another terminal):
    .venv/bin/botsieve users create --email you@example.org
EOT
else
  echo "  Dashboard users: $users (list them with: .venv/bin/botsieve users list)"
fi
echo
