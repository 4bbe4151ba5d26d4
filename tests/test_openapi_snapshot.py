"""The dashboard's typed API client is generated from a copy of the OpenAPI schema; the copy
must be the schema the service serves (regenerate: dashboard/scripts/generate-client.sh)."""

from __future__ import annotations

import json
from pathlib import Path

from botsieve.app import create_app
from botsieve.kit.settings import Settings

SNAPSHOT = Path(__file__).resolve().parents[1] / "dashboard" / "src" / "client" / "openapi.json"


def test_the_dashboard_client_is_generated_from_the_current_schema(settings: Settings) -> None:
    served = json.loads(json.dumps(create_app(settings).openapi(), sort_keys=True))
    assert served == json.loads(SNAPSHOT.read_text()), (
        "dashboard/src/client/openapi.json is stale: run dashboard/scripts/generate-client.sh"
    )
