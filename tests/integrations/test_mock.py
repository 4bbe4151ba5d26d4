"""Mock mode plays both platforms end to end, with the outbox worker running for real."""

from __future__ import annotations

import pytest

from botsieve.integrations import mock
from botsieve.kit.settings import Settings


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"integrations_worker_enabled": True, "integrations_poll_seconds": 0.05}
    )


async def test_mock_mode_runs_both_platforms(client, secret_key):
    seen = await mock.run(client, secret_key, wait_seconds=20)
    qualtrics = seen["qualtrics"]
    assert qualtrics["web_service_reply"]["status"] == "ok"
    assert qualtrics["event_reply"]["accepted"] is True
    written = qualtrics["embedded_data_written"]
    assert written is not None, "the worker did not write back"
    assert written["botsieve_score"] == qualtrics["web_service_reply"]["score"]
    assert written["botsieve_quality"]
    assert seen["decipher"]["logic_node_reply"]["status"] == "ok"
