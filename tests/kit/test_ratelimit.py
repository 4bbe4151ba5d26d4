"""Rate limits per key and per client IP: 429 with Retry-After, in memory or in Redis."""

from __future__ import annotations

import pytest

from botsieve.app import create_app
from tests.conftest import SURVEY_ORIGIN, _key, start_clean
from tests.factories import SESSION_BODY


@pytest.fixture
async def strict_client(settings):
    import httpx

    tight = settings.model_copy(
        update={
            "rate_limit_publishable_per_ip": "3/minute",
            "rate_limit_secret_per_key": "4/minute",
        }
    )
    app = create_app(tight)
    async with app.router.lifespan_context(app):
        await start_clean(app)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            yield app, client


async def test_publishable_key_is_limited_per_ip(strict_client):
    app, client = strict_client
    key = await _key(app, "publishable", [SURVEY_ORIGIN])
    headers = {"Authorization": f"Bearer {key}", "Origin": SURVEY_ORIGIN}
    codes = [
        (await client.post("/api/v1/detection/sessions", json=SESSION_BODY, headers=headers))
        for _ in range(4)
    ]
    assert [r.status_code for r in codes] == [201, 201, 201, 429]
    limited = codes[-1]
    assert int(limited.headers["retry-after"]) >= 1
    assert limited.json()["error"]["code"] == "rate_limited"


async def test_secret_key_is_limited_per_key(strict_client):
    app, client = strict_client
    key = await _key(app, "secret")
    headers = {"Authorization": f"Bearer {key}"}
    codes = [
        (await client.get("/api/v1/dashboard/sessions", headers=headers)).status_code
        for _ in range(5)
    ]
    assert codes == [200, 200, 200, 200, 429]
    other = await _key(app, "secret")
    response = await client.get(
        "/api/v1/dashboard/sessions", headers={"Authorization": f"Bearer {other}"}
    )
    assert response.status_code == 200


class _Clock:
    """A stand-in for ``time`` in the limiter's modules: the test decides when each hit lands."""

    def __init__(self, now: float) -> None:
        self.now = now

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    # A whole number of minutes since the epoch, so a fixed window aligned to the clock and one
    # that starts at the first hit share their boundary below.
    fake = _Clock(now=1_800_000_000.0)
    for module in ("limits.aio.storage.memory", "limits.aio.strategies", "botsieve.kit.ratelimit"):
        monkeypatch.setattr(f"{module}.time", fake)
    return fake


async def _accepted_at(limiter, rule: str, clock: _Clock, start: float, seconds: float, rate: int):
    """Hit ``rule`` ``rate`` times a second from ``start`` for ``seconds``: when each got in."""
    from botsieve.kit.errors import RateLimited

    accepted = []
    for step in range(int(seconds * rate)):
        clock.now = start + step / rate
        try:
            await limiter.check(rule, "203.0.113.9")
        except RateLimited:
            continue
        accepted.append(clock.now)
    return accepted


def _most_in_any_span(times: list[float], span: float) -> int:
    import bisect

    return max(bisect.bisect_left(times, t + span) - i for i, t in enumerate(times))


async def test_a_burst_across_a_window_boundary_gets_no_more_than_the_limit(clock):
    """The shipped per-address rule, 1,200 a minute, against one hit and then a 30 s burst at 5x
    the rate, half before and half after a minute boundary: a fixed window lets ~2,400 through
    within a minute, a sliding counter ~1,500; the limit allows 1,200 in any 60 s."""
    from botsieve.kit.ratelimit import RateLimiter
    from botsieve.kit.settings import Settings

    rule = Settings().rate_limit_publishable_per_ip
    assert rule == "1200/minute"
    accepted = await _straddling_burst(RateLimiter(), rule, clock, rate=100)
    assert len(accepted) >= 1_200  # the burst was refused only once the limit was used up
    assert _most_in_any_span(accepted, 60.0) == 1_200


async def test_a_per_key_throughput_rule_is_estimated_within_a_quarter_over(clock):
    """Rules above EXACT_UP_TO a window (the per-key throughput limits) are a sliding counter:
    the same straddling burst gets at most 1.25x the limit within one window (docs/service.md)."""
    from botsieve.kit.ratelimit import EXACT_UP_TO, RateLimiter
    from botsieve.kit.settings import Settings

    rule = Settings().rate_limit_secret_per_key
    assert rule == "30000/minute" and EXACT_UP_TO < 30_000
    accepted = await _straddling_burst(RateLimiter(), rule, clock, rate=2_500)
    assert 30_000 <= _most_in_any_span(accepted, 60.0) <= 1.25 * 30_000


async def _straddling_burst(limiter, rule: str, clock: _Clock, rate: int) -> list[float]:
    """One hit at a minute boundary, then a 30 s burst from 15 s before the next one."""
    boundary = clock.now + 60
    accepted = await _accepted_at(limiter, rule, clock, clock.now, seconds=1 / rate, rate=rate)
    return accepted + await _accepted_at(limiter, rule, clock, boundary - 15, seconds=30, rate=rate)
