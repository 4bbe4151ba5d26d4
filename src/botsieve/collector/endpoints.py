"""GET /sdk/botsieve.min.js: the collector, for survey pages that load it from the service."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, Response

from botsieve.kit.errors import NotFound

# The JS build copies its script-tag bundle here, and the package ships it.
SCRIPT = Path(__file__).resolve().parents[1] / "demo" / "static" / "botsieve.min.js"

router = APIRouter(tags=["collector"])


@lru_cache(maxsize=1)
def _script() -> bytes:
    return SCRIPT.read_bytes()


@router.get("/sdk/botsieve.min.js", include_in_schema=False)
async def collector_script() -> Response:
    if not SCRIPT.exists():
        raise NotFound("The collector is not built; run `npm run build` in sdk/js.")
    return Response(
        _script(),
        media_type="application/javascript; charset=utf-8",
        headers={"Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff"},
    )
