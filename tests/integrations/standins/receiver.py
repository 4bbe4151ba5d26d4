"""A customer's webhook receiver: verifies our signature with its secret, records deliveries."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from botsieve.integrations.webhooks import verify


class Receiver:
    def __init__(self) -> None:
        self.secrets: list[str] = []
        self.received: list[dict[str, Any]] = []
        self.rejected = 0
        self.fail_next = 0  # answer this many deliveries with 500
        self.app = self._build()

    def _build(self) -> FastAPI:
        app = FastAPI()

        @app.post("/hooks")
        async def hook(request: Request) -> JSONResponse:
            if self.fail_next > 0:
                self.fail_next -= 1
                return JSONResponse({"error": "deploying"}, status_code=500)
            body = await request.body()
            try:
                verify(request.headers.get("botsieve-signature"), body, self.secrets)
            except Exception:
                self.rejected += 1
                return JSONResponse({"error": "bad signature"}, status_code=400)
            self.received.append(
                {"event_id": request.headers.get("botsieve-event-id"), "body": await request.json()}
            )
            return JSONResponse({"ok": True})

        return app
