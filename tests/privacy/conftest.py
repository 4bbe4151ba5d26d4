"""Privacy fixtures: the integration stand-ins, with the outbox worker off."""

from tests.integrations.conftest import outbound, receiver, settings  # noqa: F401
