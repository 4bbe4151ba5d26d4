"""/docs (Swagger UI) and /redoc, with their scripts and styles served by the service itself.

FastAPI's own pages load them from a CDN (and ReDoc Google's fonts), which leaves the pages
blank on a server without internet and puts third-party scripts on the dashboard login's
origin. The assets come from the ``fastapi-offline`` package, which ships them as files.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse, Response

from botsieve.kit.errors import NotFound

ASSETS = Path(fastapi_offline.__file__).resolve().parent / "static"
PREFIX = "/docs/assets"
FILES = {
    "swagger-ui-bundle.js": "application/javascript",
    "swagger-ui.css": "text/css",
    "redoc.standalone.js": "application/javascript",
    "favicon.png": "image/png",
}
# The one address the shipped bundles would still fetch from elsewhere: ReDoc's footer logo.
# Pointed at the served icon instead.
REWRITES = {
    "redoc.standalone.js": (
        b"https://cdn.redoc.ly/redoc/logo-mini.svg",
        PREFIX.encode() + b"/favicon.png",
    )
}


@cache
def _asset(name: str) -> bytes:
    body = (ASSETS / name).read_bytes()
    if name in REWRITES:
        body = body.replace(*REWRITES[name])
    return body


def install(app: FastAPI) -> None:
    """Serve the two documentation pages; create the app with docs_url=None, redoc_url=None."""
    title = f"{app.title} API"
    openapi_url = app.openapi_url or "/openapi.json"
    redirect = "/docs/oauth2-redirect"

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=title,
            oauth2_redirect_url=redirect,
            swagger_js_url=f"{PREFIX}/swagger-ui-bundle.js",
            swagger_css_url=f"{PREFIX}/swagger-ui.css",
            swagger_favicon_url=f"{PREFIX}/favicon.png",
            # No schema validator badge: it would send the schema's address to swagger.io.
            swagger_ui_parameters={"validatorUrl": None},
        )

    @app.get(redirect, include_in_schema=False)
    async def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=openapi_url,
            title=title,
            redoc_js_url=f"{PREFIX}/redoc.standalone.js",
            redoc_favicon_url=f"{PREFIX}/favicon.png",
            with_google_fonts=False,
        )

    @app.get(PREFIX + "/{name}", include_in_schema=False)
    async def asset(name: str) -> Response:
        if name not in FILES:
            raise NotFound(f"No documentation asset named {name!r}.")
        return Response(
            _asset(name),
            media_type=FILES[name],
            headers={"Cache-Control": "public, max-age=86400"},
        )
