"""A short way in for the hottest routes: straight to their handlers, past the router.

A survey sends session creations and event batches by the thousand per second. For each of
them FastAPI's router matched the path against every route, wrapped the call in its exception
and exit-stack layers and solved dependencies: more time than storing the events took (see
docs/service.md, "Performance"). A lane matches one method and path template and calls its
handler with the bare request; domain errors get the same JSON error shape as everywhere else.

The routes stay declared on their routers too: that is what OpenAPI shows, and what serves a
request the lane does not match (a malformed id, say, gets the router's usual 422).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import compile_path
from starlette.types import ASGIApp, Receive, Scope, Send

from botsieve.kit.errors import BotsieveError, error_response

Handler = Callable[..., Awaitable[Response]]


@dataclass(frozen=True)
class Lane:
    method: str
    # A Starlette path template; typed parameters ({id:uuid}) are converted before the call.
    path: str
    handler: Handler


class _CompiledLane:
    def __init__(self, lane: Lane, prefix: str) -> None:
        self.method = lane.method
        self.path = prefix + lane.path
        # path_format (the template without converters) is what metrics name the route by.
        self.regex, self.path_format, self.convertors = compile_path(self.path)
        self.handler = lane.handler

    def params(self, path: str) -> dict[str, str] | None:
        match = self.regex.match(path)
        return None if match is None else match.groupdict()


class FastLaneMiddleware:
    def __init__(self, app: ASGIApp, *, lanes: Sequence[Lane], prefix: str = "") -> None:
        self.app = app
        self.lanes = [_CompiledLane(lane, prefix) for lane in lanes]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            for lane in self.lanes:
                if scope["method"] != lane.method:
                    continue
                params = lane.params(scope["path"])
                if params is not None:
                    await self._serve(lane, params, scope, receive, send)
                    return
        await self.app(scope, receive, send)

    async def _serve(
        self,
        lane: _CompiledLane,
        params: dict[str, str],
        scope: Scope,
        receive: Receive,
        send: Send,
    ) -> None:
        # What the router would have set: the access log and metrics name the route by these.
        scope["route"] = lane
        scope["path_params"] = params
        request = Request(scope, receive)
        converted: dict[str, Any] = {
            name: lane.convertors[name].convert(value) for name, value in params.items()
        }
        try:
            response = await lane.handler(request, **converted)
        except BotsieveError as exc:
            response = error_response(request, exc)
        await response(scope, receive, send)
