#!/usr/bin/env bash
# Regenerates the API client's types from the service's OpenAPI schema (as the FastAPI
# full-stack template's scripts/generate-client.sh does): the schema is read from the app
# itself, so no server needs to run. Commit both outputs.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-../.venv/bin/python}
BOTSIEVE_ENV=development BOTSIEVE_DATA_DIR=$(mktemp -d) "$PY" - <<'PY' > src/client/openapi.json
import json
from botsieve.app import create_app
print(json.dumps(create_app().openapi(), indent=1, sort_keys=True))
PY
npx openapi-typescript src/client/openapi.json -o src/client/schema.d.ts
