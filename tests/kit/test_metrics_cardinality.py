"""Callers without credentials cannot mint Prometheus series: labels come from route templates."""

from __future__ import annotations

import uuid

from prometheus_client import REGISTRY, generate_latest

SESSION = "/api/v1/detection/sessions"


def _series() -> set[str]:
    text = generate_latest(REGISTRY).decode()
    return {
        line.rsplit(" ", 1)[0] for line in text.splitlines() if line.startswith("botsieve_http")
    }


async def _probe(client) -> str:
    """One round of unauthenticated requests, each carrying fresh random values."""
    marker = uuid.uuid4()
    for path in (
        f"/{marker.hex}",
        f"/api/v1/{marker.hex}/x",
        f"{SESSION}/{str(marker).upper()}/status",
        f"{SESSION}/{marker.hex}/status",
        f"{SESSION}/{marker}/status",
        f"/api/v1/integrations/qualtrics/events/{marker.hex}",
        f"/assets/{marker.hex}.js",
        f"/health/{marker.hex}",
    ):
        await client.get(path)
        await client.post(path, json={})
    await client.post(f"{SESSION}/{str(marker).upper()}/events", json={"events": []})
    await client.request(f"X{marker.hex[:8].upper()}", f"{SESSION}/{marker}/status")
    await client.request("PROPFIND", "/")
    return marker.hex


async def test_unauthenticated_requests_add_no_series_after_the_first_round(client):
    await _probe(client)
    settled = _series()
    markers = [await _probe(client) for _ in range(3)]
    grown = _series() - settled
    assert not grown, f"new series from unauthenticated requests: {sorted(grown)[:10]}"
    text = generate_latest(REGISTRY).decode().lower()
    assert not any(m[:12] in text for m in markers), "a caller's URL reached a label"


async def test_a_matched_route_is_labelled_by_its_template(client):
    await client.get(f"{SESSION}/{uuid.uuid4()}/status")
    labels = "\n".join(_series())
    assert 'route="/api/v1/detection/sessions/{session_id}/status"' in labels


async def test_unknown_paths_share_one_label(client):
    routes, before = set(), _series()
    for _ in range(2):
        await client.get(f"/{uuid.uuid4().hex}/nowhere")
        await client.request("PATCH", f"/{uuid.uuid4().hex}")
        grown = [s for s in _series() - before if "route=" in s]
        routes |= {s.split('route="', 1)[1].split('"', 1)[0] for s in grown}
    # Unknown GETs reach the dashboard's catch-all (/{path}); anything else is "unmatched".
    assert routes and routes <= {"/{path}", "unmatched"}, routes
