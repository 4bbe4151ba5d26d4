"""Survey pages can load the collector from the service itself."""

from __future__ import annotations

from botsieve.collector.endpoints import SCRIPT


async def test_collector_script_is_served_without_a_key(client):
    response = await client.get("/sdk/botsieve.min.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/javascript")
    assert response.content == SCRIPT.read_bytes()
    assert b"botsieve" in response.content
    assert "max-age" in response.headers["cache-control"]
