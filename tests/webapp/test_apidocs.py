"""/docs and /redoc load every script, style and font from the service itself."""

from __future__ import annotations

import re

import pytest

URL = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""")
ABSOLUTE = re.compile(r"""https?://""")


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
async def test_documentation_pages_reference_only_their_own_origin(client, page):
    response = await client.get(page)
    assert response.status_code == 200
    html = response.text
    assert not ABSOLUTE.search(html), ABSOLUTE.findall(html)
    urls = URL.findall(html)
    assert urls, "the page loads its assets"
    for url in urls:
        asset = await client.get(url)
        assert asset.status_code == 200, url
        assert len(asset.content) > 1000, url
        assert asset.headers["content-type"].split(";")[0] in (
            "application/javascript",
            "text/css",
            "image/png",
        )


async def test_the_docs_point_at_the_served_schema(client):
    html = (await client.get("/docs")).text
    assert "'/openapi.json'" in html or '"/openapi.json"' in html
    assert (await client.get("/openapi.json")).json()["info"]["title"] == "botsieve"


async def test_unknown_assets_get_the_error_shape(client):
    # Only the known files: a name that climbs out of the folder is just an unknown name.
    climbing = await client.get("/docs/assets/..%2F__init__.py")
    assert climbing.status_code == 404
    missing = await client.get("/docs/assets/nothing.js")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"]


async def test_the_bundles_fetch_nothing_from_elsewhere(client):
    redoc = (await client.get("/docs/assets/redoc.standalone.js")).text
    assert "cdn.redoc.ly" not in redoc
    assert "validatorUrl" in (await client.get("/docs")).text
