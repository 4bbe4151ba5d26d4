"""/demo: a three-page survey with the collector's script-tag build, and its result page.

The pages are plain HTML files beside this module; the collector is ``static/botsieve.min.js``,
a copy of ``sdk/js/dist/botsieve.min.js`` that the JS build refreshes and git keeps, so the
Python package serves the demo without Node. The demo is on only while the app state carries a
publishable key for it (``demo_publishable_key``, set in development); otherwise every route
here is 404.
The result is read server side through ``demo_result``: a publishable key cannot read results.
Only the browser that made a demo session sees its result: the pages give each browser a random
visitor id (in an HTTP-only cookie, and in the page for the collector's session metadata), and
the result page shows a session only to the cookie its metadata names.
"""

from __future__ import annotations

import html
import json
import re
import secrets
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from botsieve.kit.errors import NotFound

router = APIRouter()

_HERE = Path(__file__).parent
_PAGES = ("consent", "grid", "open")
_STATIC_TYPES = {
    "botsieve.min.js": "text/javascript",
    "demo.js": "text/javascript",
    "demo.css": "text/css",
}
DEMO_SURVEY = "demo"
VISITOR_COOKIE = "botsieve_demo_visitor"
_VISITOR = re.compile(r"^[A-Za-z0-9_-]{32}$")
_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


def _demo_key(request: Request) -> str:
    state = getattr(request.app.state, "botsieve", None)
    key = getattr(state, "demo_publishable_key", None)
    if not key:
        raise NotFound("The demo survey is off.")
    return str(key)


def _render(name: str, **slots: str) -> HTMLResponse:
    text = (_HERE / f"{name}.html").read_text(encoding="utf-8")
    for slot, content in slots.items():
        text = text.replace("{{" + slot + "}}", content)
    return HTMLResponse(text, headers=_HEADERS)


def _visitor(request: Request) -> str:
    """This browser's visitor id: the one its cookie carries, or a new one."""
    current = request.cookies.get(VISITOR_COOKIE, "")
    return current if _VISITOR.match(current) else secrets.token_urlsafe(24)


def _config(request: Request, key: str, visitor: str) -> str:
    endpoint = str(request.base_url).rstrip("/")
    config = {"endpoint": endpoint, "key": key, "visitor": visitor, "survey": DEMO_SURVEY}
    # Inside <script type="application/json">: keep "</" from closing the element.
    return json.dumps(config).replace("</", "<\\/")


@router.get("", include_in_schema=False)
async def demo_root(request: Request) -> Response:
    _demo_key(request)
    return RedirectResponse(str(request.url_for("demo_page", page="consent")), status_code=307)


@router.get("/", include_in_schema=False)
async def demo_index(request: Request) -> Response:
    return await demo_page(request, "consent")


@router.get("/static/{name}", include_in_schema=False)
async def demo_static(request: Request, name: str) -> Response:
    _demo_key(request)
    media_type = _STATIC_TYPES.get(name)
    path = _HERE / "static" / name
    if media_type is None or not path.is_file():
        raise NotFound(f"No demo file {name}.")
    return FileResponse(path, media_type=media_type, headers=_HEADERS)


@router.get("/result", include_in_schema=False)
async def demo_result(request: Request, session: str = "") -> Response:
    _demo_key(request)
    reader = getattr(request.app.state.botsieve, "demo_result", None)
    visitor = request.cookies.get(VISITOR_COOKIE, "")
    known = reader is not None and session and _VISITOR.match(visitor)
    result = await reader(session, visitor) if known and reader is not None else None
    if result is None:
        raise NotFound("No result for this session.")
    return _render("result", RESULT=render_result(result))


@router.get("/{page}", name="demo_page", include_in_schema=False)
async def demo_page(request: Request, page: str) -> Response:
    key = _demo_key(request)
    if page not in _PAGES:
        raise NotFound(f"No demo page {page}.")
    visitor = _visitor(request)
    response = _render(page, CONFIG=_config(request, key, visitor))
    secure = request.app.state.botsieve.settings.cookies_are_secure
    response.set_cookie(
        VISITOR_COOKIE, visitor, httponly=True, samesite="strict", path="/demo", secure=secure
    )
    return response


def _reason(reason: dict[str, Any]) -> str:
    e = html.escape
    value = reason.get("value")
    shown = f" <span class='value'>({e(str(value))})</span>" if value is not None else ""
    code, text = e(str(reason.get("code", ""))), e(str(reason.get("text", "")))
    return f"<li><code>{code}</code> {text}{shown}</li>"


def _method_row(name: str, method: dict[str, Any]) -> str:
    reasons = "".join(_reason(r) for r in method.get("reasons") or [])
    score = float(method.get("score", 0))
    weight = float(method.get("weight", 0))
    return (
        f"<tr><th scope='row'>{html.escape(name)}</th><td>{score:.2f}</td><td>{weight:.2f}</td>"
        f"<td><ul>{reasons or '<li>nothing notable</li>'}</ul></td></tr>"
    )


def render_result(result: dict[str, Any]) -> str:
    """The verdict as HTML: every value escaped, since reasons may quote the browser."""
    e = html.escape
    verdict = "bot" if result.get("is_bot") else "human"
    headline = "Probably a bot" if verdict == "bot" else "Probably a person"
    probability = float(result.get("bot_probability") or 0.0)
    risk = e(str(result.get("risk_level", "")))
    methods = sorted(
        (result.get("method_scores") or {}).items(), key=lambda kv: -float(kv[1].get("score", 0))
    )
    rows = "".join(_method_row(name, method) for name, method in methods)
    return (
        f"<p class='verdict {verdict}' data-verdict='{verdict}'>{headline}</p>"
        "<dl class='figures'>"
        f"<dt>Bot probability</dt><dd data-probability='{probability:.4f}'>"
        f"{probability * 100:.1f}%</dd>"
        f"<dt>Risk</dt><dd data-risk='{risk}'>{risk}</dd>"
        f"<dt>Events analysed</dt><dd>{int(result.get('event_count') or 0)}</dd></dl>"
        f"<p class='summary'>{e(str(result.get('analysis_summary', '')))}</p>"
        "<table class='methods'><thead><tr><th>Method</th><th>Score</th><th>Weight</th>"
        f"<th>Reasons</th></tr></thead><tbody>{rows}</tbody></table>"
        f"<p class='session'>Session <code>{e(str(result.get('session_id', '')))}</code></p>"
    )
