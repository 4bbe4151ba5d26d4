"""The dashboard's static files, and index.html for its client-side routes.

Looked for in the checkout's ``dashboard/dist``, else in ``botsieve/webapp/static`` (where an
image build copies it, as package data). Registered after every other route, for GET and HEAD
only; it never answers for the service's own paths (``/api``, ``/docs``, ``/openapi.json``,
``/health``, ``/metrics``, ``/demo``, ``/sdk``), which keep their 404 and 405 replies.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from starlette.exceptions import HTTPException
from starlette.routing import Match


def _find_dist() -> Path:
    """The repository's fresh build when running from a checkout, else the packaged copy."""
    checkout = Path(__file__).resolve().parents[3] / "dashboard" / "dist"
    packaged = Path(__file__).resolve().parent / "static"
    return checkout if (checkout / "index.html").is_file() else packaged


DIST = _find_dist()
RESERVED = ("api", "docs", "redoc", "openapi.json", "health", "metrics", "demo", "sdk")
NOT_BUILT = """<!doctype html><meta charset="utf-8"><title>botsieve</title>
<p>The dashboard is not built. Run <code>make run</code> (or <code>npm ci && npm run build</code>
in <code>dashboard/</code>). The API is at <a href="/docs">/docs</a>.</p>"""


def _reserved(path: str) -> bool:
    first = path.split("/", 1)[0]
    return first in RESERVED


def _method_elsewhere(request: Request) -> bool:
    for route in request.app.router.routes:
        if getattr(route, "name", "") == "dashboard_app":
            continue
        match, _ = route.matches(request.scope)
        if match == Match.PARTIAL:
            return True
    return False


def install(app: FastAPI) -> None:

    @app.api_route(
        "/{path:path}", methods=["GET", "HEAD"], include_in_schema=False, name="dashboard_app"
    )
    async def dashboard_app(path: str, request: Request) -> Response:
        if _reserved(path):
            raise HTTPException(405 if _method_elsewhere(request) else 404, "Not Found")
        root = DIST.resolve()
        index = root / "index.html"
        if not index.is_file():
            return HTMLResponse(NOT_BUILT, status_code=503)
        if path:
            candidate = (root / path).resolve()
            if candidate.is_relative_to(root) and candidate.is_file():
                immutable = path.startswith("assets/")
                cache = "public, max-age=31536000, immutable" if immutable else "no-cache"
                return FileResponse(candidate, headers={"Cache-Control": cache})
        return FileResponse(index, headers={"Cache-Control": "no-cache"})
