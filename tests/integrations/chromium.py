"""Chromium driven over the DevTools protocol: real pages, real (trusted) input events.

Kept to what the guide tests need: open a page, wait for a condition, move the pointer, click.
Every wait polls for readiness under one generous limit, so a busy machine is slower, not red.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import math
import os
import re
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect

from tests.live_server import READY_CEILING_SECONDS

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking")
LISTENING = re.compile(r"DevTools listening on (ws://\S+)")
# Only a ceiling against a hang (ten minutes, as the live server's): readiness ends each wait.
PATIENCE_S = float(READY_CEILING_SECONDS)


class Browser:
    def __init__(self) -> None:
        self.profile = Path(tempfile.mkdtemp(prefix="botsieve-chromium-"))
        self.process: subprocess.Popen[str] | None = None
        self.ws: ClientConnection | None = None
        self._ids = itertools.count(1)

    async def start(self) -> Browser:
        self.process = subprocess.Popen(
            [CHROMIUM, *ARGS, "--remote-debugging-port=0", f"--user-data-dir={self.profile}"],
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
            # Its own process group: stopping it stops its renderer and GPU processes too.
            start_new_session=True,
        )
        endpoint = await asyncio.wait_for(asyncio.to_thread(self._endpoint), PATIENCE_S)
        port = int(endpoint.split(":")[2].split("/")[0])
        async with httpx.AsyncClient(timeout=PATIENCE_S) as http:
            reply = await http.put(f"http://127.0.0.1:{port}/json/new?about:blank")
        page = reply.json()["webSocketDebuggerUrl"]
        self.ws = await connect(page, max_size=None)
        await self.send("Page.enable")
        await self.send("Runtime.enable")
        return self

    def _endpoint(self) -> str:
        assert self.process is not None and self.process.stderr is not None
        for line in self.process.stderr:
            if match := LISTENING.search(line):
                return match.group(1)
        raise RuntimeError("Chromium exited before it listened")

    async def stop(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self.process is not None:
            self._signal_group(signal.SIGTERM)
            try:
                await asyncio.to_thread(self.process.wait, 10)
            except subprocess.TimeoutExpired:
                self._signal_group(signal.SIGKILL)
                await asyncio.to_thread(self.process.wait)
            self._signal_group(signal.SIGKILL)  # children that outlived their parent
        shutil.rmtree(self.profile, ignore_errors=True)

    def _signal_group(self, sig: int) -> None:
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, sig)

    async def send(self, method: str, **params: Any) -> dict[str, Any]:
        assert self.ws is not None
        call_id = next(self._ids)
        await self.ws.send(json.dumps({"id": call_id, "method": method, "params": params}))
        while True:
            message = json.loads(await asyncio.wait_for(self.ws.recv(), PATIENCE_S))
            if message.get("id") == call_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result

    async def evaluate(self, expression: str) -> Any:
        reply = await self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in reply:
            raise RuntimeError(f"{expression}: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    async def wait_for(self, expression: str) -> Any:
        deadline = asyncio.get_running_loop().time() + PATIENCE_S
        while True:
            try:
                value = await self.evaluate(expression)
            except RuntimeError:
                value = None
            if value:
                return value
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"hung: never true in {PATIENCE_S:.0f} s: {expression}")
            await asyncio.sleep(0.05)

    async def goto(self, url: str) -> None:
        await self.send("Page.navigate", url=url)
        await self.wait_for(
            f"location.href === {json.dumps(url)} && document.readyState === 'complete'"
        )

    async def move_around(self, moves: int, start: tuple[float, float] = (120, 120)) -> None:
        """A curved, slowing pointer path, one move per frame or so."""
        x0, y0 = start
        for i in range(moves):
            x = x0 + 260 * math.sin(i / 30)
            y = y0 + 90 * math.cos(i / 22) + i * 0.4
            await self.send("Input.dispatchMouseEvent", type="mouseMoved", x=x, y=y)
            await asyncio.sleep(0.016)

    async def click(self, selector: str) -> None:
        box = await self.wait_for(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
            " if (!e) return null; const r = e.getBoundingClientRect();"
            " return [r.x + r.width / 2, r.y + r.height / 2]; })()"
        )
        x, y = box
        await self.send("Input.dispatchMouseEvent", type="mouseMoved", x=x, y=y)
        for kind in ("mousePressed", "mouseReleased"):
            await self.send(
                "Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1
            )
