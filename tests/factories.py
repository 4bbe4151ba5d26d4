"""Small, generated test data: sessions and event batches as the collector would send them."""

from __future__ import annotations

import math
from typing import Any

import httpx
import numpy as np

from tests.engine.sessions import wobbly_path

SESSION_BODY: dict[str, Any] = {
    "platform": "qualtrics",
    "survey_id": "SV_test",
    "respondent_id": "R_1",
    "environment": {"webdriver": False, "languages": ["en-US"], "userAgent": "Mozilla/5.0"},
}


def mouse_path(n: int, start_t: float = 0.0, step_ms: float = 16.7) -> list[dict[str, Any]]:
    """A curved, slowing pointer path of ``n`` mousemove events."""
    return [
        {
            "type": "mousemove",
            "t": round(start_t + i * step_ms, 1),
            "trusted": True,
            "x": round(200 + 300 * math.sin(i / 40), 1),
            "y": round(150 + 80 * math.cos(i / 25), 1),
        }
        for i in range(n)
    ]


def hand_path(n: int, seed: int = 3) -> list[dict[str, Any]]:
    """``n`` mousemove events of a hand-like path (aimed strokes that bend, tremor, pauses):
    what a session must look like for the model to keep it. ``mouse_path``'s sine is smooth
    to a tenth of a pixel, which the model rightly reads as drawn by a program."""
    t, x, y = wobbly_path(np.random.default_rng(seed), n, start=500.0)
    return [
        {"type": "mousemove", "t": float(a), "trusted": True, "x": float(b), "y": float(c)}
        for a, b, c in zip(t, x, y, strict=True)
    ]


def mixed_events(start_t: float = 0.0) -> list[dict[str, Any]]:
    """One event of every type, in time order."""
    t = start_t
    events: list[dict[str, Any]] = []

    def add(**fields: Any) -> None:
        nonlocal t
        t += 10
        events.append({"t": t, **fields})

    add(type="page", mark="Q1", phase="shown")
    add(type="mousemove", x=10.5, y=20.3)
    add(type="mousedown", x=11, y=21, button=0)
    add(type="mouseup", x=11, y=21, button=0)
    add(type="click", x=11, y=21, button=0, dx=-2.5, dy=1.0, w=120, h=32)
    add(type="wheel", dx=0, dy=120)
    add(type="scroll", x=0, y=340)
    add(type="focus", target="q1_text")
    add(type="keydown", key="letter", pos=30)
    add(type="input", input_type="insertText", delta=1, field="q1_text")
    add(type="keyup", key="letter", pos=30)
    add(type="paste", length=42, field="q1_text")
    add(type="copy", length=3)
    add(type="blur", target="q1_text")
    add(type="visibilitychange", state="hidden")
    add(type="visibilitychange", state="visible")
    add(type="resize", w=1280, h=720)
    add(type="touchstart", x=5, y=6, id=1, force=0.5)
    add(type="touchmove", x=6, y=7, id=1)
    add(type="touchend", x=6, y=7, id=1)
    add(type="page", mark="Q1", phase="submitted")
    return events


async def new_session(
    client: httpx.AsyncClient, headers: dict[str, str], **overrides: Any
) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/detection/sessions", json={**SESSION_BODY, **overrides}, headers=headers
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def send_events(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    session: dict[str, Any],
    events: list[dict[str, Any]],
    batch_id: str = "b1",
) -> httpx.Response:
    return await client.post(
        f"/api/v1/detection/sessions/{session['session_id']}/events",
        json={"batch_id": batch_id, "events": events},
        headers={**headers, "X-Session-Token": session["token"]},
    )
