"""The broadcaster coalesces bursts and never blocks the caller."""

from __future__ import annotations

import asyncio

import orjson

from botsieve.realtime.broadcaster import Broadcaster, coalesce
from tests.live_server import READY_CEILING_SECONDS


def test_a_burst_for_one_session_becomes_one_update_with_the_latest_fields():
    batch = [("session_updated", {"session_id": "a", "event_count": n}) for n in range(50)]
    batch.insert(10, ("session_updated", {"session_id": "b", "event_count": 1}))
    batch.append(("analysis_complete", {"session_id": "a", "risk_level": "high"}))
    assert coalesce(batch) == [
        {"event": "session_updated", "data": {"session_id": "a", "event_count": 49}},
        {"event": "session_updated", "data": {"session_id": "b", "event_count": 1}},
        {"event": "analysis_complete", "data": {"session_id": "a", "risk_level": "high"}},
    ]


def test_updates_merge_fields_sent_at_different_times():
    batch = [
        ("session_updated", {"session_id": "a", "survey_id": "SV", "event_count": 0}),
        ("session_updated", {"session_id": "a", "event_count": 30}),
    ]
    assert coalesce(batch)[0]["data"] == {"session_id": "a", "survey_id": "SV", "event_count": 30}


async def test_without_redis_every_listener_gets_one_frame_per_burst():
    broadcaster = Broadcaster(None, window=0.05)
    await broadcaster.start()
    try:
        first, second = broadcaster.subscribe(), broadcaster.subscribe()
        for n in range(200):
            broadcaster.enqueue("session_updated", {"session_id": "s", "event_count": n})
        # Each listener's frame is awaited as such; the ceiling is only against a hang.
        frames = [
            orjson.loads(await asyncio.wait_for(x.next(), READY_CEILING_SECONDS))
            for x in (first, second)
        ]
        latest = {"session_id": "s", "event_count": 199}
        for frame in frames:
            assert frame == {
                "type": "events",
                "events": [{"event": "session_updated", "data": latest}],
            }
        assert first.queue.empty()
    finally:
        await broadcaster.stop()


def test_enqueue_drops_rather_than_blocks_when_full():
    broadcaster = Broadcaster(None)
    for n in range(10_005):
        broadcaster.enqueue("session_updated", {"session_id": str(n)})
    assert broadcaster.dropped == 5
